package io.ssmedge.agent.control;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.security.PrivateKey;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;

/**
 * What travels over MQTT: {@code {"payload": BASE64, "signatures": [{"keyid": HEX16, "sig": BASE64}]}}.
 *
 * <p>Canonical form: a signature covers exactly the bytes that {@code payload} decodes to (the document as the
 * operator signed it), nothing else. No re-serialization is involved, so key order, spaces or number formats
 * inside the document cannot change what was signed, and the envelope's own layout (key order, extra spaces) does
 * not matter. The document names its own {@code kind}, so a signed command can never pass as a configuration.
 *
 * @param payload    the signed document bytes (UTF-8 JSON)
 * @param signatures in the order received; may be empty (then refused)
 */
public record Envelope(byte[] payload, List<Sig> signatures) {
    /** One signature: the signer's key id and the 64 signature bytes. */
    public record Sig(String keyId, byte[] sig) {
    }

    public Envelope {
        signatures = List.copyOf(signatures);
    }

    /** Reads an envelope strictly: only the two keys, right types, valid base64. */
    public static Envelope parse(byte[] message) {
        ObjectNode o = ControlJson.object(message, Refusal.Code.MALFORMED, "the message");
        for (Iterator<String> it = o.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!k.equals("payload") && !k.equals("signatures")) {
                throw new Refusal(Refusal.Code.MALFORMED, "the message has an unknown key '" + k
                        + "'; a signed message holds only 'payload' and 'signatures'");
            }
        }
        JsonNode p = o.get("payload");
        if (p == null || !p.isTextual()) {
            throw new Refusal(Refusal.Code.MALFORMED, "the message has no 'payload' text (base64 of the signed document)");
        }
        byte[] payload = base64(p.asText(), "payload");
        List<Sig> sigs = new ArrayList<>();
        JsonNode s = o.get("signatures");
        if (s != null && !s.isNull()) {
            if (!s.isArray()) {
                throw new Refusal(Refusal.Code.MALFORMED, "'signatures' must be a list [{\"keyid\": …, \"sig\": …}]");
            }
            if (s.size() > 64) {
                throw new Refusal(Refusal.Code.MALFORMED, "more than 64 signatures");
            }
            for (JsonNode e : s) {
                JsonNode id = e.get("keyid");
                JsonNode sig = e.get("sig");
                if (!e.isObject() || e.size() != 2 || id == null || !id.isTextual() || sig == null || !sig.isTextual()) {
                    throw new Refusal(Refusal.Code.MALFORMED, "each signature must be {\"keyid\": TEXT, \"sig\": BASE64}");
                }
                sigs.add(new Sig(id.asText(), base64(sig.asText(), "sig")));
            }
        }
        return new Envelope(payload, sigs);
    }

    /** Signs a document with one or more keys (operator side). */
    public static Envelope sign(byte[] document, List<PrivateKey> keys, List<PublicKey> publics) {
        List<Sig> sigs = new ArrayList<>();
        for (int i = 0; i < keys.size(); i++) {
            sigs.add(new Sig(Ed25519Keys.keyId(publics.get(i)), Ed25519Keys.sign(keys.get(i), document)));
        }
        return new Envelope(document, sigs);
    }

    public byte[] toJson() {
        ObjectNode o = ControlJson.MAPPER.createObjectNode();
        o.put("payload", Base64.getEncoder().encodeToString(payload));
        ArrayNode a = o.putArray("signatures");
        for (Sig s : signatures) {
            a.addObject().put("keyid", s.keyId()).put("sig", Base64.getEncoder().encodeToString(s.sig()));
        }
        return ControlJson.bytes(o);
    }

    /** SHA-256 of the payload, hex: identifies the document. */
    public String sha256() {
        return Ed25519Keys.sha256Hex(payload);
    }

    private static byte[] base64(String s, String key) {
        try {
            return Base64.getDecoder().decode(s);
        } catch (IllegalArgumentException e) {
            throw new Refusal(Refusal.Code.MALFORMED, "'" + key + "' is not valid base64");
        }
    }
}
