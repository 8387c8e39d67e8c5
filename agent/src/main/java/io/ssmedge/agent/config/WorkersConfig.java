package io.ssmedge.agent.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Inference threads and their queues (section {@code workers}).
 *
 * @param threads       inference threads; each owns a fixed share of the streams (a stream always goes to the
 *                      same thread, so its samples stay in order)
 * @param queueCapacity messages each thread's queue holds before the overflow policy applies
 * @param overflow      drop-oldest, drop-newest or block
 * @param maxStreams    streams the agent accepts (memory bound); messages of further streams are rejected
 */
public record WorkersConfig(int threads, int queueCapacity, OverflowPolicy overflow, int maxStreams) {
    public WorkersConfig {
        Check.range("threads", threads, 0, 1, 256);
        Check.range("queue_capacity", queueCapacity, 0, 1, 10_000_000);
        Check.range("max_streams", maxStreams, 0, 1, 10_000_000);
        if (overflow == null) {
            throw new IllegalArgumentException("overflow: expected drop-oldest, drop-newest or block");
        }
    }

    @JsonCreator
    static WorkersConfig fromYaml(@JsonProperty("threads") Integer threads, @JsonProperty("queue_capacity") Integer queueCapacity,
                                  @JsonProperty("overflow") OverflowPolicy overflow,
                                  @JsonProperty("max_streams") Integer maxStreams) {
        return new WorkersConfig(threads == null ? defaultThreads() : threads, queueCapacity == null ? 10_000 : queueCapacity,
                overflow == null ? OverflowPolicy.DROP_OLDEST : overflow, maxStreams == null ? 10_000 : maxStreams);
    }

    /** One thread less than the machine has cores (the MQTT client and broker need one), at least one. */
    public static int defaultThreads() {
        return Math.max(1, Runtime.getRuntime().availableProcessors() - 1);
    }

    public static WorkersConfig defaults() {
        return fromYaml(null, null, null, null);
    }
}
