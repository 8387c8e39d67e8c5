package io.ssmedge.agent.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;

import java.nio.file.Path;

/**
 * Section {@code broker}: whether the agent runs its own MQTT broker. With mode {@code embedded} the broker listens
 * on {@code bind}:{@code mqtt.port} and the agent connects to it through section {@code mqtt} as to any broker
 * (so {@code mqtt.host} 127.0.0.1 reaches a broker bound to 127.0.0.1 or 0.0.0.0).
 *
 * @param mode         external (the plant's broker) or embedded
 * @param bind         address the embedded broker listens on; 127.0.0.1 = only this machine
 * @param usersFile    "user:password" lines; when given, every client must log in as one of them (the agent with
 *                     mqtt.username_file/password_file); null = anonymous clients allowed
 * @param certFile     the embedded broker's TLS certificate (PEM); given = the broker speaks only TLS
 *                     (then mqtt.tls.enabled must be true)
 * @param keyFile      its private key, unencrypted PKCS#8 PEM
 * @param clientCaFile when given, clients must show a certificate signed by this CA (PEM)
 * @param dataDir      folder where sessions and queued messages are kept across restarts: {@code <data_dir>/broker}
 *                     ({@link AgentConfig#withDataFolders}; the deprecated {@code broker.data_dir} key overrides it);
 *                     null = in memory (no data_dir)
 */
public record BrokerConfig(BrokerMode mode, String bind, Path usersFile, Path certFile, Path keyFile, Path clientCaFile,
                           Path dataDir) {
    public BrokerConfig {
        if (mode == null) {
            throw new IllegalArgumentException("mode: expected external or embedded");
        }
        Check.text("bind", bind, null);
        if ((certFile == null) != (keyFile == null)) {
            throw new IllegalArgumentException("cert_file, key_file: give both (the broker's certificate and its key) "
                    + "or neither");
        }
        if (clientCaFile != null && certFile == null) {
            throw new IllegalArgumentException("client_ca_file: client certificates need TLS; give cert_file and "
                    + "key_file too");
        }
    }

    @JsonCreator
    static BrokerConfig fromYaml(@JsonProperty("mode") BrokerMode mode, @JsonProperty("bind") String bind,
                                 @JsonProperty("users_file") Path usersFile, @JsonProperty("cert_file") Path certFile,
                                 @JsonProperty("key_file") Path keyFile,
                                 @JsonProperty("client_ca_file") Path clientCaFile,
                                 @JsonProperty("data_dir") Path dataDir) {
        return new BrokerConfig(mode == null ? BrokerMode.EXTERNAL : mode, Check.text("bind", bind, "127.0.0.1"),
                usersFile, certFile, keyFile, clientCaFile, dataDir);
    }

    public static BrokerConfig defaults() {
        return fromYaml(null, null, null, null, null, null, null);
    }

    /** An embedded broker on loopback, anonymous, in memory. */
    public static BrokerConfig embeddedOnLoopback() {
        return defaults().withMode(BrokerMode.EMBEDDED);
    }

    public boolean embedded() {
        return mode == BrokerMode.EMBEDDED;
    }

    public boolean tls() {
        return certFile != null;
    }

    public BrokerConfig withMode(BrokerMode m) {
        return new BrokerConfig(m, bind, usersFile, certFile, keyFile, clientCaFile, dataDir);
    }

    public BrokerConfig withDataDir(Path dir) {
        return new BrokerConfig(mode, bind, usersFile, certFile, keyFile, clientCaFile, dir);
    }

    BrokerConfig resolve(Path base) {
        return new BrokerConfig(mode, bind, Paths.under(base, usersFile), Paths.under(base, certFile),
                Paths.under(base, keyFile), Paths.under(base, clientCaFile), Paths.under(base, dataDir));
    }

    void checkFiles() {
        Paths.readable("users_file", usersFile);
        Paths.readable("cert_file", certFile);
        Paths.readable("key_file", keyFile);
        Paths.readable("client_ca_file", clientCaFile);
    }
}
