package io.ssmedge.agent.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;

import java.nio.file.Path;

/**
 * TLS to the broker (section {@code mqtt.tls}); PEM files.
 *
 * @param enabled  connect with TLS (ssl://)
 * @param caFile   CA certificate(s) that signed the broker's certificate; null = the JVM's trusted CAs
 * @param certFile this gateway's client certificate (with keyFile), null for no client certificate
 * @param keyFile  the client certificate's private key, unencrypted PKCS#8 PEM ("BEGIN PRIVATE KEY")
 */
public record TlsConfig(boolean enabled, Path caFile, Path certFile, Path keyFile) {
    public TlsConfig {
        if ((certFile == null) != (keyFile == null)) {
            throw new IllegalArgumentException("cert_file, key_file: give both (client certificate and its key) or neither");
        }
    }

    @JsonCreator
    static TlsConfig fromYaml(@JsonProperty("enabled") Boolean enabled, @JsonProperty("ca_file") Path caFile,
                              @JsonProperty("cert_file") Path certFile, @JsonProperty("key_file") Path keyFile) {
        return new TlsConfig(enabled != null && enabled, caFile, certFile, keyFile);
    }

    public static TlsConfig defaults() {
        return new TlsConfig(false, null, null, null);
    }

    TlsConfig resolve(Path base) {
        return new TlsConfig(enabled, Paths.under(base, caFile), Paths.under(base, certFile), Paths.under(base, keyFile));
    }

    void checkFiles() {
        Paths.readable("ca_file", caFile);
        Paths.readable("cert_file", certFile);
        Paths.readable("key_file", keyFile);
    }
}
