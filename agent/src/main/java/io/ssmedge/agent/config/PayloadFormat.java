package io.ssmedge.agent.config;

import com.fasterxml.jackson.annotation.JsonProperty;

/** How sensor and label payloads are read. */
public enum PayloadFormat {
    /** JSON when the payload starts with '{' or '[', CSV lines otherwise. */
    @JsonProperty("auto") AUTO,
    @JsonProperty("json") JSON,
    @JsonProperty("csv") CSV
}
