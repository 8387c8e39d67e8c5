package io.ssmedge.agent.rollout;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.Locale;
import java.util.Map;

/** One journal event as a line a plant engineer can read. */
public final class EventText {
    private static final Map<String, String> WORDS = Map.ofEntries(
            Map.entry("stage_started", "STAGE STARTED"), Map.entry("gate_passed", "GATE PASSED"),
            Map.entry("gate_failed", "GATE FAILED"), Map.entry("promoted", "SWITCHED TO IT"),
            Map.entry("inconclusive", "NOT ENOUGH EVIDENCE"), Map.entry("paused", "PAUSED"),
            Map.entry("resumed", "RESUMED"), Map.entry("rolled_back", "SWITCHED BACK"),
            Map.entry("quarantined", "ON HOLD"), Map.entry("drift", "INPUT DRIFT"), Map.entry("done", "DONE"));

    private EventText() {
    }

    public static String line(JsonNode e) {
        String time = e.path("time").asText().replace('T', ' ').replace("Z", "");
        if (time.length() > 16) {
            time = time.substring(0, 16);
        }
        String type = e.path("type").asText();
        String what = WORDS.getOrDefault(type, type.toUpperCase(Locale.ROOT));
        int ratio = e.path("ratio").asInt();
        String model = ratio == 0 ? "original" : ratio + " % pruned";
        String gate = e.path("gate").isTextual() ? " (" + e.path("gate").asText() + " gate)" : "";
        return String.format(Locale.ROOT, "%s  %-10s %-20s%s %s", time, model, what, gate, e.path("reason").asText());
    }
}
