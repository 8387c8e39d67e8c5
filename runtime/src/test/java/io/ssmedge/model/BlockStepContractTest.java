package io.ssmedge.model;

import io.ssmedge.kernel.Kernels;
import io.ssmedge.model.RandomModels.S4DSpec;
import io.ssmedge.model.RandomModels.S5Spec;
import io.ssmedge.pruning.PruningMethod;
import io.ssmedge.pruning.Pruner;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * One contract for every fast path: the batched step ({@link SsmModel#stepBlock}), with the scalar and
 * the vector matrix kernel, on dense, LAST-pruned and masked models, must give every stream the
 * log-probabilities of the plain single-stream {@link SsmModel#step} (the oracle), with streams reset
 * at different times and blocks not always full.
 */
class BlockStepContractTest {
    /** |batched − oracle| ≤ ABS + REL·|oracle|: summation order and the FastMath nonlinearities. */
    static final double ABS = 2e-5;
    static final double REL = 1e-4;

    static Stream<Arguments> cases() {
        List<Arguments> models = new ArrayList<>();
        S5Spec base = S5Spec.like(8, 32, 16, 3, 3);
        models.add(Arguments.of("s5 half_glu1 post-LN last", (Supplier<SsmModel>) () -> RandomModels.s5(base, 1)));
        models.add(Arguments.of("s5 gelu pre-BN pool", (Supplier<SsmModel>) () ->
                RandomModels.s5(base.withActivation("gelu").withNorm(true, true).withMode("pool"), 2)));
        models.add(Arguments.of("s5 half_glu2 bilinear no-conj", (Supplier<SsmModel>) () ->
                RandomModels.s5(base.withActivation("half_glu2").withDiscretization("bilinear").withConjSym(false), 3)));
        models.add(Arguments.of("s5 full_glu pre-LN pool", (Supplier<SsmModel>) () ->
                RandomModels.s5(base.withActivation("full_glu").withNorm(true, false).withMode("pool"), 4)));
        models.add(Arguments.of("s5 odd sizes", (Supplier<SsmModel>) () -> RandomModels.s5(S5Spec.like(5, 40, 13, 2, 2), 5)));
        models.add(Arguments.of("s4d post-LN pool", (Supplier<SsmModel>) () ->
                RandomModels.s4d(new S4DSpec(8, 32, 16, 3, 3, false, "pool"), 6)));
        models.add(Arguments.of("s4d pre-LN last", (Supplier<SsmModel>) () ->
                RandomModels.s4d(new S4DSpec(6, 24, 10, 2, 2, true, "last"), 7)));
        models.add(Arguments.of("s5-skab", (Supplier<SsmModel>) () -> ModelLoader.loadEmbedded("s5-skab")));
        models.add(Arguments.of("s4d-skab", (Supplier<SsmModel>) () -> ModelLoader.loadEmbedded("s4d-skab")));
        List<Arguments> out = new ArrayList<>();
        for (Arguments m : models) {
            for (String variant : new String[]{"dense", "pruned 30%", "masked 30%", "pruned 90%"}) {
                for (String kernel : new String[]{"scalar", "vector"}) {
                    out.add(Arguments.of(m.get()[0], m.get()[1], variant, kernel));
                }
            }
        }
        return out.stream();
    }

    static SsmModel variant(SsmModel m, String v) {
        switch (v) {
            case "dense":
                return m;
            case "pruned 30%":
                return Pruner.apply(m, Pruner.plan(m, PruningMethod.LAST, 30));
            case "masked 30%":
                return m.masked(Pruner.plan(m, PruningMethod.LAST, 30).kept());
            default:
                return Pruner.apply(m, Pruner.plan(m, PruningMethod.LAST, 90));
        }
    }

    @ParameterizedTest(name = "{0}, {2}, {3}")
    @MethodSource("cases")
    void batchedStepEqualsSingleStreamStep(String name, Supplier<SsmModel> make, String variant, String kernel) {
        Kernels kernels = kernel.equals("scalar") ? Kernels.scalar() : Kernels.vector();
        assumeTrue(kernels != null, "jdk.incubator.vector is not loaded in this JVM");
        SsmModel model = variant(make.get(), variant);
        for (int capacity : new int[]{1, 7, 20}) {
            compare(model, capacity, kernels, name + ", " + variant + ", " + kernel + ", S=" + capacity);
        }
    }

    private static void compare(SsmModel model, int capacity, Kernels kernels, String what) {
        int d = model.inputSize();
        int k = model.outputSize();
        int steps = 30;
        StreamBlock block = model.newBlock(capacity, kernels);
        StreamState[] oracle = new StreamState[capacity];
        for (int s = 0; s < capacity; s++) {
            oracle[s] = model.newState();
        }
        SplittableRandom r = new SplittableRandom(capacity * 31L + what.hashCode());
        float[] u = new float[capacity * d];
        float[] logp = new float[capacity * k];
        float[] us = new float[d];
        float[] lp = new float[k];
        double worst = 0;
        for (int t = 0; t < steps; t++) {
            // the last two steps leave the last streams out (active < capacity)
            int active = t >= steps - 2 ? Math.max(1, capacity - 2) : capacity;
            for (int s = 0; s < active; s++) {
                if (t == (7 * s + 3) % steps) { // each stream restarts at its own time
                    block.reset(s);
                    model.reset(oracle[s]);
                }
            }
            for (int i = 0; i < active * d; i++) {
                u[i] = (float) (1.5 * r.nextGaussian());
            }
            model.stepBlock(block, active, u, logp);
            for (int s = 0; s < active; s++) {
                System.arraycopy(u, s * d, us, 0, d);
                model.step(oracle[s], us, lp);
                assertThat(block.steps(s)).isEqualTo(oracle[s].steps());
                for (int j = 0; j < k; j++) {
                    double err = Math.abs(logp[s * k + j] - lp[j]) / (ABS + REL * Math.abs(lp[j]));
                    worst = Math.max(worst, err);
                    assertThat(err).as("%s: stream %d step %d logp[%d]: batched %s vs oracle %s", what, s, t, j,
                            logp[s * k + j], lp[j]).isLessThanOrEqualTo(1.0);
                }
            }
        }
        assertThat(worst).isLessThanOrEqualTo(1.0);
    }
}
