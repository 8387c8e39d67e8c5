package io.ssmedge.pruning;

import com.fasterxml.jackson.databind.JsonNode;
import io.ssmedge.data.WindowSet;
import io.ssmedge.eval.Evaluator;
import io.ssmedge.format.SafetensorsFile;
import io.ssmedge.inference.BatchEvaluator;
import io.ssmedge.inference.Progress;
import io.ssmedge.model.ModelLoader;
import io.ssmedge.model.SsmModel;
import io.ssmedge.model.StreamState;
import io.ssmedge.testing.Fixtures;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * LAST and its baselines must reproduce reference.json of both conformance fixtures at every ratio, and
 * the physically pruned models must reproduce the reference log-probabilities at 20, 30 and 50 %.
 */
class ReferencePruningTest {
    /** One window of 1471 may flip: the reference computed in float32 with a parallel scan. */
    static final double ONE_WINDOW = 1.0 / 1471 + 1e-12;
    /** Scores agree to float32 accuracy of the reference (it computed them in float32; we use float64). */
    static final double REL = 1e-3;

    static int[] ratios(JsonNode ref) {
        int[] r = new int[ref.get("ratios").size()];
        for (int i = 0; i < r.length; i++) {
            r[i] = ref.get("ratios").get(i).asInt();
        }
        return r;
    }

