package io.ssmedge.agent.control;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Instant;
import java.util.Set;

/**
 * A signed configuration: {@code {"kind": "config", "version": 7, "issued_at": "…Z", "expires_at": "…Z",
 * "target": {"agent": "gw-1"} | {"group": "line3"}, "settings": {…agent.yaml sections…}, "comment": "…"}}.
 *
 * @param version   strictly increasing per fleet; a gateway never goes back to a lower one
 * @param issuedAt  when it was signed
 * @param expiresAt after this it is refused (a document held back by an attacker goes stale)
 * @param target    the gateway or group it is for
 * @param settings  the agent.yaml sections it changes (see {@link SettingsPatch})
 * @param sha256    of the signed payload: identifies this document
 */
public record ConfigDocument(long version, Instant issuedAt, Instant expiresAt, Target target, ObjectNode settings,
                             String sha256) {
    public static final String KIND = "config";
    /** JSON numbers up to 2^53 survive every JSON tool unchanged. */
    static final long MAX_VERSION = 1L << 53;

    static ConfigDocument fromJson(ObjectNode doc, String sha256) {
        try {
            Documents.onlyKeys(doc, Set.of("kind", "version", "issued_at", "expires_at", "target", "settings", "comment"));
            long version = Documents.wholeNumber(doc, "version", 1, MAX_VERSION, null);
            Instant issued = Documents.instant(doc, "issued_at");
            Instant expires = Documents.instant(doc, "expires_at");
            if (!expires.isAfter(issued)) {
                throw new IllegalArgumentException("expires_at: must be later than issued_at");
            }
            Target target = Target.fromJson(doc.get("target"));
            JsonNode s = doc.get("settings");
            if (s == null || !s.isObject()) {
                throw new IllegalArgumentException("settings: expected a section of agent.yaml settings {…}");
            }
            return new ConfigDocument(version, issued, expires, target, (ObjectNode) s, sha256);
        } catch (IllegalArgumentException e) {
            throw new Refusal(Refusal.Code.INVALID_CONTENT, e.getMessage());
        }
    }
}
