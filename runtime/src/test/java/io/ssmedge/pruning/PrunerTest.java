package io.ssmedge.pruning;

import io.ssmedge.model.LayerSystem;
import io.ssmedge.model.ModelLoader;
import io.ssmedge.model.RandomModels;
import io.ssmedge.model.SsmModel;
import io.ssmedge.testing.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class PrunerTest {
    @TempDir
    Path tmp;

    @Test
    void keepCountFollowsTheReferenceFormula() {
        assertThat(Pruner.keepCount(64, 0)).isEqualTo(64);
        assertThat(Pruner.keepCount(64, 5)).isEqualTo(60);   // ⌊60.8⌋
        assertThat(Pruner.keepCount(64, 95)).isEqualTo(3);
        assertThat(Pruner.keepCount(64, 100)).isEqualTo(1);  // never empty
        assertThat(Pruner.keepCount(2048, 30)).isEqualTo(1433);
        assertThatThrownBy(() -> Pruner.keepCount(10, 101)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Pruner.keepCount(10, -1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void energyNormalizationDividesByTheSumOfItselfAndLargerOnes() {
        double[] s = StateScores.energyNormalized(new double[]{4, 1, 2, 1});
        // sorted: 1(i1) 1(i3) 2 4 → 1/8, 1/7, 2/6, 4/4; equal values: the lower index gets the smaller score
        assertThat(s).containsExactly(1.0, 1.0 / 8, 2.0 / 6, 1.0 / 7);
    }

    @ParameterizedTest
    @EnumSource(PruningMethod.class)
    void everyMethodKeepsTheRequestedCountAndIsReproducible(PruningMethod m) {
        SsmModel model = ModelLoader.load(Fixtures.dir(Fixtures.S5));
        for (int r : new int[]{0, 25, 50, 95, 100}) {
            PruningPlan p = Pruner.plan(model, m, r, 7);
            if (m == PruningMethod.UNIFORM_HINF) {
                assertThat(p.keptPerLayer()).containsOnly(Pruner.keepCount(16, r));
            } else {
                assertThat(p.totalKept()).isGreaterThanOrEqualTo(Pruner.keepCount(64, r));
            }
            assertThat(Pruner.plan(model, m, r, 7).kept()).isDeepEqualTo(p.kept());
            for (int[] layer : p.kept()) {
                assertThat(layer).isSorted().doesNotHaveDuplicates();
            }
        }
    }

    @Test
    void randomPlansAreNestedAcrossRatiosForOneSeed() {
        SsmModel model = ModelLoader.load(Fixtures.dir(Fixtures.S5));
        PruningPlan a = Pruner.plan(model, PruningMethod.RANDOM, 30, 3);
        PruningPlan b = Pruner.plan(model, PruningMethod.RANDOM, 60, 3);
        for (int l = 0; l < 4; l++) {
            for (int i : b.kept()[l]) {
                assertThat(a.kept()[l]).contains(i);
            }
        }
        assertThat(Pruner.plan(model, PruningMethod.RANDOM, 30, 4).kept()).isNotEqualTo(a.kept());
    }

    @Test
    void planRoundTripsThroughJson() {
        SsmModel model = ModelLoader.load(Fixtures.dir(Fixtures.S4D));
        PruningPlan p = Pruner.plan(model, PruningMethod.LAST, 35);
        Path f = tmp.resolve("plan.json");
        p.write(f);
        PruningPlan q = PruningPlan.read(f);
        assertThat(q.method()).isEqualTo(p.method());
        assertThat(q.kept()).isDeepEqualTo(p.kept());
        assertThat(q.scores()).isDeepEqualTo(p.scores());
        assertThat(q.threshold()).isEqualTo(p.threshold());
        assertThat(Pruner.apply(model, q).unitsPerLayer()).containsExactly(p.keptPerLayer());
        assertThatThrownBy(() -> Pruner.apply(ModelLoader.load(Fixtures.dir(Fixtures.S5)), q))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("plan is for a model");
    }

    @Test
    void layerSweepOfOneRealPoleEqualsTheClosedForm() {
        // complex system (no conjugate pairs): G(z) = ½[cb·z/(z−λ) + conj(cb)·z/(z−λ)] = Re(cb)·z/(z−λ), peak at ω = 0
        double lam = 0.9;
        LayerSystem s = new LayerSystem(1, 1, new double[]{lam}, new double[]{0}, new double[]{2}, new double[]{0.5},
                new double[]{1.5}, new double[]{-1}, new double[]{0}, false, null);
        double reCb = 2 * 1.5 - 0.5 * -1;
        assertThat(LayerHinfNorm.of(s).norm()).isCloseTo(reCb / (1 - lam), within(1e-9));
    }

    @Test
    void layerSweepAgreesWithADenseGridAndTheTriangleInequality() {
        SsmModel m = RandomModels.s5(RandomModels.S5Spec.like(3, 6, 5, 1, 2), 11);
        LayerSystem s = m.layerSystems().get(0);
        LayerHinfNorm.Result r = LayerHinfNorm.of(s, null, 256);
        double dense = 0;
        for (int g = 0; g <= 20000; g++) {
            dense = Math.max(dense, LayerHinfNorm.sigmaMax(s, Math.PI * g / 20000));
        }
        assertThat(r.norm()).isGreaterThanOrEqualTo(dense * (1 - 1e-6));
        double sum = 0;
        for (int i = 0; i < s.units(); i++) {
            sum += LayerHinfNorm.of(s, new int[]{i}, 256).norm();
        }
        assertThat(r.norm()).isLessThanOrEqualTo(sum * (1 + 1e-9));
        // each single unit's norm is about √hᵢ (the conjugate term adds a little)
        double[] h = StateScores.hinfSquared(s);
        for (int i = 0; i < s.units(); i++) {
            assertThat(LayerHinfNorm.of(s, new int[]{i}, 256).norm()).isCloseTo(Math.sqrt(h[i]), within(0.35 * Math.sqrt(h[i])));
        }
    }

    @Test
    void keptEnergyIsOneWhenNothingIsPrunedAndDropsWithRatio() {
        SsmModel model = ModelLoader.load(Fixtures.dir(Fixtures.S5));
        assertThat(Pruner.plan(model, PruningMethod.LAST, 0).keptEnergy()).containsOnly(1.0);
        double[] e50 = Pruner.plan(model, PruningMethod.LAST, 50).keptEnergy();
        assertThat(Arrays.stream(e50).allMatch(e -> e > 0.5 && e < 1)).isTrue();
        assertThat(List.of(PruningMethod.parse("LAST"), PruningMethod.parse("uniform_hinf"))).containsExactly(
                PruningMethod.LAST, PruningMethod.UNIFORM_HINF);
    }
}
