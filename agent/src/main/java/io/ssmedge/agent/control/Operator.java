package io.ssmedge.agent.control;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ssmedge.agent.command.CommandName;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * The operator's side of the remote control (used by the {@code ssm-edge keys|config|command} commands): making
 * keys, checking and signing documents, reading acknowledgements. Private keys never leave the operator's machine.
 */
public final class Operator {
    private Operator() {
    }

    /** A signing key pair as files: NAME.key (private, PEM, owner-only) and NAME.pub (public, PEM). */
    public record KeyFiles(Path privateKey, Path publicKey, String keyId) {
    }

    /** What {@link #sign} produced: the envelope and what the document says. */
    public record Signed(byte[] envelope, String kind, long version, String target, List<String> keyIds) {
    }

    public static KeyFiles generate(Path dir, String name) throws IOException {
        Files.createDirectories(dir);
        Path priv = dir.resolve(name + ".key");
        Path pub = dir.resolve(name + ".pub");
        if (Files.exists(priv)) {
            throw new IllegalArgumentException(priv + ": exists already; choose another --name or folder");
        }
        KeyPair kp = Ed25519Keys.generate();
        Files.createFile(priv);
        try {
            Files.setPosixFilePermissions(priv, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system: protect the file by other means
        }
        Ed25519Keys.writePrivate(priv, kp.getPrivate());
        Ed25519Keys.writePublic(pub, kp.getPublic());
        return new KeyFiles(priv, pub, Ed25519Keys.keyId(kp.getPublic()));
    }

    /** A trusted keys document listing these public key files (unsigned: sign it with the current key to rotate). */
    public static byte[] trustedKeys(List<Path> publicKeys, int threshold, long version) {
        java.util.Map<String, PublicKey> keys = new java.util.LinkedHashMap<>();
        for (Path p : publicKeys) {
            PublicKey k = Ed25519Keys.readPublic(p);
            keys.put(Ed25519Keys.keyId(k), k);
        }
        ObjectNode o = new TrustedKeys(version, threshold, keys).toJson();
        return (ControlJson.pretty(o) + "\n").getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Checks a document the way a gateway will (kind, version, target, times; settings are checked by the
     * gateway against its own agent.yaml), fills in {@code issued_at} (now) and {@code expires_at} (now +
     * validFor) when missing, and signs it with each key (KEY.key with KEY.pub beside it).
     */
    public static Signed sign(byte[] document, List<Path> privateKeys, Duration validFor, Instant now) {
        ObjectNode doc;
        try {
            doc = ControlJson.object(document, Refusal.Code.MALFORMED, "the document");
        } catch (Refusal r) {
            throw new IllegalArgumentException(r.getMessage());
        }
        String kind = doc.path("kind").asText("");
        boolean filled = false;
        if (kind.equals(ConfigDocument.KIND) || kind.equals(CommandDocument.KIND)) {
            if (!doc.has("issued_at")) {
                doc.put("issued_at", now.toString());
                filled = true;
            }
        }
        if (kind.equals(ConfigDocument.KIND) && !doc.has("expires_at")) {
            doc.put("expires_at", now.plus(validFor).toString());
            filled = true;
        }
        byte[] payload = filled ? (ControlJson.pretty(doc) + "\n").getBytes(StandardCharsets.UTF_8) : document;
        long version;
        String target;
        try {
            switch (kind) {
                case ConfigDocument.KIND: {
                    ConfigDocument d = ConfigDocument.fromJson(doc, "");
                    version = d.version();
                    target = d.target().toString();
                    break;
                }
                case CommandDocument.KIND: {
                    CommandDocument c = CommandDocument.fromJson(doc);
                    version = -1;
                    target = c.target().toString();
                    break;
                }
                case TrustedKeys.KIND:
                    version = TrustedKeys.fromJson(doc).version();
                    target = "every gateway that trusts the signing keys";
                    break;
                default:
                    throw new IllegalArgumentException("kind: expected \"config\", \"command\" or \"trusted-keys\", got '"
                            + Documents.printable(kind) + "'");
            }
        } catch (Refusal r) {
            throw new IllegalArgumentException(r.getMessage());
        }
        List<PrivateKey> privs = new ArrayList<>();
        List<PublicKey> pubs = new ArrayList<>();
        for (Path k : privateKeys) {
            privs.add(Ed25519Keys.readPrivate(k));
            Path pub = publicBeside(k);
            pubs.add(Ed25519Keys.readPublic(pub));
        }
        Envelope e = Envelope.sign(payload, privs, pubs);
        for (int i = 0; i < privs.size(); i++) {
            if (!Ed25519Keys.verify(pubs.get(i), payload, e.signatures().get(i).sig())) {
                throw new IllegalArgumentException(privateKeys.get(i) + " and " + publicBeside(privateKeys.get(i))
                        + " are not one key pair");
            }
        }
        return new Signed(e.toJson(), kind, version, target, e.signatures().stream().map(Envelope.Sig::keyId).toList());
    }

    /** A command document: random nonce, issued now. */
    public static byte[] command(CommandName name, Map<String, String> args, Target target, Instant now) {
        ObjectNode o = ControlJson.MAPPER.createObjectNode();
        o.put("kind", CommandDocument.KIND);
        o.put("command", name.wire());
        ObjectNode a = o.putObject("args");
        args.forEach(a::put);
        byte[] nonce = new byte[16];
        new SecureRandom().nextBytes(nonce);
        o.put("nonce", HexFormat.of().formatHex(nonce));
        o.put("issued_at", now.toString());
        o.set("target", target.toJson());
        return ControlJson.bytes(o);
    }

    /** The kind ({@code config}, {@code command}, {@code trusted-keys}) and fields of a signed file, unverified. */
    public static ObjectNode peek(byte[] envelope) {
        try {
            return ControlJson.object(Envelope.parse(envelope).payload(), Refusal.Code.MALFORMED, "the signed document");
        } catch (Refusal r) {
            throw new IllegalArgumentException(r.getMessage());
        }
    }

    public static JsonNode readJson(byte[] bytes) {
        try {
            return ControlJson.object(bytes, Refusal.Code.MALFORMED, "the message");
        } catch (Refusal r) {
            return null;
        }
    }

    static Path publicBeside(Path privateKey) {
        String n = privateKey.getFileName().toString();
        Path pub = privateKey.resolveSibling((n.endsWith(".key") ? n.substring(0, n.length() - 4) : n) + ".pub");
        if (!Files.isReadable(pub)) {
            throw new IllegalArgumentException(pub + ": the public key must lie beside the private key " + privateKey
                    + " (ssm-edge keys generate writes both)");
        }
        return pub;
    }
}
