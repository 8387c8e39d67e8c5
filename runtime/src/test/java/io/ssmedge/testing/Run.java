package io.ssmedge.testing;

import io.ssmedge.model.SsmModel;
import io.ssmedge.model.StreamState;

import java.util.SplittableRandom;

/** Small helpers to run models in tests. */
public final class Run {
    private Run() {
    }

    /** Streams one window (L, d_input) through a fresh state; the log-probabilities at its last step. */
    public static float[] window(SsmModel m, float[][] x) {
        StreamState s = m.newState();
        float[] lp = new float[m.outputSize()];
        for (float[] u : x) {
            m.step(s, u, lp);
        }
        return lp;
    }

    /** A seeded window of standard-normal inputs (L, d). */
    public static float[][] randomWindow(SplittableRandom r, int length, int d) {
        float[][] x = new float[length][d];
        for (int t = 0; t < length; t++) {
            for (int i = 0; i < d; i++) {
                double u1 = 1.0 - r.nextDouble();
                double u2 = r.nextDouble();
                x[t][i] = (float) (Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2));
            }
        }
        return x;
    }
}
