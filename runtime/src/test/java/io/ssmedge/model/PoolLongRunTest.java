package io.ssmedge.model;

import io.ssmedge.model.s5.S5Model;
import io.ssmedge.model.s5.S5State;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/** A continuous stream with a pool head after more steps than an int counts (the state advanced, not run). */
class PoolLongRunTest {
    @Test
    void aPoolStreamKeepsCountingAndStaysFiniteBeyondTwoToThe31Steps() {
        S5Model m = RandomModels.s5(RandomModels.S5Spec.like(3, 8, 4, 2, 2).withMode("pool"), 11);
        S5State s = m.newState();
        SplittableRandom r = new SplittableRandom(3);
        float[] u = new float[3];
        float[] logp = new float[2];
        for (int t = 0; t < 50; t++) {
            fill(r, u);
            m.step(s, u, logp);
        }
        // as if it had run for 2^31 + 50 samples: the pool holds a bounded sum of N feature vectors
        s.steps = (1L << 31) + 50;
        for (int k = 0; k < s.pool.length; k++) {
            s.pool[k] *= (float) ClassifierHead.POOL_HORIZON / 50;
        }
        for (int t = 0; t < 1000; t++) {
            fill(r, u);
            m.step(s, u, logp);
        }
        assertThat(s.steps()).isEqualTo((1L << 31) + 1050);
        for (float v : logp) {
            assertThat(v).isFinite().isLessThanOrEqualTo(0f);
        }
        assertThat(Math.exp(logp[0]) + Math.exp(logp[1])).isBetween(0.999, 1.001);
    }

    private static void fill(SplittableRandom r, float[] u) {
        for (int i = 0; i < u.length; i++) {
            u[i] = (float) r.nextGaussian();
        }
    }
}
