package io.ssmedge.data;

import com.fasterxml.jackson.databind.JsonNode;
import io.ssmedge.format.SafetensorsFile;
import io.ssmedge.testing.Fixtures;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SensorCsvTest {
    static final List<String> CH = List.of("a", "b");
    @TempDir
    Path tmp;

    static SensorCsv.Table parse(String text) throws IOException {
        return SensorCsv.read(new StringReader(text), "t.csv", CH, "anomaly");
    }

    @Test
    void readsSelectedColumnsInRequestedOrderWithEitherSeparator() throws IOException {
        SensorCsv.Table t = parse("time;b;a;anomaly\nx;1;2;0\ny;3;4;1.0\n");
        assertThat(t.values()).containsExactly(2f, 1f, 4f, 3f);
        assertThat(t.labels()).containsExactly(0, 1);
        SensorCsv.Table c = parse("a,b,anomaly\n1,2,0\n");
        assertThat(c.values()).containsExactly(1f, 2f);
    }

    @Test
    void errorsNameFileLineAndColumn() {
        assertThatThrownBy(() -> parse("a;b;anomaly\n1;x;0\n")).isInstanceOf(DataFormatException.class)
                .hasMessage("t.csv: line 2: column 'b': expected a number, got 'x'");
        assertThatThrownBy(() -> parse("a;b;anomaly\n1;2;0\n1;NaN;0\n")).isInstanceOf(DataFormatException.class)
                .hasMessageContaining("line 3: column 'b': expected a finite number, got NaN");
        assertThatThrownBy(() -> parse("a;c;anomaly\n1;2;0\n")).isInstanceOf(DataFormatException.class)
                .hasMessageContaining("no column 'b'; the header has [a, c, anomaly]");
        assertThatThrownBy(() -> parse("a;b\n1;2\n")).isInstanceOf(DataFormatException.class)
                .hasMessageContaining("no label column 'anomaly'");
        assertThatThrownBy(() -> parse("a;b;anomaly\n1;2;0.5\n")).isInstanceOf(DataFormatException.class)
                .hasMessageContaining("expected a class number");
        assertThatThrownBy(() -> parse("a;b;anomaly\n1;2\n")).isInstanceOf(DataFormatException.class)
                .hasMessageContaining("line 2: 2 columns, the header has 3");
        assertThatThrownBy(() -> parse("")).isInstanceOf(DataFormatException.class).hasMessageContaining("empty file");
    }

    @Test
    void windowsNeverSpanFilesAndTakeTheLastLabel() throws IOException {
        SensorCsv.Table t1 = parse("a;b;anomaly\n1;1;0\n2;2;0\n3;3;1\n4;4;0\n5;5;1\n");
        SensorCsv.Table t2 = parse("a;b;anomaly\n9;9;1\n8;8;0\n");
        WindowSet w = SensorCsv.windows(List.of(t1, t2), 3, 2);
        assertThat(w.count()).isEqualTo(2 + 0);
        assertThat(w.labels()).containsExactly(1, 1);
        assertThat(w.x()).containsExactly(1, 1, 2, 2, 3, 3, 3, 3, 4, 4, 5, 5);
        assertThat(w.normalized()).isFalse();
    }

    @Test
    void listsCsvFilesOfAFolderSorted() throws IOException {
        Files.createDirectories(tmp.resolve("x/y"));
        Files.writeString(tmp.resolve("x/b.csv"), "");
        Files.writeString(tmp.resolve("x/y/a.csv"), "");
        Files.writeString(tmp.resolve("x/readme.txt"), "");
        assertThat(SensorCsv.files(tmp.resolve("x"))).containsExactly(tmp.resolve("x/b.csv"), tmp.resolve("x/y/a.csv"));
        assertThatThrownBy(() -> SensorCsv.files(tmp.resolve("none"))).isInstanceOf(DataFormatException.class);
    }

    /** The fixture's test windows are SKAB's test files cut with length 60, stride 8: our windowing reproduces them. */
    @Test
    void skabTestFilesReproduceTheFixtureWindows() {
        Path skab = Fixtures.skab();
        Assumptions.assumeTrue(skab != null, "SKAB dataset not found at ../shared/datasets/skab; skipping");
        List<String> channels = new ArrayList<>();
        List<Path> files = new ArrayList<>();
        try {
            JsonNode c = new com.fasterxml.jackson.databind.ObjectMapper().readTree(
                    Files.readString(Fixtures.dir(Fixtures.S5).resolve("config.json")));
            c.get("channels").forEach(n -> channels.add(n.asText()));
            c.get("test_files").forEach(n -> files.add(skab.resolve(n.asText())));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        List<SensorCsv.Table> tables = files.stream().map(f -> SensorCsv.read(f, channels, "anomaly")).toList();
        WindowSet w = SensorCsv.windows(tables, 60, 8);
        SafetensorsFile expected = Fixtures.expected(Fixtures.S5);
        assertThat(w.count()).isEqualTo(1471);
        // Arrays.equals: AssertJ's containsExactly is quadratic on 700k elements
        assertThat(java.util.Arrays.equals(w.labels(), expected.get("y_test").ints())).as("labels equal y_test").isTrue();
        assertThat(java.util.Arrays.equals(w.x(), expected.get("x_test_raw").floats())).as("windows equal x_test_raw").isTrue();
    }
}
