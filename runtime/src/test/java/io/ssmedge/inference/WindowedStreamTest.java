package io.ssmedge.inference;

import io.ssmedge.data.WindowSet;
import io.ssmedge.model.ModelLoader;
import io.ssmedge.model.SsmModel;
import io.ssmedge.pruning.Pruner;
import io.ssmedge.pruning.PruningMethod;
import io.ssmedge.pruning.PruningPlan;
import io.ssmedge.testing.Fixtures;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Streaming one long signal through overlapping windows gives the batch results of those windows. */
class WindowedStreamTest {
    /** A continuous signal: the fixture's windows 0, 8, 16 … (stride 8 of one file) laid end to end would overlap, so build one from x_test. */
    static float[] signal(WindowSet w, int samples) {
        float[] s = new float[samples * w.channels()];
        for (int t = 0; t < samples; t++) {
            int win = t / w.length();
            int off = t % w.length();
            System.arraycopy(w.x(), w.offset(win) + off * w.channels(), s, t * w.channels(), w.channels());
        }
        return s;
    }

    @ParameterizedTest
    @CsvSource({"s5-skab,60,8", "s5-skab,60,60", "s5-skab,20,7", "s4d-skab,60,8", "s4d-skab,30,45"})
    void overlappingWindowsEqualBatchEvaluation(String fixture, int length, int stride) {
        SsmModel model = ModelLoader.load(Fixtures.dir(fixture));
        WindowSet fx = Fixtures.testWindows();
        int samples = 400;
        int d = fx.channels();
        float[] sig = signal(fx, samples);
        // the same windows cut for batch evaluation
        int n = (samples - length) / stride + 1;
        float[] xs = new float[n * length * d];
        for (int i = 0; i < n; i++) {
            System.arraycopy(sig, i * stride * d, xs, i * length * d, length * d);
        }
        float[] batch = BatchEvaluator.logProbabilities(model, new WindowSet(xs, null, n, length, d, true), 2, Progress.NONE);

        WindowedStream stream = new WindowedStream(model, WindowSpec.fixed(length, stride));
        assertThat(stream.spec().concurrentWindows()).isEqualTo((length + stride - 1) / stride);
        List<float[]> got = new ArrayList<>();
        float[] u = new float[d];
        float[] lp = new float[model.outputSize()];
        for (int t = 0; t < samples; t++) {
            System.arraycopy(sig, t * d, u, 0, d);
            if (stream.offer(u, lp)) {
                got.add(lp.clone());
            }
        }
        assertThat(got).hasSize(n);
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < lp.length; k++) {
                // the same kernels; the block sizes differ (8 windows here, 32 in batch), so the float32 rounding may too
                assertThat(got.get(i)[k]).isCloseTo(batch[i * lp.length + k], org.assertj.core.data.Offset.offset(1e-5f));
            }
        }
    }

    @ParameterizedTest
    @CsvSource({"s5-skab", "s4d-skab"})
    void continuousModeEmitsEveryStrideAndCarriesToAPrunedModel(String fixture) {
        SsmModel model = ModelLoader.load(Fixtures.dir(fixture));
        PruningPlan plan = Pruner.plan(model, PruningMethod.LAST, 30);
        SsmModel masked = model.masked(plan.kept());
        SsmModel pruned = Pruner.apply(model, plan);
        WindowSet fx = Fixtures.testWindows();
        float[] sig = signal(fx, 200);
        int d = fx.channels();
        WindowedStream a = new WindowedStream(masked, WindowSpec.continuous(10));
        WindowedStream b = new WindowedStream(masked, WindowSpec.continuous(10));
        float[] u = new float[d];
        float[] la = new float[2];
        float[] lb = new float[2];
        int emitted = 0;
        for (int t = 0; t < 200; t++) {
            if (t == 100) {
                b = b.carryTo(pruned, plan.kept());
            }
            System.arraycopy(sig, t * d, u, 0, d);
            boolean ea = a.offer(u, la);
            boolean eb = b.offer(u, lb);
            assertThat(eb).isEqualTo(ea);
            if (ea) {
                emitted++;
                assertThat(lb[0]).isCloseTo(la[0], org.assertj.core.data.Offset.offset(1e-5f));
            }
        }
        assertThat(emitted).isEqualTo(20);
        assertThat(b.model()).isSameAs(pruned);
        assertThat(b.samples()).isEqualTo(200);
    }

    /** The computed state size equals what a compact stream really allocates, for S5 and S4D, pruned or not. */
    @ParameterizedTest
    @CsvSource({"60, 8", "60, 60", "100, 7", "0, 8"})
    void compactStateBytesAreComputedWithoutAllocating(int length, int stride) {
        WindowSpec spec = length == 0 ? WindowSpec.continuous(stride) : WindowSpec.fixed(length, stride);
        SsmModel s5 = io.ssmedge.model.RandomModels.s5(io.ssmedge.model.RandomModels.S5Spec.like(3, 16, 8, 2, 2), 7);
        SsmModel s4d = io.ssmedge.model.RandomModels.s4d(
                new io.ssmedge.model.RandomModels.S4DSpec(3, 16, 8, 2, 2, false, "pool"), 7);
        for (SsmModel m : List.of(s5, s4d, Pruner.apply(s5, Pruner.plan(s5, PruningMethod.LAST, 30)),
                Pruner.apply(s4d, Pruner.plan(s4d, PruningMethod.LAST, 30)))) {
            assertThat(WindowedStream.compactStateBytes(m, spec)).as(m.summary())
                    .isEqualTo(WindowedStream.compact(m, spec).stateBytes());
        }
    }
}
