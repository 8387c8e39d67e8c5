package io.ssmedge.model;

import io.ssmedge.pruning.Pruner;
import io.ssmedge.pruning.PruningMethod;
import io.ssmedge.pruning.PruningPlan;
import io.ssmedge.testing.Fixtures;
import io.ssmedge.testing.Run;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Contract of physical pruning on both architectures: equal to masking, saves and reloads, carries state. */
class PrunedModelFilesTest {
    @TempDir
    Path tmp;

    @ParameterizedTest
    @ValueSource(strings = {Fixtures.S5, Fixtures.S4D})
    void physicallyPrunedEqualsMaskedWithin1e6(String fixture) {
        SsmModel full = ModelLoader.load(Fixtures.dir(fixture));
        SplittableRandom r = new SplittableRandom(5);
        for (int ratio : new int[]{10, 30, 50, 80}) {
            PruningPlan plan = Pruner.plan(full, PruningMethod.LAST, ratio);
            SsmModel pruned = Pruner.apply(full, plan);
            SsmModel masked = full.masked(plan.kept());
            assertThat(pruned.totalUnits()).isEqualTo(plan.totalKept());
            assertThat(masked.totalUnits()).isEqualTo(full.totalUnits());
            assertThat(pruned.weightBytes()).isLessThan(full.weightBytes());
            for (int w = 0; w < 4; w++) {
                float[][] x = Run.randomWindow(r, 60, full.inputSize());
                float[] a = Run.window(pruned, x);
                float[] b = Run.window(masked, x);
                for (int k = 0; k < a.length; k++) {
                    assertThat(a[k]).as("ratio %d window %d", ratio, w).isCloseTo(b[k], org.assertj.core.data.Offset.offset(1e-6f));
                }
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {Fixtures.S5, Fixtures.S4D})
    void prunedModelSavesWithItsStateCountsAndReloads(String fixture) throws Exception {
        SsmModel full = ModelLoader.load(Fixtures.dir(fixture));
        SsmModel pruned = Pruner.apply(full, Pruner.plan(full, PruningMethod.LAST, 30));
        Path dir = tmp.resolve(fixture + "-30");
        pruned.save(dir);
        SsmModel back = ModelLoader.load(dir);
        assertThat(back.unitsPerLayer()).containsExactly(pruned.unitsPerLayer());
        assertThat(Files.readString(dir.resolve("config.json"))).contains("\"states_per_layer\"");
        assertThat(back.parameterCount()).isEqualTo(pruned.parameterCount());
        float[][] x = Run.randomWindow(new SplittableRandom(3), 60, full.inputSize());
        assertThat(Run.window(back, x)).containsExactly(Run.window(pruned, x));
        // training settings the runtime does not use survive the round trip
        assertThat(Files.readString(dir.resolve("config.json"))).contains("\"test_files\"");
    }

    @ParameterizedTest
    @ValueSource(strings = {Fixtures.S5, Fixtures.S4D})
    void streamStateCarriesToThePrunedModelWithoutAGap(String fixture) {
        SsmModel full = ModelLoader.load(Fixtures.dir(fixture));
        PruningPlan plan = Pruner.plan(full, PruningMethod.LAST, 40);
        SsmModel pruned = Pruner.apply(full, plan);
        SsmModel masked = full.masked(plan.kept());
        float[][] x = Run.randomWindow(new SplittableRandom(9), 60, full.inputSize());
        // run the masked model for 30 samples, carry the stream into the pruned one, finish the window there:
        // the result must equal the masked model run over the whole window
        io.ssmedge.inference.WindowSpec spec = io.ssmedge.inference.WindowSpec.fixed(60, 60);
        io.ssmedge.inference.WindowedStream onMasked = new io.ssmedge.inference.WindowedStream(masked, spec);
        float[] lp = new float[full.outputSize()];
        for (int t = 0; t < 30; t++) {
            assertThat(onMasked.offer(x[t], lp)).isFalse();
        }
        io.ssmedge.inference.WindowedStream onPruned = onMasked.carryTo(pruned, plan.kept());
        assertThat(onPruned.samples()).isEqualTo(30);
        boolean done = false;
        for (int t = 30; t < 60; t++) {
            done = onPruned.offer(x[t], lp);
        }
        assertThat(done).isTrue();
        io.ssmedge.inference.WindowedStream whole = new io.ssmedge.inference.WindowedStream(masked, spec);
        float[] want = new float[full.outputSize()];
        for (int t = 0; t < 60; t++) {
            whole.offer(x[t], want);
        }
        for (int k = 0; k < lp.length; k++) {
            assertThat(lp[k]).isCloseTo(want[k], org.assertj.core.data.Offset.offset(1e-6f));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {Fixtures.S5, Fixtures.S4D})
    void carryRefusesATargetThatIsNotAPrunedCopy(String fixture) {
        SsmModel full = ModelLoader.load(Fixtures.dir(fixture));
        PruningPlan plan = Pruner.plan(full, PruningMethod.LAST, 40);
        SsmModel pruned = Pruner.apply(full, plan);
        io.ssmedge.inference.WindowedStream stream = new io.ssmedge.inference.WindowedStream(full,
                io.ssmedge.inference.WindowSpec.fixed(60, 20));
        // the right plan works
        assertThat(stream.carryTo(pruned, plan.kept()).model()).isSameAs(pruned);
        // the same number of units per layer, but other units: not a copy of those units
        int[][] other = new int[plan.kept().length][];
        for (int l = 0; l < other.length; l++) {
            int n = plan.kept()[l].length;
            int units = full.unitsPerLayer()[l];
            other[l] = java.util.stream.IntStream.range(units - n, units).toArray();
        }
        if (!java.util.Arrays.deepEquals(other, plan.kept())) {
            assertThatThrownBy(() -> stream.carryTo(pruned, other)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("not a pruned copy");
        }
        // the unpruned model is not a copy with those units
        assertThatThrownBy(() -> stream.carryTo(full, plan.kept())).isInstanceOf(IllegalArgumentException.class);
    }
}
