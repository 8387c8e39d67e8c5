package io.ssmedge.agent.control;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ssmedge.SsmEdgeException;
import io.ssmedge.agent.config.AgentConfig;
import io.ssmedge.agent.config.ConfigLoader;
import io.ssmedge.agent.daemon.Agent;

import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * What a configuration may change, and how: its {@code settings} are agent.yaml sections, laid over the gateway's
 * own agent.yaml as a JSON merge patch (RFC 7386): a key given replaces the local value, {@code null} removes it
 * (the default applies), a key left out keeps the local value. The base is always the local file, never the
 * previous remote configuration, so a document means the same whatever came before it.
 *
 * <p>Allowed sections: {@value #ALLOWED_TEXT}. Never from the network: {@code mqtt} (broker, credentials, TLS
 * files), {@code http}, {@code metrics}, {@code control} (keys, groups, data dir),
 * nor {@code rollout.data_dir}.
 *
 * <p>{@code model.path} other than {@code embedded:…} needs {@code model.sha256}: the SHA-256 of the model folder
 * (see {@link ModelStore#folderHash}); the gateway runs a verified copy kept in its data dir.
 */
final class SettingsPatch {
    /** {@code rollout} is taken once agent.yaml has that section (until then agent.yaml's check refuses it). */
    static final List<String> ALLOWED = List.of("model", "topics", "payload", "workers", "labels", "rollout");
    static final String ALLOWED_TEXT = "model, topics, payload, workers, labels, rollout";
    private static final Pattern HEX64 = Pattern.compile("[0-9a-f]{64}");

    private SettingsPatch() {
    }

    /**
     * The agent config a document leads to, checked completely: the same checks and messages as agent.yaml,
     * then the model is loaded and the windowing checked against it.
     *
     * @throws Refusal invalid content (naming the key) or a model that does not match its hash
     */
    static AgentConfig effective(JsonNode localTree, Path base, String source, ObjectNode settings, ModelStore models) {
        ObjectNode patch = settings.deepCopy();
        for (Iterator<String> it = patch.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!ALLOWED.contains(k)) {
                throw new Refusal(Refusal.Code.INVALID_CONTENT, source + ": settings." + Documents.printable(k)
                        + ": cannot be set remotely (only in the gateway's own agent.yaml); sections a configuration "
                        + "may hold: " + ALLOWED_TEXT);
            }
        }
        JsonNode rollout = patch.get("rollout");
        if (rollout != null && rollout.has("data_dir")) { // where the gateway writes is its own agent.yaml's business
            throw new Refusal(Refusal.Code.INVALID_CONTENT, source + ": settings.rollout.data_dir: cannot be set "
                    + "remotely (the rollout keeps its state in the gateway's data_dir)");
        }
        JsonNode model = patch.get("model");
        if (model != null && model.isObject()) {
            resolveModel(source, (ObjectNode) model, models);
        }
        JsonNode merged = mergePatch(localTree.deepCopy(), patch);
        AgentConfig cfg;
        try {
            cfg = ConfigLoader.fromTree(source, merged, base);
        } catch (SsmEdgeException | IllegalArgumentException e) {
            throw new Refusal(Refusal.Code.INVALID_CONTENT, e.getMessage());
        }
        try {
            Agent.describe(cfg); // loads the model and checks the windowing against it
        } catch (SsmEdgeException | IllegalArgumentException | java.io.UncheckedIOException e) {
            throw new Refusal(Refusal.Code.INVALID_CONTENT, source + ": " + e.getMessage());
        }
        return cfg;
    }

    /** model.sha256 is ours, not agent.yaml's: check it, verify the folder, and point model.path at the copy. */
    private static void resolveModel(String source, ObjectNode model, ModelStore models) {
        JsonNode sha = model.remove("sha256");
        JsonNode topic = model.remove("topic");
        JsonNode path = model.get("path");
        if (topic != null && !topic.isNull()) {
            if (path != null && !path.isNull()) {
                throw new Refusal(Refusal.Code.INVALID_CONTENT, source + ": settings.model: give path or topic, not both");
            }
            if (!topic.isTextual() || topic.asText().isEmpty() || topic.asText().contains("+")
                    || topic.asText().contains("#") || topic.asText().length() > 256) {
                throw new Refusal(Refusal.Code.INVALID_CONTENT, source + ": settings.model.topic: expected the topic the "
                        + "model was published on (ssm-edge model publish), without '+' or '#'");
            }
            if (sha == null || !sha.isTextual() || !HEX64.matcher(sha.asText()).matches()) {
                throw new Refusal(Refusal.Code.INVALID_CONTENT, source + ": settings.model.sha256: required with "
                        + "model.topic (64 lower-case hex digits)");
            }
            Path have = models.deliveredOrNull(sha.asText());
            if (have == null) {
                throw new ModelPending(topic.asText(), sha.asText());
            }
            model.put("path", have.toString());
            return;
        }
        boolean embedded = path != null && path.isTextual() && path.asText().startsWith("embedded:");
        if (sha == null || sha.isNull()) {
            if (path != null && !path.isNull() && !embedded) {
                throw new Refusal(Refusal.Code.INVALID_CONTENT, source + ": settings.model.sha256: required with "
                        + "model.path (the SHA-256 of the model folder: ssm-edge config model-hash FOLDER)");
            }
            return;
        }
        if (!sha.isTextual() || !HEX64.matcher(sha.asText()).matches()) {
            throw new Refusal(Refusal.Code.INVALID_CONTENT, source + ": settings.model.sha256: expected 64 lower-case "
                    + "hex digits");
        }
        if (embedded) {
            throw new Refusal(Refusal.Code.INVALID_CONTENT, source + ": settings.model.sha256: not used with an "
                    + "embedded model; leave it out");
        }
        Path verified = path == null || path.isNull() ? models.delivered(sha.asText())
                : models.verifiedCopy(Path.of(path.asText()), sha.asText());
        model.put("path", verified.toString());
    }

    /** RFC 7386 §2 MergePatch(Target, Patch). */
    static JsonNode mergePatch(JsonNode target, JsonNode patch) {
        if (!patch.isObject()) {
            return patch.deepCopy();
        }
        ObjectNode t = target != null && target.isObject() ? (ObjectNode) target : ControlJson.MAPPER.createObjectNode();
        for (Iterator<Map.Entry<String, JsonNode>> it = patch.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getValue().isNull()) {
                t.remove(e.getKey());
            } else {
                t.set(e.getKey(), mergePatch(t.get(e.getKey()), e.getValue()));
            }
        }
        return t;
    }
}
