package io.ssmedge.agent.daemon;

import com.fasterxml.jackson.databind.JsonNode;
import io.ssmedge.agent.metrics.PrometheusText;
import io.ssmedge.agent.rollout.RolloutDriver;

/** The rollout's figures in /metrics: state, stage, evidence progress and the serving model's gain. */
final class RolloutMetrics {
    private static final String[] STATES = {"calibrating", "shadow", "probation", "monitoring", "paused", "rolled_back",
            "done"};

    private RolloutMetrics() {
    }

    static void put(PrometheusText p, RolloutDriver rollout) {
        if (rollout == null) {
            return;
        }
        JsonNode s = rollout.status();
        String state = s.path("state").asText();
        p.family("ssm_edge_rollout_state", "gauge", "1 for the rollout's current state");
        for (String st : STATES) {
            p.sample("ssm_edge_rollout_state", st.equals(state) ? 1 : 0, "state", st);
        }
        JsonNode serving = s.path("serving");
        JsonNode original = s.path("original");
        String version = serving.path("model_version").asText();
        String stage = s.path("stage").path("ratio").asText();
        p.family("ssm_edge_rollout_stage_ratio", "gauge", "pruning ratio in % of the stage being worked on")
                .sample("ssm_edge_rollout_stage_ratio", s.path("stage").path("ratio").asDouble(), "stage", stage);
        p.family("ssm_edge_rollout_serving_ratio", "gauge", "pruning ratio in % of the serving model")
                .sample("ssm_edge_rollout_serving_ratio", serving.path("ratio").asDouble(), "model_version", version);
        p.family("ssm_edge_rollout_evidence_progress", "gauge", "observations collected / observations needed (0..1)")
                .sample("ssm_edge_rollout_evidence_progress", s.path("evidence").path("progress").asDouble(0), "stage", stage);
        p.family("ssm_edge_rollout_evidence_observations", "gauge", "decorrelated observations of the running gate")
                .sample("ssm_edge_rollout_evidence_observations", s.path("evidence").path("n").asDouble(0), "stage", stage);
        double bytesGain = 1 - serving.path("bytes_per_stream").asDouble() / Math.max(1, original.path("bytes_per_stream").asDouble());
        p.family("ssm_edge_rollout_memory_gain", "gauge", "share of per-stream memory the serving model saves vs the original")
                .sample("ssm_edge_rollout_memory_gain", bytesGain, "model_version", version);
        if (serving.has("step_us") && original.has("step_us")) {
            p.family("ssm_edge_rollout_latency_gain", "gauge", "share of step time the serving model saves vs the original")
                    .sample("ssm_edge_rollout_latency_gain", 1 - serving.get("step_us").asDouble() / original.get("step_us").asDouble(),
                            "model_version", version);
        }
    }
}
