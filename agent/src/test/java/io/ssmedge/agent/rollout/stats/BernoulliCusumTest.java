package io.ssmedge.agent.rollout.stats;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class BernoulliCusumTest {
    private static double runLength(BernoulliCusum c, double p, SplittableRandom r, long cap) {
        for (long i = 1; i <= cap; i++) {
            if (c.add(r.nextDouble() < p ? 1 : 0)) {
                return i;
            }
        }
        return cap;
    }

    @Test
    void thresholdSolvesTheArlEquation() {
        double h = BernoulliCusum.threshold(0.05, 0.10, 5000);
        double i0 = 0.05 * Math.log(0.05 / 0.10) + 0.95 * Math.log(0.95 / 0.90);
        assertThat((Math.exp(h) - h - 1) / i0).isCloseTo(5000, within(1.0));
    }

    @Test
    void falseAlarmsComeNoMoreOftenThanTheArlSays() {
        double target = 1000;
        SplittableRandom r = new SplittableRandom(7);
        double sum = 0;
        int runs = 150;
        for (int k = 0; k < runs; k++) {
            sum += runLength(BernoulliCusum.forArl(0.05, 0.15, target), 0.05, r, 1_000_000);
        }
        // the approximation ignores the overshoot, so the real ARL0 is at least the target (mean of 150 runs)
        assertThat(sum / runs).isGreaterThan(0.85 * target);
    }

    @Test
    void detectsTheChangeAboutAsFastAsPredicted() {
        BernoulliCusum proto = BernoulliCusum.forArl(0.05, 0.15, 10_000);
        SplittableRandom r = new SplittableRandom(8);
        double sum = 0;
        int runs = 200;
        for (int k = 0; k < runs; k++) {
            sum += runLength(BernoulliCusum.forArl(0.05, 0.15, 10_000), 0.15, r, 1_000_000);
        }
        double delay = sum / runs;
        assertThat(delay).isBetween(0.8 * proto.detectionDelay(), 1.6 * proto.detectionDelay());
    }
}
