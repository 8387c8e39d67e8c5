package io.ssmedge.agent.rollout;

import io.ssmedge.agent.config.RolloutConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The simulation figures of BENCHMARKS.md at a smaller scale, on synthetic recordings (no data set needed). */
class DecisionErrorRatesTest {
    @TempDir
    Path dir;

    @Test
    void aDropAtTheLimitIsRarelyPromotedAndAClearDropAlwaysFails() {
        List<Rehearsal.Recording> recs = Synthetic.recordings(12, 1500, 77, 0);
        Rehearsal.PredictionCache cache = new Rehearsal.PredictionCache();
        RolloutConfig cfg = RehearsalTest.config(dir).withRatios(List.of(20)).withMidpointRetry(false)
                .withLimits(new RolloutConfig.Limits(0.05, 1.0, 1.0, 0.5));
        int seeds = 12;
        int promotedAtLimit = 0;
        int failedClear = 0;
        for (int s = 0; s < seeds; s++) {
            // labels are the original's own predictions (accuracy 1), so q is the true drop
            Rehearsal.Outcome atLimit = RolloutSimulation.rehearse(cfg, Synthetic.MODEL, recs, cache,
                    RolloutSimulation.knownDrop(0.05, s), s, 10, e -> e.get("type").asText().equals("promoted")
                            || e.get("type").asText().equals("gate_failed"));
            promotedAtLimit += atLimit.count("promoted") > 0 ? 1 : 0;
            Rehearsal.Outcome clear = RolloutSimulation.rehearse(cfg, Synthetic.MODEL, recs, cache,
                    RolloutSimulation.knownDrop(0.20, 100 + s), 100 + s, 10, e -> e.get("type").asText().equals("promoted")
                            || e.get("type").asText().equals("gate_failed"));
            failedClear += clear.count("gate_failed") > 0 && clear.count("promoted") == 0 ? 1 : 0;
        }
        // alpha = 5 %: P(2 or more of 12) < 12 % even at exactly 5 %; the bound is conservative, so expect 0
        assertThat(promotedAtLimit).isLessThanOrEqualTo(1);
        assertThat(failedClear).isEqualTo(seeds);
    }
}
