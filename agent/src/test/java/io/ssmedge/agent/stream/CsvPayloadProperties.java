package io.ssmedge.agent.stream;

import io.ssmedge.agent.config.PayloadFormat;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sensor parser reads CSV lines and fields in place (index ranges, no strings); it reads the same samples, and
 * rejects the same payloads for the same reason, as the plain string-splitting reading it replaced (the oracle
 * below: regular expressions, {@code String.strip/trim}, the JDK's number parsing).
 */
class CsvPayloadProperties {
    static final List<String> CH = List.of("Current", "Pressure", "Voltage");
    private static final Pattern LINES = Pattern.compile("\r?\n|\r");

    final SensorPayloadParser parser = new SensorPayloadParser(PayloadFormat.CSV, 1 << 16, CH);

    @Provide
    Arbitrary<String> csv() {
        Arbitrary<String> field = Arbitraries.oneOf(
                Arbitraries.floats().between(-1e6f, 1e6f).map(String::valueOf),
                Arbitraries.longs().between(946_684_800_000L, 2_000_000_000_000L).map(String::valueOf),
                Arbitraries.of("1e3", "-0", " 2.5 ", "\t7", "", "x", "1e400", "NaN", "2020-03-09 10:14:33",
                        "2020-03-09T10:14:33Z", " 2020-03-09T10:14:33+01:00", "1:2", "\u00001", "0x10", "\u3000"),
                Arbitraries.strings().withChars("0123456789.-+eE :").ofMaxLength(6));
        Arbitrary<String> line = Arbitraries.oneOf(
                field.list().ofMinSize(1).ofMaxSize(5).map(f -> String.join(",", f)),
                field.list().ofMinSize(1).ofMaxSize(5).map(f -> String.join(";", f)),
                Arbitraries.strings().withChars("0123456789.,;- \t\u000b").ofMaxLength(12));
        Arbitrary<String> sep = Arbitraries.of("\n", "\r\n", "\r", "\n\n", " \n");
        return Arbitraries.integers().between(1, 6).flatMap(n -> Arbitraries.oneOf(line, line, sep)
                .list().ofSize(2 * n).map(parts -> String.join("", parts)))
                .flatMap(t -> Arbitraries.of("", "\uFEFF").map(bom -> bom + t));
    }

    @Property(tries = 5000)
    void readsWhatTheStringSplittingRead(@ForAll("csv") String text) {
        assertThat(inPlace(text)).isEqualTo(oracle(text));
    }

    @Example
    void typicalPayloads() {
        assertThat(inPlace("1732800000123,1,2,3\r\n1732800000124;4;5;6\n")).isEqualTo(
                "ts=1.732800000123E12 1.0 2.0 3.0 | ts=1.732800000124E12 4.0 5.0 6.0 | ");
        assertThat(inPlace(" 1, 2 ,3 \n\n")).isEqualTo("ts=NaN 1.0 2.0 3.0 | ");
        assertThat(inPlace("2020-03-09 10:14:33,1,2,3")).isEqualTo("ts=1.583748873E12 1.0 2.0 3.0 | ");
        assertThat(inPlace("1,2")).isEqualTo("rejected WRONG_CHANNEL_COUNT");
        assertThat(inPlace("1,2,x")).isEqualTo("rejected NOT_A_NUMBER");
        assertThat(inPlace(" ,1,2,3")).isEqualTo("rejected BAD_TIMESTAMP");
    }

    private String inPlace(String text) {
        SampleBatch out = new SampleBatch(CH.size());
        try {
            parser.parse(text.getBytes(StandardCharsets.UTF_8), out);
        } catch (PayloadException e) {
            return "rejected " + e.reason();
        }
        StringBuilder r = new StringBuilder();
        float[] row = new float[CH.size()];
        for (int i = 0; i < out.count(); i++) {
            out.copyRow(i, row);
            r.append("ts=").append(out.ts(i));
            for (float v : row) {
                r.append(' ').append(v);
            }
            r.append(" | ");
        }
        return r.toString();
    }

    /** The reading before in-place parsing, with the JDK's parsers for the numbers. */
    private static String oracle(String text) {
        String body = text.startsWith("\uFEFF") ? text.substring(1) : text;
        StringBuilder r = new StringBuilder();
        int n = CH.size();
        int samples = 0;
        for (String raw : LINES.split(body, -1)) {
            String line = raw.strip();
            if (line.isEmpty()) {
                continue;
            }
            String[] f = line.split(line.indexOf(';') >= 0 ? ";" : ",", -1);
            if (f.length != n && f.length != n + 1) {
                return "rejected WRONG_CHANNEL_COUNT";
            }
            double ts = Double.NaN;
            List<Float> values = new ArrayList<>();
            if (f.length == n + 1) {
                String t = f[0].trim();
                if (t.isEmpty()) {
                    return "rejected BAD_TIMESTAMP";
                }
                try {
                    ts = t.indexOf(':') >= 0 ? Timestamps.parse(t) : Double.parseDouble(t);
                } catch (NumberFormatException | PayloadException e) {
                    return "rejected BAD_TIMESTAMP";
                }
                if (!Double.isFinite(ts)) {
                    return "rejected BAD_TIMESTAMP";
                }
            }
            for (int i = f.length - n; i < f.length; i++) {
                float v;
                try {
                    v = Float.parseFloat(f[i].strip());
                } catch (NumberFormatException e) {
                    return "rejected NOT_A_NUMBER";
                }
                if (!Float.isFinite(v)) {
                    return "rejected NOT_A_NUMBER";
                }
                values.add(v);
            }
            r.append("ts=").append(ts);
            for (float v : values) {
                r.append(' ').append(v);
            }
            r.append(" | ");
            samples++;
        }
        return samples == 0 ? "rejected EMPTY" : r.toString();
    }
}
