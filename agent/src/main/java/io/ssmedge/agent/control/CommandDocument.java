package io.ssmedge.agent.control;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ssmedge.agent.command.CommandName;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * A signed command: {@code {"kind": "command", "command": "pause", "args": {"stream": "pump7"}, "nonce": "…",
 * "issued_at": "…Z", "target": {"agent": "gw-1"}}}. The nonce (random, 16 to 128 characters) makes each command
 * unique: a gateway carries out a nonce once, and refuses commands older than {@code control.max_command_age_seconds}.
 */
public record CommandDocument(CommandName name, Map<String, String> args, String nonce, Instant issuedAt,
                              Target target) {
    public static final String KIND = "command";

    static CommandDocument fromJson(ObjectNode doc) {
        try {
            Documents.onlyKeys(doc, Set.of("kind", "command", "args", "nonce", "issued_at", "target", "comment"));
            String wire = Documents.text(doc, "command", 1, 64);
            CommandName name = CommandName.parse(wire).orElseThrow(() -> new IllegalArgumentException(
                    "command: no command '" + Documents.printable(wire) + "'; commands: " + wires()));
            Map<String, String> args = new LinkedHashMap<>();
            JsonNode a = doc.get("args");
            if (a != null && !a.isNull()) {
                if (!a.isObject() || a.size() > 16) {
                    throw new IllegalArgumentException("args: expected {\"name\": \"value\", …} (at most 16)");
                }
                a.fields().forEachRemaining(f -> {
                    if (!f.getValue().isTextual() || f.getKey().length() > 64 || f.getValue().asText().length() > 1024) {
                        throw new IllegalArgumentException("args." + Documents.printable(f.getKey())
                                + ": expected a short text value");
                    }
                    args.put(f.getKey(), f.getValue().asText());
                });
            }
            String nonce = Documents.text(doc, "nonce", 16, 128);
            Instant issued = Documents.instant(doc, "issued_at");
            Target target = Target.fromJson(doc.get("target"));
            return new CommandDocument(name, args, nonce, issued, target);
        } catch (IllegalArgumentException e) {
            throw new Refusal(Refusal.Code.INVALID_CONTENT, e.getMessage());
        }
    }

    private static String wires() {
        StringBuilder b = new StringBuilder();
        for (CommandName c : CommandName.values()) {
            b.append(b.length() == 0 ? "" : ", ").append(c.wire());
        }
        return b.toString();
    }
}
