package io.ssmedge.model;

import io.ssmedge.inference.WindowSpec;
import io.ssmedge.inference.WindowedStream;
import io.ssmedge.pruning.Pruner;
import io.ssmedge.pruning.PruningMethod;
import io.ssmedge.pruning.PruningPlan;
import io.ssmedge.testing.Fixtures;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Which models count as a pruned copy of another (the only targets a stream's state may be carried to). */
class PrunedCopyTest {

    @ParameterizedTest
    @ValueSource(strings = {Fixtures.S5, Fixtures.S4D})
    void matchFindsThePlansKeptUnitsAlsoBetweenNestedStages(String fixture) {
        SsmModel model = ModelLoader.load(Fixtures.dir(fixture));
        PruningPlan p10 = Pruner.plan(model, PruningMethod.LAST, 10);
        PruningPlan p30 = Pruner.plan(model, PruningMethod.LAST, 30);
        SsmModel m10 = Pruner.apply(model, p10);
        SsmModel m30 = Pruner.apply(model, p30);

        assertThat(PrunedCopy.match(model, m30)).isDeepEqualTo(p30.kept());
        // stage to stage: LAST's kept sets are nested, so the 30 % model is a pruned copy of the 10 % one
        int[][] step = PrunedCopy.match(m10, m30);
        for (int l = 0; l < step.length; l++) {
            for (int j = 0; j < step[l].length; j++) {
                assertThat(p10.kept()[l][step[l][j]]).isEqualTo(p30.kept()[l][j]);
            }
        }
        PrunedCopy.check(model, p30.kept(), m30);
    }

    @ParameterizedTest
    @ValueSource(strings = {Fixtures.S5, Fixtures.S4D})
    void otherModelsAreRefused(String fixture) {
        SsmModel model = ModelLoader.load(Fixtures.dir(fixture));
        PruningPlan p30 = Pruner.plan(model, PruningMethod.LAST, 30);
        SsmModel m30 = Pruner.apply(model, p30);
        SsmModel masked = model.masked(p30.kept()); // same size, pruned units zeroed: not a retain()

        assertThatThrownBy(() -> PrunedCopy.match(model, masked)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not a pruned copy");
        assertThatThrownBy(() -> PrunedCopy.match(m30, model)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not a pruned copy");
        SsmModel other = ModelLoader.load(Fixtures.dir(fixture.equals(Fixtures.S5) ? Fixtures.S4D : Fixtures.S5));
        assertThatThrownBy(() -> PrunedCopy.match(model, other)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not a pruned copy");

        int[][] shifted = new int[p30.kept().length][];
        for (int l = 0; l < shifted.length; l++) { // right sizes, wrong units
            int n = p30.kept()[l].length;
            shifted[l] = new int[n];
            for (int j = 0; j < n; j++) {
                shifted[l][j] = j;
            }
        }
        boolean differs = !java.util.Arrays.deepEquals(shifted, p30.kept());
        org.junit.jupiter.api.Assumptions.assumeTrue(differs, "the plan keeps the first units of every layer");
        assertThatThrownBy(() -> PrunedCopy.check(model, shifted, m30)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not a pruned copy");
    }

    @ParameterizedTest
    @ValueSource(strings = {Fixtures.S5, Fixtures.S4D})
    void carryToRefusesATargetThatIsNotAPrunedCopy(String fixture) {
        SsmModel model = ModelLoader.load(Fixtures.dir(fixture));
        PruningPlan p30 = Pruner.plan(model, PruningMethod.LAST, 30);
        WindowedStream w = new WindowedStream(model, WindowSpec.fixed(60, 8));
        float[] u = new float[model.inputSize()];
        float[] out = new float[model.outputSize()];
        for (int t = 0; t < 20; t++) {
            w.offer(u, out);
        }
        SsmModel masked = model.masked(p30.kept());
        assertThatThrownBy(() -> w.carryTo(masked, p30.kept())).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not a pruned copy");
        WindowedStream carried = w.carryTo(Pruner.apply(model, p30), p30.kept());
        assertThat(carried.samples()).isEqualTo(20);
        assertThat(carried.openWindows()).isEqualTo(w.openWindows());
        assertThat(carried.covers(w)).isTrue();
        assertThat(WindowedStream.joining(model, w).covers(w)).isFalse();
    }
}
