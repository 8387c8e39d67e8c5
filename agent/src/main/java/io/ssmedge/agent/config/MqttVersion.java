package io.ssmedge.agent.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** MQTT protocol version spoken to the broker: 5 or 3.1.1 (for older brokers). */
public enum MqttVersion {
    V5("5"),
    V3_1_1("3.1.1");

    private final String key;

    MqttVersion(String key) {
        this.key = key;
    }

    @JsonValue
    public String key() {
        return key;
    }

    /** Accepts 5, 5.0, 3.1.1 and 3 (YAML reads a bare 5 as a number, so this takes the text of any scalar). */
    @JsonCreator
    public static MqttVersion of(String text) {
        String t = text.trim();
        switch (t) {
            case "5": case "5.0": case "v5":
                return V5;
            case "3.1.1": case "3": case "311": case "v3":
                return V3_1_1;
            default:
                throw new IllegalArgumentException("expected MQTT version 5 or 3.1.1, got '" + text + "'");
        }
    }
}
