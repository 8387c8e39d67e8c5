package io.ssmedge.agent.config;

import com.fasterxml.jackson.annotation.JsonProperty;

/** What a worker queue does with a new message when it is full. */
public enum OverflowPolicy {
    /** Throw away the oldest queued message to make room (fresh data wins; counted as a drop). */
    @JsonProperty("drop-oldest") DROP_OLDEST,
    /** Throw away the new message (queued data wins; counted as a drop). */
    @JsonProperty("drop-newest") DROP_NEWEST,
    /** Wait for room: nothing is dropped, reading from the broker slows down instead (backpressure). */
    @JsonProperty("block") BLOCK;

    /** The spelling used in the config file. */
    public String key() {
        return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }
}
