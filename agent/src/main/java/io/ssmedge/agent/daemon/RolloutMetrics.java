package io.ssmedge.agent.daemon;

import com.fasterxml.jackson.databind.JsonNode;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.ssmedge.agent.rollout.RolloutDriver;

import java.util.function.ToDoubleFunction;

/**
 * The rollout's figures in /metrics, read from its status at scrape time: state, stage, evidence progress and
 * the serving model's gain against the original (labels {@code model_version} and {@code stage}), input drift.
 */
final class RolloutMetrics {
    private static final String[] STATES = {"calibrating", "shadow", "probation", "monitoring", "paused", "rolled_back",
            "done"};

    private RolloutMetrics() {
    }

    static void register(RolloutDriver rollout, PrometheusRegistry registry) {
        GaugeWithCallback.builder().name("ssm_edge_rollout_state").help("1 for the rollout's current state")
                .labelNames("state").callback(cb -> {
                    String state = rollout.status().path("state").asText();
                    for (String s : STATES) {
                        cb.call(s.equals(state) ? 1 : 0, s);
                    }
                }).register(registry);
        byStage(registry, "ssm_edge_rollout_stage_ratio", "pruning ratio in % of the stage being worked on",
                s -> s.path("stage").path("ratio").asDouble(), rollout);
        byStage(registry, "ssm_edge_rollout_evidence_progress", "observations collected / observations needed (0..1)",
                s -> s.path("evidence").path("progress").asDouble(0), rollout);
        byStage(registry, "ssm_edge_rollout_evidence_observations", "decorrelated observations of the running gate",
                s -> s.path("evidence").path("n").asDouble(0), rollout);
        byServing(registry, "ssm_edge_rollout_serving_ratio", "pruning ratio in % of the serving model",
                s -> s.path("serving").path("ratio").asDouble(), rollout);
        byServing(registry, "ssm_edge_rollout_memory_gain", "share of per-stream memory the serving model saves vs the original",
                s -> 1 - s.path("serving").path("bytes_per_stream").asDouble()
                        / Math.max(1, s.path("original").path("bytes_per_stream").asDouble()), rollout);
        byServing(registry, "ssm_edge_rollout_latency_gain", "share of step time the serving model saves vs the original "
                        + "(NaN when not measured)",
                s -> 1 - s.path("serving").path("step_us").asDouble(Double.NaN)
                        / s.path("original").path("step_us").asDouble(Double.NaN), rollout);
        GaugeWithCallback.builder().name("ssm_edge_rollout_input_drift")
                .help("live inputs vs the model's training statistics: largest channel mean shift in training standard "
                        + "deviations (measure shift) and spread factor (measure spread); the rollout pauses above the limit")
                .labelNames("measure").callback(cb -> {
                    JsonNode d = rollout.status().path("drift");
                    if (!d.isMissingNode()) {
                        cb.call(d.path("shift").asDouble(), "shift");
                        cb.call(d.path("spread").asDouble(), "spread");
                        cb.call(d.path("limit").asDouble(), "limit");
                    }
                }).register(registry);
    }

    private static void byStage(PrometheusRegistry registry, String name, String help, ToDoubleFunction<JsonNode> value,
                                RolloutDriver rollout) {
        GaugeWithCallback.builder().name(name).help(help).labelNames("stage").callback(cb -> {
            JsonNode s = rollout.status();
            cb.call(value.applyAsDouble(s), s.path("stage").path("ratio").asText());
        }).register(registry);
    }

    private static void byServing(PrometheusRegistry registry, String name, String help, ToDoubleFunction<JsonNode> value,
                                  RolloutDriver rollout) {
        GaugeWithCallback.builder().name(name).help(help).labelNames("model_version", "stage").callback(cb -> {
            JsonNode s = rollout.status();
            cb.call(value.applyAsDouble(s), s.path("serving").path("model_version").asText(),
                    s.path("serving").path("ratio").asText());
        }).register(registry);
    }
}
