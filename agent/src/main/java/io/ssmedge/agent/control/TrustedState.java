package io.ssmedge.agent.control;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the gateway must remember to stay safe, kept apart from any configuration's contents (no configuration can
 * write it): the trusted keys, per target the highest configuration version taken and the hash of that document,
 * which configuration is applied (and the one before), and the command nonces seen. Immutable; each change makes a
 * new state that {@link TrustedStateStore} writes atomically before the change is acknowledged.
 *
 * @param keys       the trusted key set
 * @param highest    target key ({@code agent:gw-1}, {@code group:line3}) → highest version taken from it
 * @param seen       target key → SHA-256 of the document of that version (a redelivery is ignored)
 * @param applied    the configuration in force, or null (the local agent.yaml alone)
 * @param previous   the configuration before it, or null
 * @param nonces     command nonce → its issued_at, for nonces younger than the maximum command age
 * @param nonceFloor commands issued before this are refused (raised when old nonces are forgotten)
 */
public record TrustedState(TrustedKeys keys, Map<String, Long> highest, Map<String, String> seen, Applied applied,
                           Applied previous, Map<String, Instant> nonces, Instant nonceFloor) {
    /** Remembered at most; beyond that the oldest are forgotten and the floor moves up to them. */
    static final int MAX_NONCES = 10_000;

    /** One applied configuration: its version, target and document hash. */
    public record Applied(long version, Target target, String sha256, Instant appliedAt) {
        ObjectNode toJson() {
            ObjectNode o = ControlJson.MAPPER.createObjectNode();
            o.put("version", version);
            o.set("target", target.toJson());
            o.put("sha256", sha256);
            o.put("applied_at", appliedAt.toString());
            return o;
        }

        static Applied fromJson(JsonNode o) {
            if (o == null || o.isNull()) {
                return null;
            }
            return new Applied(o.get("version").asLong(), Target.fromJson(o.get("target")), o.get("sha256").asText(),
                    Instant.parse(o.get("applied_at").asText()));
        }
    }

    public TrustedState {
        highest = Collections.unmodifiableMap(new TreeMap<>(highest));
        seen = Collections.unmodifiableMap(new TreeMap<>(seen));
        nonces = Collections.unmodifiableMap(new LinkedHashMap<>(nonces));
    }

    static TrustedState initial(TrustedKeys keys) {
        return new TrustedState(keys, Map.of(), Map.of(), null, null, Map.of(), Instant.EPOCH);
    }

    TrustedState withKeys(TrustedKeys k) {
        return new TrustedState(k, highest, seen, applied, previous, nonces, nonceFloor);
    }

    /** A configuration was taken: it is in force now, its version is the target's highest. */
    TrustedState withApplied(ConfigDocument d, Instant now) {
        Map<String, Long> h = new TreeMap<>(highest);
        h.put(d.target().key(), d.version());
        Map<String, String> s = new TreeMap<>(seen);
        s.put(d.target().key(), d.sha256());
        return new TrustedState(keys, h, s, new Applied(d.version(), d.target(), d.sha256(), now), applied, nonces,
                nonceFloor);
    }

    /** The configuration could not be started: the previous one is in force again, the version stays used. */
    TrustedState withAppliedReverted(Applied back, Applied before) {
        return new TrustedState(keys, highest, seen, back, before, nonces, nonceFloor);
    }

    /** A command nonce was used; nonces older than {@code maxAgeStart} are forgotten. */
    TrustedState withNonce(String nonce, Instant issued, Instant forgetBefore) {
        Map<String, Instant> n = new LinkedHashMap<>();
        nonces.forEach((k, v) -> {
            if (!v.isBefore(forgetBefore)) {
                n.put(k, v);
            }
        });
        n.put(nonce, issued);
        Instant floor = nonceFloor;
        while (n.size() > MAX_NONCES) {
            String oldest = n.entrySet().stream().min(Map.Entry.comparingByValue()).orElseThrow().getKey();
            Instant t = n.remove(oldest);
            floor = t.isAfter(floor) ? t : floor;
        }
        return new TrustedState(keys, highest, seen, applied, previous, n, floor);
    }

    ObjectNode toJson() {
        ObjectNode o = ControlJson.MAPPER.createObjectNode();
        o.put("format", 1);
        o.set("keys", keys.toJson());
        ObjectNode h = o.putObject("highest_version");
        highest.forEach(h::put);
        ObjectNode s = o.putObject("document_sha256");
        seen.forEach(s::put);
        o.set("applied", applied == null ? null : applied.toJson());
        o.set("previous", previous == null ? null : previous.toJson());
        ObjectNode n = o.putObject("nonces");
        nonces.forEach((k, v) -> n.put(k, v.toString()));
        o.put("nonce_floor", nonceFloor.toString());
        return o;
    }

    static TrustedState fromJson(JsonNode o) {
        TrustedKeys keys = TrustedKeys.fromJson(o.get("keys"));
        Map<String, Long> h = new TreeMap<>();
        o.get("highest_version").fields().forEachRemaining(e -> h.put(e.getKey(), e.getValue().asLong()));
        Map<String, String> s = new TreeMap<>();
        o.get("document_sha256").fields().forEachRemaining(e -> s.put(e.getKey(), e.getValue().asText()));
        Map<String, Instant> n = new LinkedHashMap<>();
        o.get("nonces").fields().forEachRemaining(e -> n.put(e.getKey(), Instant.parse(e.getValue().asText())));
        return new TrustedState(keys, h, s, Applied.fromJson(o.get("applied")), Applied.fromJson(o.get("previous")), n,
                Instant.parse(o.get("nonce_floor").asText()));
    }
}
