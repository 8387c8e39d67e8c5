package io.ssmedge.agent.control;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.security.PublicKey;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The public keys a gateway accepts and how many of them must sign a document (threshold), with the version of
 * this key set. JSON: {@code {"kind": "trusted-keys", "version": 1, "threshold": 1,
 * "keys": [{"keyid": "…", "public_key": "BASE64 of the 32 raw bytes"}]}} ({@code keyid} optional; when given it
 * must match the key).
 *
 * <p>Rule (threshold signatures): a document is trusted when at least {@code threshold} distinct keys of this set
 * produced a valid Ed25519 signature over its exact payload bytes. A key set is replaced only by a newer version
 * that the current set signs this way (the "previous root" signs the next), so a gateway can be moved to new
 * keys remotely and the old keys stop working at once.
 */
public record TrustedKeys(long version, int threshold, Map<String, PublicKey> keys) {
    public static final String KIND = "trusted-keys";

    public TrustedKeys {
        keys = Collections.unmodifiableMap(new LinkedHashMap<>(keys));
        if (keys.isEmpty()) {
            throw new IllegalArgumentException("keys: at least one key is needed");
        }
        if (threshold < 1 || threshold > keys.size()) {
            throw new IllegalArgumentException("threshold: expected a whole number from 1 to " + keys.size()
                    + " (the number of keys), got " + threshold);
        }
        if (version < 0) {
            throw new IllegalArgumentException("version: expected a whole number of at least 0, got " + version);
        }
    }

    /** Reads the JSON form; {@link IllegalArgumentException} naming the key when something is wrong. */
    public static TrustedKeys fromJson(JsonNode o) {
        if (!o.isObject()) {
            throw new IllegalArgumentException("expected a JSON object");
        }
        Set<String> allowed = Set.of("kind", "version", "threshold", "keys", "issued_at", "comment");
        for (Iterator<String> it = o.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!allowed.contains(k)) {
                throw new IllegalArgumentException(k + ": unknown key; valid keys are " + new java.util.TreeSet<>(allowed));
            }
        }
        if (!KIND.equals(o.path("kind").asText(null))) {
            throw new IllegalArgumentException("kind: expected \"" + KIND + "\"");
        }
        long version = Documents.wholeNumber(o, "version", 0, Long.MAX_VALUE / 2, 0L);
        int threshold = (int) Documents.wholeNumber(o, "threshold", 1, 64, 1L);
        JsonNode ks = o.get("keys");
        if (ks == null || !ks.isArray()) {
            throw new IllegalArgumentException("keys: expected a list [{\"public_key\": BASE64}, …]");
        }
        if (ks.size() > 64) {
            throw new IllegalArgumentException("keys: at most 64 keys, got " + ks.size());
        }
        Map<String, PublicKey> keys = new LinkedHashMap<>();
        for (int i = 0; i < ks.size(); i++) {
            JsonNode k = ks.get(i);
            JsonNode pk = k.get("public_key");
            if (!k.isObject() || pk == null || !pk.isTextual()) {
                throw new IllegalArgumentException("keys[" + i + "].public_key: expected the base64 of a 32-byte Ed25519 key");
            }
            PublicKey key;
            try {
                key = Ed25519Keys.fromRaw(Base64.getDecoder().decode(pk.asText()));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("keys[" + i + "].public_key: " + e.getMessage());
            }
            String id = Ed25519Keys.keyId(key);
            JsonNode given = k.get("keyid");
            if (given != null && !id.equals(given.asText())) {
                throw new IllegalArgumentException("keys[" + i + "].keyid: the key's id is " + id + ", the file says "
                        + given.asText());
            }
            if (keys.put(id, key) != null) {
                throw new IllegalArgumentException("keys[" + i + "]: key " + id + " is listed twice");
            }
        }
        return new TrustedKeys(version, threshold, keys);
    }

    public ObjectNode toJson() {
        ObjectNode o = ControlJson.MAPPER.createObjectNode();
        o.put("kind", KIND);
        o.put("version", version);
        o.put("threshold", threshold);
        ArrayNode a = o.putArray("keys");
        keys.forEach((id, k) -> a.addObject().put("keyid", id)
                .put("public_key", Base64.getEncoder().encodeToString(Ed25519Keys.raw(k))));
        return o;
    }

    /**
     * Checks an envelope's signatures against this key set.
     *
     * @return the ids of the keys whose valid signatures made the threshold
     * @throws Refusal no signature, unknown key (none of the signers is trusted), bad signature (a trusted key's
     *                 signature does not verify: the document was changed or forged), not enough signatures
     */
    public List<String> verify(Envelope e) {
        if (e.signatures().isEmpty()) {
            throw new Refusal(Refusal.Code.NO_SIGNATURE, "the document is not signed");
        }
        Set<String> valid = new LinkedHashSet<>();
        List<String> unknown = new ArrayList<>();
        List<String> bad = new ArrayList<>();
        for (Envelope.Sig s : e.signatures()) {
            PublicKey k = keys.get(s.keyId());
            if (k == null) {
                unknown.add(s.keyId());
            } else if (Ed25519Keys.verify(k, e.payload(), s.sig())) {
                valid.add(s.keyId()); // a key counts once, however often its signature is repeated
            } else {
                bad.add(s.keyId());
            }
        }
        if (!bad.isEmpty()) {
            throw new Refusal(Refusal.Code.BAD_SIGNATURE, "the signature of key " + printable(bad.get(0))
                    + " does not match the document (changed after signing, or forged)");
        }
        if (valid.isEmpty()) {
            throw new Refusal(Refusal.Code.UNKNOWN_KEY, "signed by key " + printable(unknown.get(0))
                    + ", which this gateway does not trust (trusted: " + String.join(", ", keys.keySet()) + ")");
        }
        if (valid.size() < threshold) {
            throw new Refusal(Refusal.Code.NOT_ENOUGH_SIGNATURES, "signed by " + valid.size() + " trusted key"
                    + (valid.size() == 1 ? "" : "s") + ", " + threshold + " needed");
        }
        return List.copyOf(valid);
    }

    private static String printable(String keyId) {
        String s = keyId.length() > 32 ? keyId.substring(0, 32) + "…" : keyId;
        return s.replaceAll("[^A-Za-z0-9._:-]", "?");
    }
}
