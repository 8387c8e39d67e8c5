package io.ssmedge.agent.config;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * When the agent confirms a QoS 1 sensor message to the broker (key {@code durability}). Until it is confirmed the
 * broker keeps the message in the agent's session and delivers it again if the agent dies.
 */
public enum Durability {
    /** The MQTT client confirms on arrival: samples queued in the agent are lost if the process dies. */
    @JsonProperty("none") NONE,
    /** Confirmed once processed: nothing is lost, but open windows start again after a crash. */
    @JsonProperty("processed") PROCESSED,
    /**
     * Confirmed once the samples are in the local journal (data_dir/journal, one disk sync every few ms): after a
     * crash the open windows are rebuilt from it and samples the broker delivers again are recognised and skipped.
     */
    @JsonProperty("journal") JOURNAL;

    /** The spelling used in the config file. */
    public String key() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
