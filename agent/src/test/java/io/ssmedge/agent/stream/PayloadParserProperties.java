package io.ssmedge.agent.stream;

import io.ssmedge.agent.config.PayloadFormat;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Whatever bytes arrive, the parsers either read samples or reject with their own exception. */
class PayloadParserProperties {
    static final List<String> CH = List.of("Current", "Pressure", "Voltage");
    static final String[] VALID = {
            "{\"ts\": 1732800000123.5, \"values\": [1.5, -2, 3e3]}",
            "[{\"ts\": 1, \"Current\": 1, \"Pressure\": 2, \"Voltage\": 3}, {\"values\": [1,2,3]}]",
            "1732800000123,1,2,3\n1732800000124;4;5;6\n",
            "{\"ts\": \"2020-03-09 10:14:33\", \"label\": \"anomaly\"}",
            "10,1\n11,normal",
    };

    final SensorPayloadParser sensors = new SensorPayloadParser(PayloadFormat.AUTO, 4096, CH);
    final LabelPayloadParser labels = new LabelPayloadParser(PayloadFormat.AUTO, 4096, List.of("normal", "anomaly"));

    @Property(tries = 2000)
    void randomBytesNeverThrowAnythingElse(@ForAll @Size(max = 300) byte[] payload) {
        check(payload);
    }

    @Property(tries = 3000)
    void mutatedValidPayloadsNeverThrowAnythingElse(@ForAll("mutated") byte[] payload) {
        check(payload);
    }

    @Property(tries = 500)
    void validValuesRoundTrip(@ForAll("finite") float a, @ForAll("finite") float b, @ForAll("finite") float c) {
        SampleBatch out = new SampleBatch(3);
        sensors.parse(("{\"values\":[" + a + "," + b + "," + c + "]}").getBytes(StandardCharsets.UTF_8), out);
        float[] r = new float[3];
        out.copyRow(0, r);
        assertThat(r).containsExactly(a, b, c);
        sensors.parse((a + ";" + b + ";" + c).getBytes(StandardCharsets.UTF_8), out);
        out.copyRow(0, r);
        assertThat(r).containsExactly(a, b, c);
    }

    private void check(byte[] payload) {
        SampleBatch s = new SampleBatch(CH.size());
        try {
            sensors.parse(payload, s);
            assertThat(s.count()).isPositive();
            float[] row = new float[CH.size()];
            for (int i = 0; i < s.count(); i++) {
                s.copyRow(i, row);
                for (float v : row) {
                    assertThat(Float.isFinite(v)).isTrue();
                }
            }
        } catch (PayloadException e) {
            assertThat(e.reason()).isNotNull();
            assertThat(s.count()).isZero();
        }
        LabelBatch l = new LabelBatch();
        try {
            labels.parse(payload, l);
            assertThat(l.count()).isPositive();
        } catch (PayloadException e) {
            assertThat(l.count()).isZero();
        }
    }

    @Provide
    Arbitrary<Float> finite() {
        return Arbitraries.floats().between(-1e6f, 1e6f);
    }

    @Provide
    Arbitrary<byte[]> mutated() {
        Arbitrary<byte[]> base = Arbitraries.of(VALID).map(v -> v.getBytes(StandardCharsets.UTF_8));
        return base.flatMap(b -> Arbitraries.integers().between(1, 8).list().ofSize(6).map(ops -> mutate(b, ops)));
    }

    /** Deterministic edits driven by the generated numbers: flip, delete, duplicate, insert special bytes. */
    private static byte[] mutate(byte[] in, List<Integer> ops) {
        byte[] b = in.clone();
        byte[] specials = "{}[]\",:;\n-+.eE0NaI\u0000\u00ff".getBytes(StandardCharsets.ISO_8859_1);
        int seed = 17;
        for (int op : ops) {
            seed = seed * 31 + op;
            if (b.length == 0) {
                break;
            }
            int pos = Math.floorMod(seed, b.length);
            switch (op % 4) {
                case 0 -> b[pos] ^= (byte) (1 << (op % 8));
                case 1 -> b = concat(java.util.Arrays.copyOf(b, pos), java.util.Arrays.copyOfRange(b, pos + 1, b.length));
                case 2 -> b = concat(b, java.util.Arrays.copyOfRange(b, pos, b.length));
                default -> b[pos] = specials[Math.floorMod(seed, specials.length)];
            }
        }
        return b;
    }

    private static byte[] concat(byte[] a, byte[] c) {
        byte[] r = java.util.Arrays.copyOf(a, a.length + c.length);
        System.arraycopy(c, 0, r, a.length, c.length);
        return r;
    }
}
