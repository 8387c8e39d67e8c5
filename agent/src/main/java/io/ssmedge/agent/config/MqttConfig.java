package io.ssmedge.agent.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;

import java.nio.file.Path;

/**
 * The broker connection (section {@code mqtt}).
 *
 * @param host                  broker host name or address
 * @param port                  broker port (1883 plain, 8883 TLS by default)
 * @param version               MQTT 5 or 3.1.1
 * @param clientId              this gateway's client id; the broker keeps the session under it (two
 *                              connections are made: clientId for sensors in, clientId-pub for predictions out)
 * @param sessionExpirySeconds  how long the broker keeps the session (subscriptions, queued QoS 1 sensor
 *                              messages) while the agent is away; MQTT 5 only (3.1.1 sessions never expire)
 * @param keepAliveSeconds      ping interval; a dead connection is noticed after 1.5× this
 * @param usernameFile          file holding the user name (one line), null for anonymous
 * @param passwordFile          file holding the password (one line)
 * @param tls                   TLS settings
 * @param maxInflight           QoS 1 predictions sent but not yet acknowledged by the broker
 * @param offlineBuffer         predictions kept in memory while the broker is unreachable (oldest dropped beyond)
 */
public record MqttConfig(String host, int port, MqttVersion version, String clientId, long sessionExpirySeconds,
                         int keepAliveSeconds, Path usernameFile, Path passwordFile, TlsConfig tls, int maxInflight,
                         int offlineBuffer) {
    public MqttConfig {
        Check.text("host", host, null);
        Check.range("port", port, 0, 1, 65535);
        Check.text("client_id", clientId, null);
        for (char c : new char[]{'/', '+', '#'}) {
            if (clientId.indexOf(c) >= 0) {
                throw new IllegalArgumentException("client_id: must not contain '" + c + "' (it is used in topic names), got '"
                        + clientId + "'");
            }
        }
        Check.range("session_expiry_seconds", sessionExpirySeconds, 0, 0, 4_294_967_295L);
        Check.range("keep_alive_seconds", keepAliveSeconds, 0, 1, 65535);
        Check.range("max_inflight", maxInflight, 0, 1, 65535);
        Check.range("offline_buffer", offlineBuffer, 0, 1, 10_000_000);
        if (usernameFile == null && passwordFile != null) {
            throw new IllegalArgumentException("username_file: needed when password_file is given");
        }
    }

    @JsonCreator
    static MqttConfig fromYaml(@JsonProperty("host") String host, @JsonProperty("port") Integer port,
                               @JsonProperty("version") MqttVersion version, @JsonProperty("client_id") String clientId,
                               @JsonProperty("session_expiry_seconds") Long sessionExpirySeconds,
                               @JsonProperty("keep_alive_seconds") Integer keepAliveSeconds,
                               @JsonProperty("username_file") Path usernameFile,
                               @JsonProperty("password_file") Path passwordFile,
                               @JsonProperty("tls") TlsConfig tls, @JsonProperty("max_inflight") Integer maxInflight,
                               @JsonProperty("offline_buffer") Integer offlineBuffer) {
        TlsConfig t = tls == null ? TlsConfig.defaults() : tls;
        return new MqttConfig(Check.text("host", host, "127.0.0.1"), port == null ? (t.enabled() ? 8883 : 1883) : port,
                version == null ? MqttVersion.V5 : version, Check.text("client_id", clientId, "ssm-edge"),
                sessionExpirySeconds == null ? 86_400 : sessionExpirySeconds, keepAliveSeconds == null ? 30 : keepAliveSeconds,
                usernameFile, passwordFile, t, maxInflight == null ? 1000 : maxInflight,
                offlineBuffer == null ? 100_000 : offlineBuffer);
    }

    public static MqttConfig defaults() {
        return fromYaml(null, null, null, null, null, null, null, null, null, null, null);
    }

    /** tcp://host:port or ssl://host:port. */
    public String serverUri() {
        String h = host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
        return (tls.enabled() ? "ssl://" : "tcp://") + h + ":" + port;
    }

    public MqttConfig withHost(String newHost) {
        return new MqttConfig(newHost, port, version, clientId, sessionExpirySeconds, keepAliveSeconds, usernameFile,
                passwordFile, tls, maxInflight, offlineBuffer);
    }

    public MqttConfig withPort(int newPort) {
        return new MqttConfig(host, newPort, version, clientId, sessionExpirySeconds, keepAliveSeconds, usernameFile,
                passwordFile, tls, maxInflight, offlineBuffer);
    }

    public MqttConfig withVersion(MqttVersion v) {
        return new MqttConfig(host, port, v, clientId, sessionExpirySeconds, keepAliveSeconds, usernameFile,
                passwordFile, tls, maxInflight, offlineBuffer);
    }

    public MqttConfig withClientId(String id) {
        return new MqttConfig(host, port, version, id, sessionExpirySeconds, keepAliveSeconds, usernameFile,
                passwordFile, tls, maxInflight, offlineBuffer);
    }

    MqttConfig resolve(Path base) {
        return new MqttConfig(host, port, version, clientId, sessionExpirySeconds, keepAliveSeconds,
                Paths.under(base, usernameFile), Paths.under(base, passwordFile), tls.resolve(base), maxInflight,
                offlineBuffer);
    }

    void checkFiles() {
        Paths.readable("username_file", usernameFile);
        Paths.readable("password_file", passwordFile);
    }
}
