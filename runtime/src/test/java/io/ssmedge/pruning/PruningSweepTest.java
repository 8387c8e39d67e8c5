package io.ssmedge.pruning;

import io.ssmedge.data.WindowSet;
import io.ssmedge.inference.Progress;
import io.ssmedge.model.ModelLoader;
import io.ssmedge.model.SsmModel;
import io.ssmedge.testing.Fixtures;
import io.ssmedge.testing.Run;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class PruningSweepTest {
    static final double[] RATIOS = {0, 25, 50};
    static SsmModel model;
    static WindowSet windows;
    static PruningSweep.Result result;

    @BeforeAll
    static void sweep() {
        model = ModelLoader.load(Fixtures.dir(Fixtures.S5));
        windows = Fixtures.testWindows().head(48);
        result = PruningSweep.run(model, windows, new PruningSweep.Options(
                List.of(PruningMethod.LAST, PruningMethod.RANDOM), RATIOS, 1, 2, 0), Progress.NONE);
    }

    /** Accuracy computed window by window on the single-stream step path (not the batch evaluator). */
    static double accuracyOf(SsmModel m) {
        WindowSet w = windows.normalizedWith(m.normalization());
        int right = 0;
        for (int i = 0; i < w.count(); i++) {
            float[][] x = new float[w.length()][w.channels()];
            for (int t = 0; t < w.length(); t++) {
                System.arraycopy(w.x(), w.offset(i) + t * w.channels(), x[t], 0, w.channels());
            }
            float[] logp = Run.window(m, x);
            int best = 0;
            for (int k = 1; k < logp.length; k++) {
                best = logp[k] > logp[best] ? k : best;
            }
            right += best == w.labels()[i] ? 1 : 0;
        }
        return (double) right / w.count();
    }

    @Test
    void everyMethodHasOnePointPerRatioWithTheStatesThatRatioKeeps() {
        assertThat(result.points().keySet()).containsExactly(PruningMethod.LAST, PruningMethod.RANDOM);
        assertThat(result.windows()).isEqualTo(48);
        int total = Arrays.stream(model.unitsPerLayer()).sum();
        assertThat(result.totalUnits()).isEqualTo(total);
        for (List<PruningSweep.Point> ps : result.points().values()) {
            assertThat(ps).extracting(PruningSweep.Point::ratio).containsExactly(0.0, 25.0, 50.0);
            assertThat(ps.get(0).plan().totalKept()).isEqualTo(total);
            for (int i = 1; i < ps.size(); i++) {
                assertThat(ps.get(i).plan().totalKept()).isLessThan(ps.get(i - 1).plan().totalKept());
                assertThat(ps.get(i).weightBytes()).isLessThan(ps.get(i - 1).weightBytes());
                assertThat(ps.get(i).stateBytes()).isLessThan(ps.get(i - 1).stateBytes());
            }
            assertThat(ps.get(2).plan().totalKept()).isCloseTo(total / 2, within(model.unitsPerLayer().length));
            assertThat(ps).allSatisfy(p -> assertThat(p.stepNanos()).isNaN()); // timeSteps 0: not timed
        }
    }

    @Test
    void accuraciesMatchAnIndependentWindowByWindowCount() {
        assertThat(result.baselineAccuracy()).isCloseTo(accuracyOf(model), within(1e-12));
        PruningSweep.Point last50 = result.at(PruningMethod.LAST, 50);
        assertThat(last50.accuracy()).isCloseTo(accuracyOf(Pruner.apply(model, last50.plan())), within(1e-12));
        // random: the mean over seeds 0 and 1
        double mean = (accuracyOf(Pruner.apply(model, Pruner.plan(model, PruningMethod.RANDOM, 25, 0)))
                + accuracyOf(Pruner.apply(model, Pruner.plan(model, PruningMethod.RANDOM, 25, 1)))) / 2;
        assertThat(result.at(PruningMethod.RANDOM, 25).accuracy()).isCloseTo(mean, within(1e-12));
    }

    @Test
    void largestRatioWithinABudget() {
        double base = result.baselineAccuracy();
        double expected = 0;
        for (PruningSweep.Point p : result.points().get(PruningMethod.LAST)) {
            if (100 * (base - p.accuracy()) <= 1 + 1e-9) {
                expected = Math.max(expected, p.ratio());
            }
        }
        assertThat(result.largestRatioWithin(PruningMethod.LAST, 1)).isEqualTo(expected);
        assertThat(result.largestRatioWithin(PruningMethod.LAST, 100)).isEqualTo(50);
    }

    @Test
    void csvAndJsonCarryEveryPoint() {
        String[] rows = result.toCsv().split("\n");
        assertThat(rows).hasSize(1 + 2 * RATIOS.length);
        assertThat(rows[0]).startsWith("method,ratio_percent,accuracy");
        assertThat(rows[1]).startsWith("last,0,");
        var json = result.toJson();
        assertThat(json.get("ratios").toString()).isEqualTo("[0,25,50]");
        assertThat(json.get("methods").get("random").get("accuracy")).hasSize(3);
        assertThat(json.get("methods").get("last").get("kept_per_layer").get(2).size())
                .isEqualTo(model.unitsPerLayer().length);
        assertThat(json.get("methods").get("last").get("step_ns").get(0).isNull()).isTrue();
    }
}
