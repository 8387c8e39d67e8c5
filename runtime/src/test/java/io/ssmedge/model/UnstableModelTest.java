package io.ssmedge.model;

import io.ssmedge.data.WindowSet;
import io.ssmedge.eval.EvalResult;
import io.ssmedge.eval.Evaluator;
import io.ssmedge.inference.Progress;
import io.ssmedge.inference.WindowSpec;
import io.ssmedge.inference.WindowedStream;
import io.ssmedge.model.s5.S5Model;
import io.ssmedge.pruning.LayerHinfNorm;
import io.ssmedge.pruning.Pruner;
import io.ssmedge.pruning.PruningMethod;
import io.ssmedge.pruning.PruningPlan;
import io.ssmedge.pruning.PruningSweep;
import io.ssmedge.testing.Fixtures;
import io.ssmedge.testing.UnstableModels;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** Checkpoints trained without clip_eigs with a few states at |λ̄| ≥ 1. */
class UnstableModelTest {
    static final int LAYER = 1;
    static final int[] STATES = {2, 5};
    static final double MAG = 1.003;
    static SsmModel model;
    static SsmModel stable;

    @BeforeAll
    static void write(@TempDir Path dir) {
        model = ModelLoader.load(UnstableModels.write(dir, LAYER, STATES, MAG));
        stable = ModelLoader.load(Fixtures.dir(Fixtures.S5));
    }

    @Test
    void loadsAndNamesTheUnstableStatesWithTheirGrowthOverAWindow() {
        assertThat(model.unstableStates()).extracting(UnstableState::layer, UnstableState::unit)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(LAYER, 2), org.assertj.core.groups.Tuple.tuple(LAYER, 5));
        for (UnstableState u : model.unstableStates()) {
            assertThat(u.magnitude()).isCloseTo(MAG, within(1e-5));
            assertThat(u.growth(60)).isCloseTo(Math.pow(MAG, 60), within(1e-3));
            assertThat(u.describe(60)).startsWith("layer 1 state ").contains("|λ̄| = 1.00300").contains("over 60 samples");
        }
        assertThat(stable.unstableStates()).isEmpty();
        assertThat(model.maxPoleMagnitude()).isGreaterThanOrEqualTo(1.0);

        ModelInfo info = ModelInfo.of(model);
        assertThat(info.unstableStates()).hasSize(2);
        var json = info.toJson().get("unstable_states");
        assertThat(json).hasSize(2);
        assertThat(json.get(0).get("layer").asInt()).isEqualTo(LAYER);
        assertThat(json.get(0).get("growth_per_window").asDouble()).isCloseTo(Math.pow(MAG, 60), within(1e-3));
        assertThat(ModelInfo.of(stable).toJson().get("unstable_states")).isEmpty();
    }

    @Test
    void windowedEvaluationStaysFiniteAndPruningAndTheSweepWork() {
        WindowSet w = Fixtures.testWindows().head(40);
        EvalResult r = Evaluator.evaluate(model, w, 1, Progress.NONE);
        for (float v : r.logp()) {
            assertThat(v).isFinite();
        }
        PruningPlan plan = Pruner.plan(model, PruningMethod.LAST, 50);
        for (int s : STATES) {
            assertThat(plan.kept()[LAYER]).as("LAST keeps the unstable states").contains(s);
        }
        SsmModel pruned = Pruner.apply(model, plan);
        assertThat(pruned.unstableStates()).hasSize(2);
        PruningSweep.Result sweep = PruningSweep.run(model, w, new PruningSweep.Options(
                List.of(PruningMethod.LAST, PruningMethod.MAGNITUDE), new double[]{0, 50}, 1, 1, 0), Progress.NONE);
        assertThat(sweep.baselineAccuracy()).isCloseTo(r.accuracy(), within(1e-12));
    }

    @Test
    void theHinfNormOfAnUnstablePartIsReportedAsUnstable() {
        LayerSystem s = model.layerSystems().get(LAYER);
        LayerHinfNorm.Result all = LayerHinfNorm.of(s);
        assertThat(all.unstable()).isTrue();
        assertThat(all.norm()).isInfinite();
        int[] others = java.util.stream.IntStream.range(0, s.units())
                .filter(i -> Arrays.stream(STATES).noneMatch(j -> j == i)).toArray();
        LayerHinfNorm.Result rest = LayerHinfNorm.of(s, others, 64);
        assertThat(rest.unstable()).isFalse();
        assertThat(rest.norm()).isFinite().isPositive();
    }

    @Test
    void stabilizedMovesOnlyTheUnstablePolesJustInside() {
        SsmModel fixed = model.stabilized();
        assertThat(fixed.unstableStates()).isEmpty();
        LayerSystem before = model.layerSystems().get(LAYER);
        LayerSystem after = fixed.layerSystems().get(LAYER);
        for (int i = 0; i < before.units(); i++) {
            final int unit = i;
            if (Arrays.stream(STATES).anyMatch(j -> j == unit)) {
                assertThat(after.poleMagnitude(i)).isCloseTo(SsmModel.STABILIZED_POLE, within(1e-6));
                assertThat(Math.atan2(after.lambdaIm()[i], after.lambdaRe()[i]))
                        .as("the pole keeps its angle (frequency)")
                        .isCloseTo(Math.atan2(before.lambdaIm()[i], before.lambdaRe()[i]), within(1e-9));
            } else {
                assertThat(after.lambdaRe()[i]).isEqualTo(before.lambdaRe()[i]);
                assertThat(after.lambdaIm()[i]).isEqualTo(before.lambdaIm()[i]);
            }
        }
        assertThat(stable.stabilized()).isSameAs(stable);

        // continuous: a stabilized stream stays finite over many windows' worth of samples
        WindowedStream stream = new WindowedStream(fixed, WindowSpec.continuous(1));
        WindowSet w = Fixtures.testWindows().head(1);
        float[] x = new float[fixed.inputSize()];
        float[] out = new float[fixed.outputSize()];
        for (int t = 0; t < 20_000; t++) {
            System.arraycopy(w.x(), (t % w.length()) * w.channels(), x, 0, w.channels());
            stream.offer(x, out);
        }
        for (float v : out) {
            assertThat(v).isFinite();
        }
    }

    @Test
    void bilinearPolesAreStabilizedToo() {
        S5Model m = RandomModels.s5(RandomModels.S5Spec.like(3, 6, 4, 2, 2).withDiscretization("bilinear")
                .withClipEigs(false), 5);
        // push every pole of layer 0 out with Re Λ > 0: the bilinear map sends the right half-plane outside
        var p = m.params();
        var layers = new java.util.ArrayList<>(p.layers());
        var lp = layers.get(0);
        float[] re = lp.lambdaRe().clone();
        Arrays.fill(re, 0.05f);
        layers.set(0, lp.withLambdaRe(re));
        S5Model bad = new S5Model(m.config(), new io.ssmedge.model.s5.S5Params(p.encoderKernel(), p.encoderBias(),
                List.copyOf(layers), p.decoderKernel(), p.decoderBias()));
        assertThat(bad.unstableStates()).hasSize(re.length);
        LayerSystem after = bad.stabilized().layerSystems().get(0);
        for (int i = 0; i < after.units(); i++) {
            assertThat(after.poleMagnitude(i)).isCloseTo(SsmModel.STABILIZED_POLE, within(1e-5));
        }
    }
}
