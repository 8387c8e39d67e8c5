package io.ssmedge.agent.control;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.SignatureException;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;

/**
 * Ed25519 (RFC 8032) through the JDK's own provider: key generation, signing, verification, key ids and the key
 * file formats. Gateways hold public keys only; private keys stay with the operator.
 *
 * <p>Files: a private key is PEM {@code PRIVATE KEY} (PKCS#8), a public key PEM {@code PUBLIC KEY} (X.509), as
 * {@code openssl genpkey -algorithm ed25519} writes them. In JSON documents a public key is the base64 of its raw
 * 32 bytes. A key id is the first 16 hex digits of SHA-256 over those 32 raw bytes.
 */
public final class Ed25519Keys {
    static final String ALGORITHM = "Ed25519";
    /** DER prefix of an X.509 SubjectPublicKeyInfo holding an Ed25519 key (OID 1.3.101.112), RFC 8410 §4. */
    private static final byte[] X509_PREFIX = HexFormat.of().parseHex("302a300506032b6570032100");
    static final int RAW_BYTES = 32;

    private Ed25519Keys() {
    }

    public static KeyPair generate() {
        try {
            return KeyPairGenerator.getInstance(ALGORITHM).generateKeyPair();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this Java has no Ed25519 (Java 15 or newer needed)", e);
        }
    }

    /** The raw 32 key bytes (the tail of the X.509 encoding). */
    public static byte[] raw(PublicKey key) {
        byte[] enc = key.getEncoded();
        return Arrays.copyOfRange(enc, enc.length - RAW_BYTES, enc.length);
    }

    /** A public key from its raw 32 bytes; {@link IllegalArgumentException} when they are not a valid key. */
    public static PublicKey fromRaw(byte[] raw) {
        if (raw.length != RAW_BYTES) {
            throw new IllegalArgumentException("an Ed25519 public key has 32 bytes, got " + raw.length);
        }
        byte[] enc = Arrays.copyOf(X509_PREFIX, X509_PREFIX.length + RAW_BYTES);
        System.arraycopy(raw, 0, enc, X509_PREFIX.length, RAW_BYTES);
        try {
            return KeyFactory.getInstance(ALGORITHM).generatePublic(new X509EncodedKeySpec(enc));
        } catch (InvalidKeySpecException e) {
            throw new IllegalArgumentException("not an Ed25519 public key: " + e.getMessage(), e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** First 16 hex digits of SHA-256(raw public key). */
    public static String keyId(PublicKey key) {
        return HexFormat.of().formatHex(sha256(raw(key))).substring(0, 16);
    }

    public static byte[] sign(PrivateKey key, byte[] message) {
        try {
            Signature s = Signature.getInstance(ALGORITHM);
            s.initSign(key);
            s.update(message);
            return s.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot sign with this key: " + e.getMessage(), e);
        }
    }

    /** True only for a valid signature; a malformed signature is simply not valid. */
    public static boolean verify(PublicKey key, byte[] message, byte[] signature) {
        try {
            Signature s = Signature.getInstance(ALGORITHM);
            s.initVerify(key);
            s.update(message);
            return s.verify(signature);
        } catch (SignatureException | InvalidKeyException | RuntimeException e) {
            return false;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public static String sha256Hex(byte[] bytes) {
        return HexFormat.of().formatHex(sha256(bytes));
    }

    // ---- key files ----

    public static void writePrivate(Path file, PrivateKey key) throws IOException {
        Files.writeString(file, pem("PRIVATE KEY", key.getEncoded()));
    }

    public static void writePublic(Path file, PublicKey key) throws IOException {
        Files.writeString(file, pem("PUBLIC KEY", key.getEncoded()));
    }

    /** Reads a PEM private key file; the message names the file when it is not an Ed25519 private key. */
    public static PrivateKey readPrivate(Path file) {
        byte[] der = unpem(file, "PRIVATE KEY");
        try {
            return KeyFactory.getInstance(ALGORITHM).generatePrivate(new PKCS8EncodedKeySpec(der));
        } catch (InvalidKeySpecException e) {
            throw new IllegalArgumentException(file + ": not an Ed25519 private key (" + e.getMessage() + ")", e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public static PublicKey readPublic(Path file) {
        byte[] der = unpem(file, "PUBLIC KEY");
        try {
            return KeyFactory.getInstance(ALGORITHM).generatePublic(new X509EncodedKeySpec(der));
        } catch (InvalidKeySpecException e) {
            throw new IllegalArgumentException(file + ": not an Ed25519 public key (" + e.getMessage() + ")", e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(der) + "\n-----END " + type + "-----\n";
    }

    private static byte[] unpem(Path file, String type) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new IllegalArgumentException(file + ": cannot read: " + e.getMessage(), e);
        }
        String begin = "-----BEGIN " + type + "-----";
        String end = "-----END " + type + "-----";
        int b = text.indexOf(begin);
        int e = text.indexOf(end);
        if (b < 0 || e < b) {
            throw new IllegalArgumentException(file + ": expected a PEM file with '" + begin + "'");
        }
        try {
            return Base64.getMimeDecoder().decode(text.substring(b + begin.length(), e));
        } catch (IllegalArgumentException ex) {
            throw new IllegalArgumentException(file + ": the PEM body is not base64", ex);
        }
    }
}