    @ParameterizedTest
    @ValueSource(strings = {Fixtures.S5, Fixtures.S4D})
    void keptUnitsPerLayerEqualReferenceAtEveryRatio(String fixture) {
        SsmModel model = ModelLoader.load(Fixtures.dir(fixture));
        JsonNode ref = Fixtures.reference(fixture);
        int[] ratios = ratios(ref);
        for (int i = 0; i < ratios.length; i++) {
            PruningPlan plan = Pruner.plan(model, PruningMethod.LAST, ratios[i]);
            int[] expected = new int[model.layers()];
            for (int l = 0; l < expected.length; l++) {
                expected[l] = ref.get("LAST_kept_per_layer").get(i).get(l).asInt();
            }
            assertThat(plan.keptPerLayer()).as("%s kept per layer at %d %%", fixture, ratios[i]).containsExactly(expected);
            assertThat(plan.threshold()).as("threshold at %d %%", ratios[i])
                    .isCloseTo(ref.get("global_th").get(i).asDouble(), within(REL * ref.get("global_th").get(i).asDouble()));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {Fixtures.S5, Fixtures.S4D})
    void accuraciesOfLastAndHinfBaselinesEqualReference(String fixture) {
        SsmModel model = ModelLoader.load(Fixtures.dir(fixture));
        JsonNode ref = Fixtures.reference(fixture);
        WindowSet windows = Fixtures.testWindows();
        int[] ratios = ratios(ref);
        for (PruningMethod m : new PruningMethod[]{PruningMethod.LAST, PruningMethod.UNIFORM_HINF, PruningMethod.GLOBAL_HINF}) {
            String key = m == PruningMethod.LAST ? "LAST" : m == PruningMethod.UNIFORM_HINF ? "uniform_hinf" : "global_hinf";
            for (int i = 0; i < ratios.length; i++) {
                SsmModel pruned = Pruner.apply(model, Pruner.plan(model, m, ratios[i]));
                double acc = Evaluator.evaluate(pruned, windows, 2, Progress.NONE).accuracy();
                assertThat(acc).as("%s %s accuracy at %d %%", fixture, m.key(), ratios[i])
                        .isCloseTo(ref.get(key).get(i).asDouble(), within(ONE_WINDOW));
            }
        }
    }

    /**
     * The reference's random curve is itself a mean of 3 seeds, so it carries about 2 points of sampling
     * noise per ratio (it drops 2.8 points at 5 % and recovers at 10 %). Our mean of seeds 0, 1, 2 must
     * follow it to within 2 points on average over the curve and within 4 points (about 2 standard
     * errors of a difference of two 3-seed means) at every ratio.
     */
    @ParameterizedTest
    @ValueSource(strings = {Fixtures.S5})
    void randomBaselineMeanOfThreeSeedsFollowsReference(String fixture) {
        SsmModel model = ModelLoader.load(Fixtures.dir(fixture));
        JsonNode ref = Fixtures.reference(fixture);
        WindowSet windows = Fixtures.testWindows();
        int[] ratios = ratios(ref);
        double absSum = 0;
        for (int i = 0; i < ratios.length; i++) {
            double sum = 0;
            for (long seed = 0; seed < 3; seed++) {
                SsmModel pruned = Pruner.apply(model, Pruner.plan(model, PruningMethod.RANDOM, ratios[i], seed));
                sum += Evaluator.evaluate(pruned, windows, 2, Progress.NONE).accuracy();
            }
            double diff = sum / 3 - ref.get("random").get(i).asDouble();
            assertThat(Math.abs(diff)).as("random mean accuracy at %d %%", ratios[i]).isLessThanOrEqualTo(0.04);
            absSum += Math.abs(diff);
        }
        assertThat(absSum / ratios.length).as("mean |difference| over the curve").isLessThanOrEqualTo(0.02);
    }

    @ParameterizedTest
    @ValueSource(strings = {Fixtures.S5, Fixtures.S4D})
    void prunedModelsReproduceReferenceLogProbabilities(String fixture) {
        SsmModel model = ModelLoader.load(Fixtures.dir(fixture));
        SafetensorsFile expected = Fixtures.expected(fixture);
        WindowSet windows = Fixtures.testWindows().head(512);
        for (int ratio : new int[]{20, 30, 50}) {
            SsmModel pruned = Pruner.apply(model, Pruner.plan(model, PruningMethod.LAST, ratio));
            float[] ref = expected.get("logp_ratio" + ratio).floats();
            float[] batch = BatchEvaluator.logProbabilities(pruned, windows, 2, Progress.NONE);
            float[] stream = streamed(pruned, windows);
            for (int i = 0; i < ref.length; i++) {
                assertThat(batch[i]).as("%s batch logp[%d] at %d %%", fixture, i, ratio).isCloseTo(ref[i], within(2e-4f));
                assertThat(stream[i]).as("%s streaming logp[%d] at %d %%", fixture, i, ratio).isCloseTo(ref[i], within(2e-4f));
            }
        }
    }

    private static float[] streamed(SsmModel model, WindowSet w) {
        float[] out = new float[w.count() * model.outputSize()];
        StreamState s = model.newState();
        float[] u = new float[w.channels()];
        float[] lp = new float[model.outputSize()];
        for (int i = 0; i < w.count(); i++) {
            model.reset(s);
            for (int t = 0; t < w.length(); t++) {
                System.arraycopy(w.x(), w.offset(i) + t * w.channels(), u, 0, u.length);
                model.step(s, u, lp);
            }
            System.arraycopy(lp, 0, out, i * lp.length, lp.length);
        }
        return out;
    }

    @ParameterizedTest
    @ValueSource(strings = {Fixtures.S5})
    void scoresEqualReferenceScores(String fixture) {
        SsmModel model = ModelLoader.load(Fixtures.dir(fixture));
        JsonNode ref = Fixtures.reference(fixture);
        PruningPlan last = Pruner.plan(model, PruningMethod.LAST, 0);
        PruningPlan hinf = Pruner.plan(model, PruningMethod.GLOBAL_HINF, 0);
        for (int l = 0; l < model.layers(); l++) {
            for (int i = 0; i < model.unitsPerLayer()[l]; i++) {
                double r = ref.get("last_scores_per_layer").get(l).get(i).asDouble();
                double h = ref.get("hinf_own_per_layer").get(l).get(i).asDouble();
                assertThat(last.scores()[l][i]).as("LAST score layer %d state %d", l, i).isCloseTo(r, within(REL * r));
                assertThat(hinf.scores()[l][i]).as("h layer %d state %d", l, i).isCloseTo(h, within(REL * h));
            }
        }
        assertThat(Arrays.stream(last.keptEnergy()).allMatch(e -> e == 1.0)).isTrue();
    }
}
