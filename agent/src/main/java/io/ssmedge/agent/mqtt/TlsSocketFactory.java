package io.ssmedge.agent.mqtt;

import io.ssmedge.agent.config.TlsConfig;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;

/** Builds the TLS socket factory for the broker connection from PEM files (CA, client certificate and key). */
public final class TlsSocketFactory {
    private static final char[] NO_PASSWORD = new char[0];

    private TlsSocketFactory() {
    }

    /** The factory for the config, or null when TLS is off. */
    public static SSLSocketFactory create(TlsConfig tls) {
        if (!tls.enabled()) {
            return null;
        }
        try {
            TrustManagerFactory tmf = null;
            if (tls.caFile() != null) {
                KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
                trust.load(null, null);
                int i = 0;
                for (Certificate c : certificates(tls.caFile(), "mqtt.tls.ca_file")) {
                    trust.setCertificateEntry("ca-" + i++, c);
                }
                tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                tmf.init(trust);
            }
            KeyManagerFactory kmf = null;
            if (tls.certFile() != null) {
                List<Certificate> chain = certificates(tls.certFile(), "mqtt.tls.cert_file");
                PrivateKey key = privateKey(tls.keyFile(), "mqtt.tls.key_file");
                KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
                ks.load(null, null);
                ks.setKeyEntry("client", key, NO_PASSWORD, chain.toArray(new Certificate[0]));
                kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                kmf.init(ks, NO_PASSWORD);
            }
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(kmf == null ? null : kmf.getKeyManagers(), tmf == null ? null : tmf.getTrustManagers(), null);
            return ctx.getSocketFactory();
        } catch (GeneralSecurityException | IOException e) {
            throw new MqttException("TLS setup failed: " + e.getMessage(), e);
        }
    }

    /** The X.509 certificates of a PEM file; {@code key} names the setting in messages. */
    public static List<Certificate> certificates(Path file, String key) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            Collection<? extends Certificate> cs = CertificateFactory.getInstance("X.509").generateCertificates(in);
            if (cs.isEmpty()) {
                throw new MqttException(key + ": " + file + " holds no certificate (expected PEM \"BEGIN CERTIFICATE\")");
            }
            return new ArrayList<>(cs);
        } catch (java.security.cert.CertificateException e) {
            throw new MqttException(key + ": " + file + " is not a PEM certificate: " + e.getMessage(), e);
        }
    }

    /** The private key of an unencrypted PKCS#8 PEM file; {@code key} names the setting in messages. */
    public static PrivateKey privateKey(Path file, String key) throws IOException {
        String pem = Files.readString(file, StandardCharsets.US_ASCII);
        if (pem.contains("ENCRYPTED PRIVATE KEY")) {
            throw new MqttException(key + ": " + file + " is encrypted; give the key unencrypted "
                    + "(openssl pkcs8 -topk8 -nocrypt -in KEY -out KEY.pk8) and protect the file with chmod 600");
        }
        int begin = pem.indexOf("-----BEGIN PRIVATE KEY-----");
        int end = pem.indexOf("-----END PRIVATE KEY-----");
        if (begin < 0 || end < begin) {
            throw new MqttException(key + ": " + file + " is not a PKCS#8 PEM key (\"BEGIN PRIVATE KEY\"); "
                    + "convert it with: openssl pkcs8 -topk8 -nocrypt -in KEY -out KEY.pk8");
        }
        byte[] der = Base64.getMimeDecoder().decode(pem.substring(begin + 27, end));
        for (String alg : new String[]{"RSA", "EC", "Ed25519", "EdDSA"}) {
            try {
                return KeyFactory.getInstance(alg).generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (GeneralSecurityException e) {
                // try the next algorithm
            }
        }
        throw new MqttException(key + ": " + file + ": not an RSA, EC or Ed25519 private key");
    }
}
