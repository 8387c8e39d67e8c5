package io.ssmedge.pruning;

import io.ssmedge.model.SsmModel;
import io.ssmedge.model.StreamBlock;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * A quick single-thread measurement of one stream's step time, for reports (not a benchmark: the JMH
 * suite in bench/ is the reference for speed claims). Times the block path with one stream, which is
 * what {@link io.ssmedge.inference.WindowedStream} and the daemon run per stream. Runs a warm-up, then
 * several timed rounds on the same seeded inputs and returns the median nanoseconds per step.
 */
public final class StepTimer {
    /** Where results go so that the JIT cannot drop the timed loop. */
    private static volatile float sink;

    private StepTimer() {
    }

    public static double nanosPerStep(SsmModel model, int steps, int rounds) {
        SplittableRandom r = new SplittableRandom(42);
        int d = model.inputSize();
        float[] inputs = new float[256 * d];
        for (int i = 0; i < inputs.length; i++) {
            inputs[i] = (float) (r.nextDouble() * 2 - 1);
        }
        float[] u = new float[d];
        StreamBlock s = model.newBlock(1);
        float[] lp = new float[model.outputSize()];
        float acc = 0;
        for (int i = 0; i < steps; i++) { // warm-up: let the JIT compile the step
            System.arraycopy(inputs, (i & 255) * d, u, 0, d);
            model.stepBlock(s, 1, u, lp);
            acc += lp[0];
        }
        double[] t = new double[rounds];
        for (int k = 0; k < rounds; k++) {
            s.reset(0);
            long t0 = System.nanoTime();
            for (int i = 0; i < steps; i++) {
                if ((i & 63) == 0) {
                    s.reset(0);
                }
                System.arraycopy(inputs, (i & 255) * d, u, 0, d);
                model.stepBlock(s, 1, u, lp);
                acc += lp[0];
            }
            t[k] = (System.nanoTime() - t0) / (double) steps;
        }
        sink = acc;
        Arrays.sort(t);
        return t[rounds / 2];
    }
}
