package io.ssmedge.agent.rollout;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ssmedge.agent.config.RolloutConfig;
import io.ssmedge.agent.rollout.store.EventJournal;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The engine's decisions, driven by the offline rehearsal on synthetic recordings with known truth. */
class RehearsalTest {
    static List<Rehearsal.Recording> recs;
    static final Rehearsal.PredictionCache CACHE = new Rehearsal.PredictionCache();

    @TempDir
    Path dir;

    @BeforeAll
    static void data() {
        recs = Synthetic.recordings(12, 1500, 42, 0);
    }

    static RolloutConfig config(Path dir) {
        return RolloutConfig.defaults().withEnabled(true).withDataDir(dir).withRatios(List.of(10, 20, 33, 45))
                .withLimits(new RolloutConfig.Limits(0.02, 0.05, 0.30, 0.95))
                .withStatistics(new RolloutConfig.Statistics(0.05, 0.05, 0.02, 0.01, 4))
                .withProbation(new RolloutConfig.Probation(30, 24 * 30))
                .withShadow(new RolloutConfig.Shadow(1.0, 24 * 30, RolloutConfig.DeadlineAction.STAY));
    }

    /** The candidate equals the original: no injected error. */
    static final Rehearsal.Perturbation SAME = (ratio, stream, window, predicted, orig, label) -> orig;

    static Rehearsal.Outcome run(RolloutConfig cfg, Rehearsal.Perturbation p, double labelShare, int loops) {
        return new Rehearsal(cfg, Synthetic.MODEL, null, recs, new Rehearsal.Settings(labelShare, 0, loops, 7, 1000), p, CACHE,
                System.getProperty("rollout.print") != null ? e -> System.err.println(EventText.line(e)) : null).run();
    }

    static String lines(Rehearsal.Outcome o) {
        return String.join("\n", o.events().stream().map(EventText::line).toList());
    }

    static List<String> types(Rehearsal.Outcome o) {
        return o.events().stream().map(e -> e.get("type").asText() + (e.get("gate").isNull() ? "" : ":" + e.get("gate").asText()))
                .toList();
    }

    @Test
    void healthyRolloutAdvancesThroughEveryStageDeterministically() {
        Rehearsal.Outcome o = run(config(dir.resolve("a")), SAME, 1.0, 40);
        assertThat(o.servingRatio()).isEqualTo(45);
        assertThat(o.count("promoted")).isEqualTo(4);
        assertThat(o.count("rolled_back")).isZero();
        assertThat(types(o)).startsWith("stage_started", "gate_passed:shadow", "promoted:shadow", "gate_passed:probation",
                "stage_started");
        assertThat(o.state()).isEqualTo("monitoring");
        // same seed, same decisions at the same sensor times
        Rehearsal.Outcome again = run(config(dir.resolve("b")), SAME, 1.0, 40);
        assertThat(again.events().stream().map(e -> e.get("time").asText() + e.get("type").asText()).toList())
                .isEqualTo(o.events().stream().map(e -> e.get("time").asText() + e.get("type").asText()).toList());
        // the journal holds the same events, numbered 1..n
        List<ObjectNode> journal = EventJournal.readAll(dir.resolve("a/rollout/events.jsonl"));
        assertThat(journal).hasSize(o.events().size());
        for (int i = 0; i < journal.size(); i++) {
            assertThat(journal.get(i).get("seq").asLong()).isEqualTo(i + 1);
        }
        // every promotion event carries its model's identity and gain figures
        ObjectNode promoted = o.events().stream().filter(e -> e.get("type").asText().equals("promoted")).findFirst().orElseThrow();
        assertThat(promoted.get("model_version").asText()).startsWith("sha256:");
        assertThat(promoted.get("kept_states_per_layer").size()).isEqualTo(Synthetic.MODEL.layers());
        assertThat(promoted.get("n").asLong()).isPositive();
        assertThat(promoted.get("upper").asDouble()).isLessThanOrEqualTo(0.02);
    }

    @Test
    void aClearDropFailsAndIsNeverPromoted() {
        // candidate wrong on 30 % of the windows the original gets right
        Rehearsal.Outcome o = run(config(dir), RolloutSimulation.knownDrop(0.3, 3), 1.0, 10);
        assertThat(o.count("promoted")).isZero();
        assertThat(o.servingRatio()).isZero();
        assertThat(types(o)).contains("gate_failed:shadow", "quarantined");
        // midpoint 5 % tried once after 10 % failed, then the rollout waits for the backoff
        assertThat(o.events().stream().filter(e -> e.get("type").asText().equals("stage_started"))
                .map(e -> e.get("ratio").asInt()).toList()).startsWith(10, 5);
        assertThat(o.state()).isIn("paused", "shadow");
    }

