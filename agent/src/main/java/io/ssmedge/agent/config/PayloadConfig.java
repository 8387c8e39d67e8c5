package io.ssmedge.agent.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * How payloads are read (section {@code payload}).
 *
 * @param format   auto (JSON or CSV by the first character), json or csv
 * @param maxBytes larger payloads are rejected unread
 */
public record PayloadConfig(PayloadFormat format, int maxBytes) {
    public PayloadConfig {
        if (format == null) {
            throw new IllegalArgumentException("format: expected auto, json or csv");
        }
        Check.range("max_bytes", maxBytes, 0, 16, 64 * 1024 * 1024);
    }

    @JsonCreator
    static PayloadConfig fromYaml(@JsonProperty("format") PayloadFormat format, @JsonProperty("max_bytes") Integer maxBytes) {
        return new PayloadConfig(format == null ? PayloadFormat.AUTO : format, maxBytes == null ? 65_536 : maxBytes);
    }

    public static PayloadConfig defaults() {
        return fromYaml(null, null);
    }
}
