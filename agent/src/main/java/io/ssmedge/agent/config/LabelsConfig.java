package io.ssmedge.agent.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Joining ground-truth labels to predictions (section {@code labels}).
 *
 * @param joinWindowMs    a label scores the prediction of the same stream whose timestamp is nearest, when at
 *                        most this far apart
 * @param maxDelaySeconds how late (in sensor time) a label may come and still find its prediction
 * @param bufferPerStream predictions (and early labels) kept per stream while waiting for a partner
 */
public record LabelsConfig(long joinWindowMs, long maxDelaySeconds, int bufferPerStream) {
    public LabelsConfig {
        Check.range("join_window_ms", joinWindowMs, 0, 0, 86_400_000L);
        Check.range("max_delay_seconds", maxDelaySeconds, 0, 0, 30L * 86_400);
        Check.range("buffer_per_stream", bufferPerStream, 0, 1, 1_000_000);
    }

    @JsonCreator
    static LabelsConfig fromYaml(@JsonProperty("join_window_ms") Long joinWindowMs,
                                 @JsonProperty("max_delay_seconds") Long maxDelaySeconds,
                                 @JsonProperty("buffer_per_stream") Integer bufferPerStream) {
        return new LabelsConfig(joinWindowMs == null ? 500 : joinWindowMs, maxDelaySeconds == null ? 600 : maxDelaySeconds,
                bufferPerStream == null ? 1024 : bufferPerStream);
    }

    public static LabelsConfig defaults() {
        return fromYaml(null, null, null);
    }
}
