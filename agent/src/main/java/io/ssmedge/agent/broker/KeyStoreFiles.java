package io.ssmedge.agent.broker;

import io.ssmedge.agent.mqtt.TlsSocketFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.util.HexFormat;
import java.util.List;

/**
 * Artemis reads its TLS identity from key store files: the PEM certificate and key (and the client CA) are copied
 * into PKCS#12 files in the broker's private work folder (owner-only), under a password made up for this run.
 */
final class KeyStoreFiles {
    /** Paths of the written stores and the password of both. */
    record Stores(Path keyStore, Path trustStore, String password) {
    }

    private KeyStoreFiles() {
    }

    static Stores write(ServerTls tls, Path dir, String name) {
        byte[] secret = new byte[18];
        new SecureRandom().nextBytes(secret);
        String password = HexFormat.of().formatHex(secret);
        try {
            List<Certificate> chain = TlsSocketFactory.certificates(tls.certFile(), "broker.cert_file");
            PrivateKey key = TlsSocketFactory.privateKey(tls.keyFile(), "broker.key_file");
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            ks.setKeyEntry("broker", key, password.toCharArray(), chain.toArray(new Certificate[0]));
            Path keyStore = store(ks, dir.resolve(name + "-key.p12"), password);
            Path trustStore = null;
            if (tls.clientCaFile() != null) {
                KeyStore ts = KeyStore.getInstance("PKCS12");
                ts.load(null, null);
                int i = 0;
                for (Certificate c : TlsSocketFactory.certificates(tls.clientCaFile(), "broker.client_ca_file")) {
                    ts.setCertificateEntry("client-ca-" + i++, c);
                }
                trustStore = store(ts, dir.resolve(name + "-trust.p12"), password);
            }
            return new Stores(keyStore, trustStore, password);
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            throw new BrokerException("embedded broker TLS: " + e.getMessage(), e);
        }
    }

    private static Path store(KeyStore ks, Path file, String password) throws IOException, GeneralSecurityException {
        Files.deleteIfExists(file);
        Files.createFile(file, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
        try (OutputStream out = Files.newOutputStream(file)) {
            ks.store(out, password.toCharArray());
        }
        return file;
    }
}
