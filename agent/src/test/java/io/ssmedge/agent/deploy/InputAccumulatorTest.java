package io.ssmedge.agent.deploy;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class InputAccumulatorTest {
    /** Blocks carry the count, mean and variance of their samples (two-pass oracle), in order. */
    @Test
    void blocksHoldTheMeanAndVarianceOfTheirSamples() {
        InputAccumulator a = new InputAccumulator(2);
        SplittableRandom r = new SplittableRandom(7);
        int blocks = 3;
        float[][] xs = new float[blocks * InputAccumulator.BLOCK + 10][];
        for (int i = 0; i < xs.length; i++) {
            // large raw values with a small spread: the shifted sums keep their precision
            xs[i] = new float[]{(float) (101_325 + r.nextDouble() * 0.5), (float) (-3 + 2 * r.nextDouble())};
            a.add(xs[i]);
        }
        int[] seen = {0};
        long n = a.drainTo((count, mean, var) -> {
            assertThat(count).isEqualTo(InputAccumulator.BLOCK);
            int from = seen[0] * InputAccumulator.BLOCK;
            for (int c = 0; c < 2; c++) {
                double m = 0;
                for (int i = from; i < from + count; i++) {
                    m += xs[i][c];
                }
                m /= count;
                double v = 0;
                for (int i = from; i < from + count; i++) {
                    v += (xs[i][c] - m) * (xs[i][c] - m);
                }
                v /= count;
                assertThat(mean[c]).isCloseTo(m, within(1e-9 * Math.abs(m) + 1e-12));
                assertThat(var[c]).isCloseTo(v, within(1e-6 * v));
            }
            seen[0]++;
        });
        assertThat(seen[0]).isEqualTo(blocks);
        assertThat(n).isEqualTo((long) blocks * InputAccumulator.BLOCK);
        assertThat(a.drainTo((c, m, v) -> {
            throw new AssertionError("drained twice");
        })).isZero();
    }

    /** A reader that falls behind loses nothing: the writer folds samples into a larger block. */
    @Test
    void aSlowReaderLosesNoSample() {
        InputAccumulator a = new InputAccumulator(1);
        int total = (InputAccumulator.SLOTS + 5) * InputAccumulator.BLOCK;
        for (int i = 0; i < total; i++) {
            a.add(new float[]{i % 2});
        }
        double[] sums = new double[2];
        InputAccumulator.BlockSink sink = (count, mean, var) -> {
            sums[0] += count * mean[0];
            sums[1] += count;
        };
        assertThat(a.drainTo(sink)).isEqualTo((long) InputAccumulator.SLOTS * InputAccumulator.BLOCK); // ring full
        a.add(new float[]{0}); // a slot is free again: the open block (all samples since) is published
        assertThat(a.drainTo(sink)).isEqualTo(5L * InputAccumulator.BLOCK + 1);
        assertThat(sums[1]).isEqualTo(total + 1);
        assertThat(sums[0]).isCloseTo(total / 2.0, within(1e-6));
    }

    /** One writer thread, one reader thread: every sample arrives once, block statistics intact. */
    @Test
    void aConcurrentReaderSeesEverySampleOnce() throws Exception {
        InputAccumulator a = new InputAccumulator(3);
        long total = 400_000;
        AtomicBoolean done = new AtomicBoolean();
        Thread writer = new Thread(() -> {
            float[] x = new float[3];
            for (long i = 0; i < total; i++) {
                x[0] = 5;           // constant: mean 5, variance 0 in every block
                x[1] = i % 2 == 0 ? -1 : 1;
                x[2] = 1e6f;
                a.add(x);
            }
            done.set(true);
        });
        long[] got = {0};
        boolean[] bad = {false};
        InputAccumulator.BlockSink sink = (count, mean, var) -> {
            got[0] += count;
            bad[0] |= mean[0] != 5 || var[0] != 0 || mean[2] != 1e6 || Math.abs(mean[1]) > 0.01 || var[1] < 0.99;
        };
        writer.start();
        while (!done.get()) {
            a.drainTo(sink);
        }
        writer.join();
        a.drainTo(sink);
        // after join this thread may write: the open block (large when the ring was full) goes out with one more
        a.add(new float[]{5, 1, 1e6f});
        a.drainTo(sink);
        assertThat(bad[0]).as("a block read while being written").isFalse();
        assertThat(total + 1 - got[0]).isBetween(0L, (long) InputAccumulator.BLOCK - 1); // only a short open block left
    }
}
