package io.ssmedge.model;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The pool head's bounded mean: exact window mean up to N steps, an exponential mean after, with long counts. */
class ClassifierHeadPoolTest {
    static final int H = 3;
    static final int N = ClassifierHead.POOL_HORIZON;
    // identity decoder on 3 classes: logits = feat, so feat can be read back from logp via softmax differences
    final ClassifierHead head = new ClassifierHead(HeadMode.POOL, H, H,
            new float[]{1, 0, 0, 0, 1, 0, 0, 0, 1}, new float[H]);
    final float[] pool = new float[H];
    final float[] feat = new float[H];
    final float[] logits = new float[H];
    final float[] logp = new float[H];

    @Test
    void withinTheHorizonTheFeatureIsTheMeanSinceReset() {
        float[][] hs = {{1, 2, 3}, {3, -2, 0}, {-1, 0.5f, 6}};
        for (int t = 1; t <= hs.length; t++) {
            head.readout(hs[t - 1], pool, t, feat, logits, logp);
        }
        assertThat(feat[0]).isCloseTo(1f, within(1e-6f));
        assertThat(feat[1]).isCloseTo(0.5f / 3, within(1e-6f));
        assertThat(feat[2]).isCloseTo(3f, within(1e-6f));
    }

    @Test
    void pastTheHorizonAndBeyondTheIntRangeTheMeanStaysBoundedAndKeepsLearning() {
        // a stream that has run 2^31 + 5 steps with mean m: the state as the bounded sum holds it (N·m)
        long t = (1L << 31) + 5;
        float m = 0.25f;
        java.util.Arrays.fill(pool, N * m);
        float[] same = {m, m, m};
        head.readout(same, pool, t++, feat, logits, logp);
        assertThat(feat[0]).as("the mean is a fixed point").isCloseTo(m, within(1e-6f));
        assertThat(pool[0]).isCloseTo(N * m, within(N * m * 1e-5f));

        // then the signal changes to c: after N more steps the mean has moved by (1 − (1 − 1/N)^N) ≈ 1 − 1/e of the way
        float c = 1.25f;
        float[] next = {c, c, c};
        for (int k = 0; k < N; k++) {
            head.readout(next, pool, t++, feat, logits, logp);
        }
        double expected = c + (m - c) * Math.pow(1 - 1.0 / N, N);
        assertThat((double) feat[0]).isCloseTo(expected, within(2e-3));
        assertThat(t).isGreaterThan(Integer.MAX_VALUE);
        for (float v : logp) {
            assertThat(v).isFinite();
        }
    }
}
