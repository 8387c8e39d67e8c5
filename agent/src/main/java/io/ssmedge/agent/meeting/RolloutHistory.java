package io.ssmedge.agent.meeting;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A staged rollout as the meeting report reads it: the events (journal lines or the {@code rollout.events} of
 * /api/status, format in CONTRACTS.md), the original and the serving model, the state and its reason.
 *
 * @param source   where it came from (file or URL), for the report's footer
 * @param state    off, calibrating, shadow, probation, monitoring, paused, rolled_back or done
 * @param reason   why in this state (one sentence, may be empty)
 * @param events   oldest first
 * @param original the unpruned model (null when nothing says)
 * @param serving  the model serving now (null when nothing says)
 */
public record RolloutHistory(String source, String state, String reason, List<JsonNode> events, Stage original,
                             Stage serving) {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One model of the rollout. */
    public record Stage(int ratio, String method, String version, int[] kept, double stepUs, long bytesPerStream) {
        static Stage of(JsonNode n) {
            JsonNode k = n.path("kept_states_per_layer");
            int[] kept = new int[k.size()];
            for (int i = 0; i < kept.length; i++) {
                kept[i] = k.get(i).asInt();
            }
            return new Stage(n.path("ratio").asInt(), n.path("method").asText(""), n.path("model_version").asText(""),
                    kept, n.has("step_us") ? n.get("step_us").asDouble() : Double.NaN, n.path("bytes_per_stream").asLong(-1));
        }

        public int totalKept() {
            int s = 0;
            for (int v : kept) {
                s += v;
            }
            return s;
        }
    }

    /** Reads {@code events.jsonl}; a line that is not a JSON object stops with file and line named. */
    public static RolloutHistory fromJournal(Path file) {
        List<JsonNode> events = new ArrayList<>();
        try {
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            for (int i = 0; i < lines.size(); i++) {
                String l = lines.get(i).strip();
                if (l.isEmpty()) {
                    continue;
                }
                JsonNode n;
                try {
                    n = JSON.readTree(l);
                } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                    throw new IllegalArgumentException(file + ": line " + (i + 1) + ": not JSON: " + e.getOriginalMessage());
                }
                if (!n.isObject() || !n.hasNonNull("type") || !n.hasNonNull("time")) {
                    throw new IllegalArgumentException(file + ": line " + (i + 1)
                            + ": expected an event object with \"time\" and \"type\", got " + abbreviate(l));
                }
                events.add(n);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the journal " + file + ": " + e.getMessage(), e);
        }
        if (events.isEmpty()) {
            throw new IllegalArgumentException(file + ": the journal holds no events");
        }
        return build(file.toString(), null, null, events, null, null);
    }

    /** Reads the {@code rollout} object of /api/status (its events are the last 50). */
    public static RolloutHistory fromStatus(String url, JsonNode status) {
        JsonNode r = status.path("rollout");
        if (r.isMissingNode() || "off".equals(r.path("state").asText("off"))) {
            throw new IllegalArgumentException(url + ": no staged rollout is configured on this agent (rollout.state off)");
        }
        List<JsonNode> events = new ArrayList<>();
        r.path("events").forEach(events::add);
        return build(url, r.path("state").asText(), r.path("reason").asText(""), events,
                r.has("original") ? Stage.of(r.get("original")) : null, r.has("serving") ? Stage.of(r.get("serving")) : null);
    }

    private static RolloutHistory build(String source, String state, String reason, List<JsonNode> events, Stage original,
                                        Stage serving) {
        if (original == null) {
            for (JsonNode e : events) {
                if (e.path("ratio").asInt(-1) == 0 && e.has("kept_states_per_layer")) {
                    original = Stage.of(e);
                    break;
                }
            }
        }
        if (serving == null) {
            // replay: promotions, rollbacks and the final event name the serving model
            for (JsonNode e : events) {
                String t = e.path("type").asText();
                if (t.equals("promoted") || t.equals("rolled_back") || t.equals("done")) {
                    serving = Stage.of(e);
                }
            }
            if (serving == null) {
                serving = original;
            }
        }
        if (state == null) {
            JsonNode last = events.get(events.size() - 1);
            state = switch (last.path("type").asText()) {
                case "done" -> "done";
                case "paused" -> "paused";
                case "rolled_back", "quarantined" -> "rolled_back";
                default -> "in_progress";
            };
            reason = last.path("reason").asText("");
        }
        return new RolloutHistory(source, state, reason, List.copyOf(events), original, serving);
    }

    private static String abbreviate(String s) {
        return s.length() <= 80 ? s : s.substring(0, 77) + "...";
    }

    public List<JsonNode> ofType(String type) {
        return events.stream().filter(e -> e.path("type").asText().equals(type)).toList();
    }

    /** The last event at the serving ratio that carries labeled accuracy (the figures "after"). */
    public JsonNode servingFigures() {
        JsonNode best = null;
        for (JsonNode e : events) {
            if (serving != null && e.path("ratio").asInt(-1) == serving.ratio() && e.has("accuracy")) {
                best = e;
            }
        }
        return best;
    }

    /** The gate_passed event that approved the serving stage last (its evidence is the safety figure). */
    public JsonNode lastApproval() {
        JsonNode best = null;
        for (JsonNode e : events) {
            if (serving != null && e.path("type").asText().equals("gate_passed") && e.has("n") && e.has("limit")
                    && e.path("ratio").asInt(-1) == serving.ratio()) {
                best = e;
            }
        }
        return best;
    }
}
