package io.ssmedge.agent.rollout.stats;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class InputDriftTest {
    private static InputDrift feed(double meanShift, double spread, long seed) {
        InputDrift d = new InputDrift(new float[]{10, -2}, new float[]{2, 0.5f}, 3, 500);
        SplittableRandom r = new SplittableRandom(seed);
        for (int i = 0; i < 5000; i++) {
            float a = (float) (10 + 2 * (meanShift + spread * gauss(r)));
            float b = (float) (-2 + 0.5 * gauss(r));
            d.add(new float[]{a, b});
        }
        return d;
    }

    private static double gauss(SplittableRandom r) {
        return Math.sqrt(-2 * Math.log(1 - r.nextDouble())) * Math.cos(2 * Math.PI * r.nextDouble());
    }

    @Test
    void trainingLikeInputsDoNotDrift() {
        InputDrift d = feed(0, 1, 1);
        assertThat(d.ready()).isTrue();
        assertThat(d.shift()).isLessThan(0.3);
        assertThat(d.spread()).isCloseTo(1.0, within(0.2));
        assertThat(d.drifted()).isFalse();
        assertThat(d.cleared()).isTrue();
    }

    @Test
    void aShiftedChannelDrifts() {
        InputDrift d = feed(4, 1, 2);
        assertThat(d.shift()).isCloseTo(4.0, within(0.3));
        assertThat(d.worstChannel()).isEqualTo(0);
        assertThat(d.drifted()).isTrue();
        assertThat(feed(0, 4, 3).drifted()).isTrue();     // four times the training spread
    }

    @Test
    void noVerdictBeforeOneHalfLife() {
        InputDrift d = new InputDrift(new float[]{0}, new float[]{1}, 3, 100);
        for (int i = 0; i < 99; i++) {
            d.add(new float[]{50});
        }
        assertThat(d.drifted()).isFalse();
        d.add(new float[]{50});
        assertThat(d.drifted()).isTrue();
    }

    /** Blocks (mean and variance of n samples) give what the same samples give one by one, up to weighting. */
    @Test
    void blocksAgreeWithSamplesOneByOne() {
        InputDrift one = new InputDrift(new float[]{10}, new float[]{2}, 3, 5000);
        InputDrift blocks = new InputDrift(new float[]{10}, new float[]{2}, 3, 5000);
        SplittableRandom r = new SplittableRandom(11);
        for (int b = 0; b < 80; b++) {
            double[] x = new double[256];
            double m = 0;
            for (int i = 0; i < x.length; i++) {
                x[i] = 10 + 2 * (1.5 + gauss(r));
                one.add(new float[]{(float) x[i]});
                m += x[i];
            }
            m /= x.length;
            double v = 0;
            for (double xi : x) {
                v += (xi - m) * (xi - m);
            }
            blocks.add(x.length, new double[]{m}, new double[]{v / x.length});
        }
        assertThat(blocks.samples()).isEqualTo(one.samples());
        assertThat(blocks.shift()).isCloseTo(one.shift(), within(0.05)).isCloseTo(1.5, within(0.2));
        assertThat(blocks.spread()).isCloseTo(one.spread(), within(0.05));
        assertThat(blocks.drifted()).isEqualTo(one.drifted()).isFalse();
    }
}
