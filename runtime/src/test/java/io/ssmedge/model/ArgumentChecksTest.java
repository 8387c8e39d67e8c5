package io.ssmedge.model;

import io.ssmedge.inference.WindowSpec;
import io.ssmedge.inference.WindowedStream;
import io.ssmedge.kernel.Kernels;
import io.ssmedge.testing.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Every runtime entry point checks its array lengths once and names what is wrong. */
class ArgumentChecksTest {
    static SsmModel model(String fixture) {
        return ModelLoader.load(Fixtures.dir(fixture));
    }

    @ParameterizedTest
    @ValueSource(strings = {Fixtures.S5, Fixtures.S4D})
    void stepChecksInputAndOutputLengths(String fixture) {
        SsmModel m = model(fixture);
        StreamState s = m.newState();
        assertThatThrownBy(() -> m.step(s, new float[m.inputSize() - 1], new float[m.outputSize()]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("step: u has " + (m.inputSize() - 1) + " floats, expected at least " + m.inputSize()
                        + " (d_input: one value per channel)");
        assertThatThrownBy(() -> m.step(s, new float[m.inputSize()], new float[1]))
                .hasMessageStartingWith("step: logp has 1 floats, expected at least " + m.outputSize());
        assertThatThrownBy(() -> m.step(s, null, new float[m.outputSize()])).hasMessageContaining("step: u has no array");
        assertThatThrownBy(() -> m.step(model(fixture).newState(), new float[m.inputSize()], new float[m.outputSize()]))
                .hasMessage("stream state belongs to another model");
    }

    @ParameterizedTest
    @ValueSource(strings = {Fixtures.S5, Fixtures.S4D})
    void stepBlockChecksActiveAndLengths(String fixture) {
        SsmModel m = model(fixture);
        StreamBlock b = m.newBlock(4);
        int d = m.inputSize();
        int k = m.outputSize();
        assertThatThrownBy(() -> m.stepBlock(b, 5, new float[5 * d], new float[5 * k]))
                .hasMessage("active streams must be within 1..4, got 5");
        assertThatThrownBy(() -> m.stepBlock(b, 3, new float[2 * d], new float[3 * k]))
                .hasMessage("stepBlock: u has " + 2 * d + " floats, expected at least " + 3 * d + " (active 3 × d_input "
                        + d + ")");
        assertThatThrownBy(() -> m.stepBlock(b, 3, new float[3 * d], new float[3 * k - 1]))
                .hasMessageStartingWith("stepBlock: logp has " + (3 * k - 1) + " floats");
        assertThatThrownBy(() -> m.stepBlock(model(fixture).newBlock(4), 1, new float[d], new float[k]))
                .hasMessage("stream block belongs to another model");
    }

    @Test
    void offerChecksTheSampleAndTheOutput() {
        SsmModel m = model(Fixtures.S5);
        WindowedStream w = new WindowedStream(m, WindowSpec.fixed(10, 5));
        assertThatThrownBy(() -> w.offer(new float[3], new float[m.outputSize()]))
                .hasMessage("offer: expected a sample of at least 8 values (d_input) and an output of at least 2 "
                        + "(d_output), got 3 and 2");
        assertThatThrownBy(() -> w.offer(new float[8], new float[1])).hasMessageContaining("got 8 and 1");
        assertThatThrownBy(() -> w.offer(null, new float[2])).hasMessageContaining("got none and 2");
    }

    static List<Kernels> kernels() {
        List<Kernels> k = new ArrayList<>(List.of(Kernels.scalar()));
        if (Kernels.vector() != null) {
            k.add(Kernels.vector());
        }
        return k;
    }

    @Test
    void everyKernelEntryPointChecksItsArrays() {
        for (Kernels k : kernels()) {
            assertThatThrownBy(() -> k.mulAdd(2, 3, 4, new float[5], new float[12], new float[8]))
                    .as(k.name()).hasMessage("mulAdd: a has 5 floats, expected at least 6 for (m 2, k 3) at stride 3");
            assertThatThrownBy(() -> k.mulAdd(2, 3, 4, new float[6], new float[12], new float[7]))
                    .as(k.name()).hasMessageStartingWith("mulAdd: c has 7 floats");
            assertThatThrownBy(() -> k.mulAdd(2, 3, 4, new float[6], 2, new float[12], 4, new float[8], 4))
                    .as(k.name()).hasMessageContaining("strides lda 2");
            assertThatThrownBy(() -> k.layerNorm(2, new float[8], 4, new float[3], new float[4], 1e-5f, new float[8]))
                    .as(k.name()).hasMessage("layerNorm: scale has 3 floats, expected at least 4 for (n 4)");
            assertThatThrownBy(() -> k.scaleShift(2, new float[7], 4, new float[4], null, new float[8]))
                    .as(k.name()).hasMessageStartingWith("scaleShift: x has 7 floats");
            assertThatThrownBy(() -> k.rotate(2, 4, 8, new float[4], new float[4], new float[15]))
                    .as(k.name()).hasMessageStartingWith("rotate: x has 15 floats, expected at least 16");
            assertThatThrownBy(() -> k.rotate(2, 4, 6, new float[4], new float[4], new float[16]))
                    .as(k.name()).hasMessage("rotate: stride 6 must be at least 2n = 8");
            float[] u3 = new float[3];
            assertThatThrownBy(() -> k.sisoUnits(4, 4, 0, 3, u3, u3, u3, u3, u3, u3, 0f, new float[11], new float[12],
                    new float[4], new float[4], 0)).as(k.name()).hasMessageStartingWith("sisoUnits: xRe has 11 floats");
            assertThatThrownBy(() -> k.sisoUnits(4, 4, 0, 3, u3, u3, u3, u3, u3, u3, 0f, new float[12], new float[12],
                    new float[4], new float[3], 0)).as(k.name()).hasMessageStartingWith("sisoUnits: yT has 3 floats");
        }
    }
}
