package io.ssmedge.model;

import io.ssmedge.data.WindowSet;
import io.ssmedge.eval.EvalResult;
import io.ssmedge.eval.Evaluator;
import io.ssmedge.inference.BatchEvaluator;
import io.ssmedge.inference.Progress;
import io.ssmedge.testing.Fixtures;
import io.ssmedge.testing.Run;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The acceptance test of the runtime: the reference outputs of conformance/s5-skab (JAX) and
 * conformance/s4d-skab (PyTorch; its inputs are the S5 fixture's x_test windows).
 * Log-probabilities agree within 2e-4 (float32 runtime, float64 discretization).
 */
class ConformanceTest {
    static final float TOL = 2e-4f;

    @ParameterizedTest
    @ValueSource(strings = {Fixtures.S5, Fixtures.S4D})
    void streamingPathMatchesReferenceLogProbabilities(String fixture) {
        SsmModel model = ModelLoader.load(Fixtures.dir(fixture));
        WindowSet windows = Fixtures.testWindows();
        float[] ref = Fixtures.expected(fixture).get("logp_ratio0").floats();
        float[][] x = new float[windows.length()][windows.channels()];
        for (int w = 0; w < 512; w++) {
            for (int t = 0; t < windows.length(); t++) {
                System.arraycopy(windows.x(), windows.offset(w) + t * windows.channels(), x[t], 0, windows.channels());
            }
            float[] lp = Run.window(model, x);
            for (int k = 0; k < lp.length; k++) {
                assertThat(lp[k]).as("window %d class %d", w, k).isCloseTo(ref[w * lp.length + k], within(TOL));
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {Fixtures.S5, Fixtures.S4D})
    void batchPathMatchesReferenceLogProbabilities(String fixture) {
        SsmModel model = ModelLoader.load(Fixtures.dir(fixture));
        float[] ref = Fixtures.expected(fixture).get("logp_ratio0").floats();
        float[] lp = BatchEvaluator.logProbabilities(model, Fixtures.testWindows().head(512), 2, Progress.NONE);
        for (int i = 0; i < ref.length; i++) {
            assertThat(lp[i]).as("logp[%d]", i).isCloseTo(ref[i], within(TOL));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {Fixtures.S5, Fixtures.S4D})
    void accuracyOnAllTestWindowsEqualsReference(String fixture) {
        SsmModel model = ModelLoader.load(Fixtures.dir(fixture));
        EvalResult r = Evaluator.evaluate(model, Fixtures.testWindows(), 2, Progress.NONE);
        assertThat(r.windows()).isEqualTo(1471);
        assertThat(r.accuracy()).isEqualTo(Fixtures.reference(fixture).get("acc_unpruned").asDouble());
    }

    @ParameterizedTest
    @ValueSource(strings = {Fixtures.S5})
    void rawWindowsNormalizedByTheModelGiveTheSameResult(String fixture) {
        SsmModel model = ModelLoader.load(Fixtures.dir(fixture));
        WindowSet raw = io.ssmedge.data.DatasetFile.read(Fixtures.dir(fixture).resolve("expected.safetensors"), true, null, null);
        assertThat(raw.normalized()).isFalse();
        EvalResult r = Evaluator.evaluate(model, raw, 2, Progress.NONE);
        assertThat(r.accuracy()).isEqualTo(Fixtures.reference(fixture).get("acc_unpruned").asDouble());
    }
}
