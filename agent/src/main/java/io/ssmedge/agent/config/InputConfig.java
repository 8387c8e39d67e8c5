package io.ssmedge.agent.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Limits on what sensors may send (section {@code input}).
 *
 * @param maxFutureSeconds   a sample whose ts lies further ahead of this machine's clock is rejected as
 *                           bad_timestamp (so is a ts before 2000-01-01)
 * @param maxStreamIdLength  longer stream ids (the '+' level of the topic) are rejected as bad_stream_id
 * @param streamIdleSeconds  a stream that sent nothing for this long is removed (its windows, memory and its place
 *                           in workers.max_streams are freed; counted); 0 = never
 */
public record InputConfig(int maxFutureSeconds, int maxStreamIdLength, long streamIdleSeconds) {
    public InputConfig {
        Check.range("max_future_seconds", maxFutureSeconds, 0, 0, 365 * 86_400);
        Check.range("max_stream_id_length", maxStreamIdLength, 0, 1, 1024);
        Check.range("stream_idle_seconds", streamIdleSeconds, 0L, 0L, 10L * 365 * 86_400);
    }

    @JsonCreator
    static InputConfig fromYaml(@JsonProperty("max_future_seconds") Integer maxFutureSeconds,
                                @JsonProperty("max_stream_id_length") Integer maxStreamIdLength,
                                @JsonProperty("stream_idle_seconds") Long streamIdleSeconds) {
        return new InputConfig(maxFutureSeconds == null ? 300 : maxFutureSeconds,
                maxStreamIdLength == null ? 128 : maxStreamIdLength,
                streamIdleSeconds == null ? 86_400 : streamIdleSeconds);
    }

    public static InputConfig defaults() {
        return fromYaml(null, null, null);
    }
}
