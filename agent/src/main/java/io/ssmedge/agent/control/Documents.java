package io.ssmedge.agent.control;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Iterator;
import java.util.Set;
import java.util.TreeSet;

/** Reading the fields every signed document shares; each failure names the key. */
final class Documents {
    private Documents() {
    }

    /** Opens an envelope: signatures first (nothing of an untrusted document is believed), then the JSON. */
    static ObjectNode open(Envelope e, TrustedKeys keys, String kind) {
        keys.verify(e);
        ObjectNode doc = ControlJson.object(e.payload(), Refusal.Code.MALFORMED, "the signed document");
        String k = doc.path("kind").asText("");
        if (!kind.equals(k)) {
            throw new Refusal(Refusal.Code.WRONG_KIND, "a '" + printable(k) + "' document arrived where a '" + kind
                    + "' document belongs");
        }
        return doc;
    }

    /** Best effort, for the acknowledgement of a refused document: its claimed version, or -1. */
    static long claimedVersion(byte[] message) {
        try {
            Envelope e = Envelope.parse(message);
            JsonNode v = ControlJson.object(e.payload(), Refusal.Code.MALFORMED, "document").get("version");
            return v != null && v.canConvertToLong() && v.isIntegralNumber() ? v.asLong() : -1;
        } catch (RuntimeException ex) {
            return -1;
        }
    }

    /** Best effort, for the acknowledgement of a refused command: its claimed nonce, or null. */
    static String claimedNonce(byte[] message) {
        try {
            JsonNode v = ControlJson.object(Envelope.parse(message).payload(), Refusal.Code.MALFORMED, "document")
                    .get("nonce");
            return v != null && v.isTextual() ? printable(v.asText()) : null;
        } catch (RuntimeException ex) {
            return null;
        }
    }

    static void onlyKeys(JsonNode o, Set<String> allowed) {
        for (Iterator<String> it = o.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!allowed.contains(k)) {
                throw new IllegalArgumentException(printable(k) + ": unknown key; valid keys at the top level are "
                        + String.join(", ", new TreeSet<>(allowed)));
            }
        }
    }

    static long wholeNumber(JsonNode o, String key, long min, long max, Long dflt) {
        JsonNode v = o.get(key);
        if (v == null || v.isNull()) {
            if (dflt == null) {
                throw new IllegalArgumentException(key + ": required");
            }
            return dflt;
        }
        if (!v.isIntegralNumber() || !v.canConvertToLong() || v.asLong() < min || v.asLong() > max) {
            throw new IllegalArgumentException(key + ": expected a whole number from " + min + " to " + max + ", got "
                    + printable(v.toString()));
        }
        return v.asLong();
    }

    static Instant instant(JsonNode o, String key) {
        JsonNode v = o.get(key);
        if (v == null || !v.isTextual()) {
            throw new IllegalArgumentException(key + ": required, a UTC time like 2026-12-01T17:00:00Z");
        }
        try {
            return Instant.parse(v.asText());
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(key + ": expected a UTC time like 2026-12-01T17:00:00Z, got '"
                    + printable(v.asText()) + "'");
        }
    }

    static String text(JsonNode o, String key, int min, int max) {
        JsonNode v = o.get(key);
        if (v == null || !v.isTextual() || v.asText().length() < min || v.asText().length() > max) {
            throw new IllegalArgumentException(key + ": expected a text of " + min + " to " + max + " characters");
        }
        return v.asText();
    }

    /** A hostile document's text may show up in logs and acks: keep it short and printable. */
    static String printable(String s) {
        String t = s.length() > 64 ? s.substring(0, 64) + "…" : s;
        return t.replaceAll("[\\p{Cntrl}]", "?");
    }
}