    @Test
    void withoutLabelsAnUndecidedStageIsInconclusiveAndPausesWithoutPromoting() {
        // 4 % disagreement against a 5 % limit cannot be shown in a 2-hour deadline on 12 streams
        RolloutConfig cfg = config(dir).withShadow(new RolloutConfig.Shadow(1.0, 2, RolloutConfig.DeadlineAction.STAY));
        double q = 0.04;
        Rehearsal.Outcome o = run(cfg, RolloutSimulation.knownDrop(q, 5), 0.0, 8);
        assertThat(o.count("promoted")).isZero();
        assertThat(o.count("inconclusive")).as(lines(o)).isEqualTo(1);
        assertThat(o.state()).isEqualTo("paused");
        ObjectNode inc = o.events().stream().filter(e -> e.get("type").asText().equals("inconclusive")).findFirst().orElseThrow();
        assertThat(inc.get("evidence_kind").asText()).isEqualTo("disagreement");
        assertThat(inc.get("reason").asText()).contains("agreement").contains("observations");
        assertThat(o.servingRatio()).isZero();
    }

    @Test
    void agreementBasedRollbackWithoutLabels() {
        // identical until sensor window 600 of each stream, then the serving 10 % model disagrees on 40 % of windows
        RolloutConfig cfg = config(dir).withRatios(List.of(10)).withProbation(new RolloutConfig.Probation(100_000, 24 * 365));
        Rehearsal.Perturbation late = (ratio, stream, window, predicted, orig, label) ->
                window < 600 ? orig : RolloutSimulation.knownDrop(0.4, 9).apply(ratio, stream, window, predicted, orig, label);
        Rehearsal.Outcome o = run(cfg, late, 0.0, 12);
        assertThat(o.count("promoted")).isEqualTo(1);
        ObjectNode rb = o.events().stream().filter(e -> e.get("type").asText().equals("rolled_back")).findFirst().orElseThrow();
        assertThat(rb.get("gate").asText()).isEqualTo("probation");
        assertThat(rb.get("ratio").asInt()).isZero();
        assertThat(o.servingRatio()).isZero();
        ObjectNode failed = o.events().stream().filter(e -> e.get("type").asText().equals("gate_failed")).findFirst().orElseThrow();
        assertThat(failed.get("reason").asText()).contains("agreement");
    }

    @Test
    void monitoringRollsBackToTheLastGoodStageWhenLabelsTurnBad() {
        RolloutConfig cfg = config(dir).withRatios(List.of(10, 20)).withProbation(new RolloutConfig.Probation(50, 24 * 365))
                .withLimits(new RolloutConfig.Limits(0.05, 0.05, 0.30, 0.95))
                .withMonitoring(new RolloutConfig.Monitoring(1.0, 5000, 0.10));
        // fine until window 900, then the 20 % model is wrong on 40 % of the windows the original gets right
        Rehearsal.Perturbation late = (ratio, stream, window, predicted, orig, label) -> ratio == 20 && window >= 1800
                ? RolloutSimulation.knownDrop(0.4, 11).apply(ratio, stream, window, predicted, orig, label) : orig;
        Rehearsal.Outcome o = run(cfg, late, 1.0, 16);
        assertThat(types(o)).as(lines(o)).contains("rolled_back:monitoring");
        ObjectNode rb = o.events().stream().filter(e -> e.get("type").asText().equals("rolled_back")).findFirst().orElseThrow();
        assertThat(rb.get("ratio").asInt()).isEqualTo(10);
        assertThat(rb.get("reason").asText()).contains("re-warm");
        // 20 % is quarantined; the midpoint 15 % (healthy) is tried once and serves in the end
        assertThat(o.events().stream().filter(e -> e.get("type").asText().equals("stage_started"))
                .map(e -> e.get("ratio").asInt()).toList()).containsSubsequence(10, 20, 15);
        assertThat(o.servingRatio()).isEqualTo(15);
    }

    @Test
    void inputDriftPausesTheRollout() {
        List<Rehearsal.Recording> drifted = Synthetic.recordings(4, 3000, 5, 6.0);
        Rehearsal.Outcome o = new Rehearsal(config(dir), Synthetic.MODEL, null, drifted, new Rehearsal.Settings(1, 0, 1, 1, 1000),
                SAME, new Rehearsal.PredictionCache(), null).run();
        assertThat(types(o)).contains("drift:shadow", "paused:shadow");
        assertThat(o.state()).isEqualTo("paused");
        assertThat(o.events().stream().filter(e -> e.get("type").asText().equals("drift")).findFirst().orElseThrow()
                .get("reason").asText()).contains("channel " + Synthetic.MODEL.channels().get(0));
    }
}
