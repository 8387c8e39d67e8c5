package io.ssmedge.agent.rollout.stats;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class ConfidenceSequenceTest {
    /** Share of seeds where the true mean leaves the bound at SOME time up to n (the time-uniform error). */
    private static double[] everMissed(double pMinus, double pPlus, int seeds, int n, double alpha) {
        double mu = pPlus - pMinus;
        int lowMiss = 0;
        int highMiss = 0;
        for (int seed = 0; seed < seeds; seed++) {
            SplittableRandom r = new SplittableRandom(seed);
            ConfidenceSequence cs = new ConfidenceSequence(-1, 1, alpha, alpha);
            boolean low = false;
            boolean high = false;
            for (int i = 0; i < n; i++) {
                double u = r.nextDouble();
                cs.add(u < pMinus ? -1 : u < pMinus + pPlus ? 1 : 0);
                low |= cs.lower() > mu;
                high |= cs.upper() < mu;
            }
            lowMiss += low ? 1 : 0;
            highMiss += high ? 1 : 0;
        }
        return new double[]{lowMiss / (double) seeds, highMiss / (double) seeds};
    }

    @Test
    void timeUniformErrorStaysBelowAlphaForPairedOutcomes() {
        // discordant pairs 6 % and 4 %: true drop 0.02, looked at after every one of 3000 observations
        double[] miss = everMissed(0.04, 0.06, 400, 3000, 0.05);
        // binomial(400, 0.05) has sd 4.4: 0.05 + 2.5 sd = 0.077
        assertThat(miss[0]).isLessThan(0.077);
        assertThat(miss[1]).isLessThan(0.077);
    }

    @Test
    void timeUniformErrorStaysBelowAlphaForHighVariance() {
        double[] miss = everMissed(0.3, 0.3, 300, 2000, 0.1);
        assertThat(miss[0]).isLessThan(0.1 + 2.5 * Math.sqrt(0.09 / 300));
        assertThat(miss[1]).isLessThan(0.1 + 2.5 * Math.sqrt(0.09 / 300));
    }

    @Test
    void boundsStartAtTheRangeAndNarrow() {
        ConfidenceSequence cs = new ConfidenceSequence(0, 1, 0.05, 0.05);
        assertThat(cs.lower()).isEqualTo(0);
        assertThat(cs.upper()).isEqualTo(1);
        SplittableRandom r = new SplittableRandom(1);
        for (int i = 0; i < 20000; i++) {
            cs.add(r.nextDouble() < 0.5 ? 1 : 0);
        }
        // Hoeffding's fixed-n half-width sqrt(log(1/α)/(2n)) = 0.00866: an anytime bound pays a log-log factor
        // and learns the variance, so it lies between 1× and 3× that figure for p = 1/2 (maximal variance)
        double hoeffding = Math.sqrt(Math.log(20) / (2 * 20000));
        assertThat(cs.upper() - cs.mean()).isBetween(hoeffding, 3 * hoeffding);
        assertThat(cs.mean() - cs.lower()).isBetween(hoeffding, 3 * hoeffding);
    }

    @Test
    void lowVarianceGivesNarrowerBounds() {
        // empirical Bernstein: a rate near 0 is bounded much more tightly than Hoeffding allows
        ConfidenceSequence rare = new ConfidenceSequence(0, 1, 0.05, 0.05);
        ConfidenceSequence even = new ConfidenceSequence(0, 1, 0.05, 0.05);
        SplittableRandom r = new SplittableRandom(2);
        for (int i = 0; i < 5000; i++) {
            rare.add(r.nextDouble() < 0.01 ? 1 : 0);
            even.add(r.nextDouble() < 0.5 ? 1 : 0);
        }
        assertThat(rare.upper() - rare.lower()).isLessThan(0.4 * (even.upper() - even.lower()));
        assertThat(rare.upper()).isGreaterThan(0.01);
    }

    @Test
    void snapshotResumesExactly() {
        ConfidenceSequence a = new ConfidenceSequence(-1, 1, 0.05, 0.02);
        SplittableRandom r = new SplittableRandom(3);
        for (int i = 0; i < 500; i++) {
            a.add(r.nextInt(3) - 1);
        }
        ConfidenceSequence b = new ConfidenceSequence(-1, 1, 0.05, 0.02);
        b.restore(a.snapshot());
        for (int i = 0; i < 300; i++) {
            int x = r.nextInt(3) - 1;
            a.add(x);
            b.add(x);
        }
        assertThat(b.lower()).isEqualTo(a.lower());
        assertThat(b.upper()).isEqualTo(a.upper());
        assertThat(b.n()).isEqualTo(800);
        assertThat(b.mean()).isCloseTo(a.mean(), within(1e-15));
    }
}
