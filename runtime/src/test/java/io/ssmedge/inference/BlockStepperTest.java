package io.ssmedge.inference;

import io.ssmedge.model.RandomModels;
import io.ssmedge.model.RandomModels.S5Spec;
import io.ssmedge.model.SsmModel;
import io.ssmedge.model.StreamState;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** Many streams over several blocks and threads give each stream its single-stream result. */
class BlockStepperTest {
    @ParameterizedTest(name = "streams={0} block={1} workers={2}")
    @CsvSource({"1,8,1", "37,8,3", "37,64,2", "64,16,2"})
    void everyStreamMatchesItsSingleStreamStep(int streams, int block, int workers) {
        SsmModel model = RandomModels.s5(S5Spec.like(4, 16, 8, 2, 2).withMode("pool"), 11);
        int d = model.inputSize();
        int k = model.outputSize();
        StreamState[] oracle = new StreamState[streams];
        for (int i = 0; i < streams; i++) {
            oracle[i] = model.newState();
        }
        SplittableRandom r = new SplittableRandom(5);
        float[] u = new float[streams * d];
        float[] logp = new float[streams * k];
        float[] us = new float[d];
        float[] lp = new float[k];
        try (BlockStepper stepper = new BlockStepper(model, streams, block, workers)) {
            assertThat(stepper.workers()).isLessThanOrEqualTo(workers);
            for (int t = 0; t < 12; t++) {
                if (t == 6) {
                    stepper.reset(streams - 1);
                    model.reset(oracle[streams - 1]);
                }
                for (int i = 0; i < u.length; i++) {
                    u[i] = (float) r.nextGaussian();
                }
                stepper.step(u, logp);
                for (int i = 0; i < streams; i++) {
                    System.arraycopy(u, i * d, us, 0, d);
                    model.step(oracle[i], us, lp);
                    for (int j = 0; j < k; j++) {
                        assertThat(logp[i * k + j]).as("stream %d step %d", i, t).isCloseTo(lp[j], within(1e-4f));
                    }
                }
            }
        }
    }
}
