package io.ssmedge.model;

import io.ssmedge.data.WindowSet;
import io.ssmedge.eval.EvalResult;
import io.ssmedge.eval.Evaluator;
import io.ssmedge.format.SafetensorsFile;
import io.ssmedge.inference.BatchEvaluator;
import io.ssmedge.inference.Progress;
import io.ssmedge.testing.Fixtures;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The acceptance test of the runtime: the reference PyTorch outputs of conformance/s4d-skab (inputs: the S5 fixture's x_test). */
class S4DConformanceTest {
    static final float TOL = 2e-4f;
    static SsmModel model;
    static WindowSet windows;
    static SafetensorsFile expected;

    @BeforeAll
    static void load() {
        model = ModelLoader.load(Fixtures.dir(Fixtures.S4D));
        windows = Fixtures.testWindows();
        expected = Fixtures.expected(Fixtures.S4D);
    }

    @Test
    void streamingPathMatchesReferenceLogProbabilities() {
        float[] ref = expected.get("logp_ratio0").floats();
        StreamState s = model.newState();
        float[] u = new float[8];
        float[] lp = new float[2];
        float maxErr = 0;
        for (int w = 0; w < 512; w++) {
            model.reset(s);
            for (int t = 0; t < windows.length(); t++) {
                System.arraycopy(windows.x(), windows.offset(w) + t * 8, u, 0, 8);
                model.step(s, u, lp);
            }
            for (int k = 0; k < 2; k++) {
                maxErr = Math.max(maxErr, Math.abs(lp[k] - ref[w * 2 + k]));
            }
        }
        assertThat(maxErr).isLessThan(TOL);
    }

    @Test
    void batchPathMatchesReferenceLogProbabilities() {
        float[] ref = expected.get("logp_ratio0").floats();
        float[] lp = BatchEvaluator.logProbabilities(model, windows.head(512), 2, Progress.NONE);
        for (int i = 0; i < ref.length; i++) {
            assertThat(lp[i]).as("logp[%d]", i).isCloseTo(ref[i], org.assertj.core.data.Offset.offset(TOL));
        }
    }

    @Test
    void accuracyOnAllTestWindowsEqualsReference() {
        EvalResult r = Evaluator.evaluate(model, windows, 2, Progress.NONE);
        assertThat(r.windows()).isEqualTo(1471);
        assertThat(r.accuracy()).isEqualTo(Fixtures.reference(Fixtures.S4D).get("acc_unpruned").asDouble());
    }
}
