package io.ssmedge.agent.config;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Where the MQTT broker is: the plant's own (external) or one run inside the agent (embedded). */
public enum BrokerMode {
    /** Connect to the broker named in section {@code mqtt} (production: the plant's broker). */
    @JsonProperty("external") EXTERNAL,
    /** Run a broker inside the agent's process (a trial, a small plant without a broker, the demo). */
    @JsonProperty("embedded") EMBEDDED;

    /** The spelling used in the config file. */
    public String key() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
