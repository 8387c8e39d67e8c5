package io.ssmedge.agent.config;

import java.util.List;

/**
 * Validation helpers for the configuration records. Each failure throws an {@link IllegalArgumentException}
 * whose message starts with the key ({@code "port: expected …"}); {@link ConfigLoader} puts the path of the
 * enclosing section in front ({@code "mqtt.port: expected …"}).
 */
final class Check {
    private Check() {
    }

    static int range(String key, Integer value, int dflt, int min, int max) {
        int v = value == null ? dflt : value;
        if (v < min || v > max) {
            throw new IllegalArgumentException(key + ": expected a whole number from " + min + " to " + max + ", got " + v);
        }
        return v;
    }

    static long range(String key, Long value, long dflt, long min, long max) {
        long v = value == null ? dflt : value;
        if (v < min || v > max) {
            throw new IllegalArgumentException(key + ": expected a whole number from " + min + " to " + max + ", got " + v);
        }
        return v;
    }

    static int qos(String key, Integer value, int dflt) {
        int v = value == null ? dflt : value;
        if (v < 0 || v > 2) {
            throw new IllegalArgumentException(key + ": expected an MQTT quality of service 0, 1 or 2, got " + v);
        }
        return v;
    }

    static String text(String key, String value, String dflt) {
        String v = value == null ? dflt : value.trim();
        if (v == null || v.isEmpty()) {
            throw new IllegalArgumentException(key + ": must not be empty");
        }
        return v;
    }

    /** An optional text (null or blank means "not set", returned as null). */
    static String optional(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }

    /** An MQTT topic filter that subscribes to many streams: one level must be '+'. */
    static String filterWithStreamLevel(String key, String value, String dflt) {
        String v = text(key, value, dflt);
        if (!List.of(v.split("/", -1)).contains("+")) {
            throw new IllegalArgumentException(key + ": expected a topic filter with a '+' level for the stream id "
                    + "(e.g. factory/line3/+/sensors), got '" + v + "'");
        }
        for (String level : v.split("/", -1)) {
            if (!level.equals("+") && !level.equals("#") && (level.contains("+") || level.contains("#"))) {
                throw new IllegalArgumentException(key + ": '+' and '#' must fill a whole topic level, got '" + v + "'");
            }
        }
        return v;
    }

    /** A topic to publish to: no wildcards; may hold the given {placeholders}. */
    static String publishTopic(String key, String value, String dflt) {
        String v = text(key, value, dflt);
        if (v.contains("+") || v.contains("#")) {
            throw new IllegalArgumentException(key + ": a topic to publish to cannot hold '+' or '#', got '" + v + "'");
        }
        return v;
    }
}
