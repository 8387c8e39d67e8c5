package io.ssmedge.format;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SafetensorsFileTest {
    @TempDir
    Path tmp;

    static byte[] file(String header, int dataBytes) {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + h.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(h.length).put(h);
        return b.array();
    }

    @Test
    void roundTripsEveryDtypeAndMetadata() {
        byte[] bytes = new SafetensorsWriter()
                .add(Tensor.f32("a", new float[]{1.5f, -2f, Float.MIN_VALUE, 3e38f, 0f, 7f}, 2, 3))
                .add(Tensor.f64("b", new double[]{Math.PI}, 1))
                .add(Tensor.i32("c", new int[]{Integer.MIN_VALUE, 0, Integer.MAX_VALUE}, 3))
                .add(Tensor.i64("d", new long[]{Long.MIN_VALUE, 42}, 2, 1))
                .add(Tensor.f32("empty", new float[0], 0, 4))
                .metadata("note", "hello")
                .toBytes();
        SafetensorsFile f = SafetensorsFile.parse("mem", bytes);
        assertThat(f.get("a").floats()).containsExactly(1.5f, -2f, Float.MIN_VALUE, 3e38f, 0f, 7f);
        assertThat(f.get("a").shape()).containsExactly(2, 3);
        assertThat(f.get("b").doubles()).containsExactly(Math.PI);
        assertThat(f.get("c").ints()).containsExactly(Integer.MIN_VALUE, 0, Integer.MAX_VALUE);
        assertThat(f.get("d").longs()).containsExactly(Long.MIN_VALUE, 42L);
        assertThat(f.get("empty").numel()).isZero();
        assertThat(f.metadata()).containsEntry("note", "hello");
        assertThat((bytes.length - 8 - f.get("a").numel() * 4L - 8 - 12 - 16) % 8).isZero(); // header padded to 8
    }

    @Test
    void writesAtomicallyAndReadsBackFromDisk() {
        Path p = tmp.resolve("sub/x.safetensors");
        new SafetensorsWriter().add(Tensor.f32("w", new float[]{1, 2}, 2)).write(p);
        assertThat(SafetensorsFile.read(p).get("w").floats()).containsExactly(1f, 2f);
        assertThat(tmp.resolve("sub").toFile().list()).containsExactly("x.safetensors");
    }

    @Test
    void rejectsFileShorterThanTheLengthField() {
        assertThatThrownBy(() -> SafetensorsFile.parse("m.safetensors", new byte[5]))
                .isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("m.safetensors").hasMessageContaining("5 bytes").hasMessageContaining("truncated");
    }

    @Test
    void rejectsHeaderLengthPastEndOfFile() {
        byte[] b = file("{}", 0);
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putLong(0, 1000);
        assertThatThrownBy(() -> SafetensorsFile.parse("m", b)).isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("header length field says 1000 bytes, but 2 bytes follow");
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putLong(0, -1);
        assertThatThrownBy(() -> SafetensorsFile.parse("m", b)).isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("18446744073709551615");
    }

    @Test
    void rejectsOffsetsOutsideTheData() {
        byte[] b = file("{\"w\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}}", 8);
        assertThatThrownBy(() -> SafetensorsFile.parse("m", b)).isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("tensor 'w'").hasMessageContaining("outside the data section of 8 bytes");
    }

    @Test
    void rejectsOverlappingTensors() {
        byte[] b = file("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}", 12);
        assertThatThrownBy(() -> SafetensorsFile.parse("m", b)).isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("'a'").hasMessageContaining("'b'").hasMessageContaining("overlap");
    }

    @Test
    void rejectsByteCountThatDisagreesWithShapeAndDtype() {
        byte[] b = file("{\"w\":{\"dtype\":\"F64\",\"shape\":[2],\"data_offsets\":[0,8]}}", 8);
        assertThatThrownBy(() -> SafetensorsFile.parse("m", b)).isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("tensor 'w'").hasMessageContaining("needs 16 bytes").hasMessageContaining("span 8");
    }

    @Test
    void rejectsUnsupportedDtypeNegativeShapeAndMissingFields() {
        assertThatThrownBy(() -> SafetensorsFile.parse("m", file("{\"w\":{\"dtype\":\"BF16\",\"shape\":[1],\"data_offsets\":[0,2]}}", 2)))
                .isInstanceOf(ModelFormatException.class).hasMessageContaining("unsupported dtype \"BF16\"");
        assertThatThrownBy(() -> SafetensorsFile.parse("m", file("{\"w\":{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,0]}}", 0)))
                .isInstanceOf(ModelFormatException.class).hasMessageContaining("non-negative");
        assertThatThrownBy(() -> SafetensorsFile.parse("m", file("{\"w\":{\"dtype\":\"F32\"}}", 0)))
                .isInstanceOf(ModelFormatException.class).hasMessageContaining("needs 'dtype', 'shape' and 'data_offsets'");
        assertThatThrownBy(() -> SafetensorsFile.parse("m", file("[1,2]", 0)))
                .isInstanceOf(ModelFormatException.class).hasMessageContaining("must be a JSON object");
        assertThatThrownBy(() -> SafetensorsFile.parse("m", file("{not json", 0)))
                .isInstanceOf(ModelFormatException.class).hasMessageContaining("not valid JSON");
    }

    @Test
    void rejectsDuplicateTensorNames() {
        String e = "{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}";
        assertThatThrownBy(() -> SafetensorsFile.parse("m", file("{\"w\":" + e + ",\"w\":" + e + "}", 4)))
                .isInstanceOf(ModelFormatException.class).hasMessageContaining("Duplicate field 'w'");
    }

    @Test
    void namesFileAndTensorWhenMissingOrWrongShapeOrNotFinite() {
        SafetensorsFile f = SafetensorsFile.parse("model.safetensors",
                new SafetensorsWriter().add(Tensor.f32("w", new float[]{1, Float.NaN, 3, 4}, 2, 2)).toBytes());
        assertThatThrownBy(() -> f.get("v")).isInstanceOf(ModelFormatException.class)
                .hasMessage("model.safetensors: tensor 'v' is missing");
        assertThatThrownBy(() -> f.require("w", 4)).isInstanceOf(ModelFormatException.class)
                .hasMessage("model.safetensors: tensor 'w': expected shape [4], got [2, 2]");
        assertThatThrownBy(() -> f.requireFinite("w", 2, 2)).isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("tensor 'w': element 1 is NaN");
    }

    @Test
    void readsMissingFileAsModelFormatError() {
        assertThatThrownBy(() -> SafetensorsFile.read(tmp.resolve("nope.safetensors")))
                .isInstanceOf(ModelFormatException.class).hasMessageContaining("file not found");
    }

    @Test
    void acceptsRealFixtureFile() throws Exception {
        Path p = Path.of(getClass().getResource("/conformance/s5-skab/model.safetensors").toURI());
        SafetensorsFile f = SafetensorsFile.read(p);
        assertThat(f.names()).hasSize(44);
        assertThat(Files.size(p)).isEqualTo(57536);
    }
}
