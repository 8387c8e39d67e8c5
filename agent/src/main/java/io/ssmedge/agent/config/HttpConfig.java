package io.ssmedge.agent.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;

/**
 * The HTTP status server (section {@code http}).
 *
 * @param enabled         serve /healthz, /readyz, /metrics and /api/status
 * @param bind            address to listen on; 127.0.0.1 = only this machine
 * @param port            TCP port (0 = any free port, for tests)
 * @param tokenFile       file holding the access token; required when bind is not a loopback address
 * @param maxRequestBytes larger requests are refused
 * @param maxConnections  connections open at the same time, at most; further ones are closed at once
 * @param requestTimeoutSeconds a connection must deliver each complete request within this time (counted from the
 *                        connection's start or the previous request), else it is closed: slow or idle clients
 *                        cannot hold connections open
 */
public record HttpConfig(boolean enabled, String bind, int port, Path tokenFile, int maxRequestBytes, int maxConnections,
                         int requestTimeoutSeconds) {
    public HttpConfig {
        Check.text("bind", bind, null);
        Check.range("port", port, 0, 0, 65535);
        Check.range("max_request_bytes", maxRequestBytes, 0, 1024, 16 * 1024 * 1024);
        Check.range("max_connections", maxConnections, 0, 1, 100_000);
        Check.range("request_timeout_seconds", requestTimeoutSeconds, 0, 1, 3600);
        if (enabled && tokenFile == null && !loopback(bind)) {
            throw new IllegalArgumentException("token_file: required when bind is " + bind
                    + " (reachable from other machines); give a file holding a secret token, or bind to 127.0.0.1");
        }
    }

    @JsonCreator
    static HttpConfig fromYaml(@JsonProperty("enabled") Boolean enabled, @JsonProperty("bind") String bind,
                               @JsonProperty("port") Integer port, @JsonProperty("token_file") Path tokenFile,
                               @JsonProperty("max_request_bytes") Integer maxRequestBytes,
                               @JsonProperty("max_connections") Integer maxConnections,
                               @JsonProperty("request_timeout_seconds") Integer requestTimeoutSeconds) {
        return new HttpConfig(enabled == null || enabled, Check.text("bind", bind, "127.0.0.1"), port == null ? 9464 : port,
                tokenFile, maxRequestBytes == null ? 65_536 : maxRequestBytes, maxConnections == null ? 64 : maxConnections,
                requestTimeoutSeconds == null ? 10 : requestTimeoutSeconds);
    }

    /** With the default connection limit and request timeout. */
    public HttpConfig(boolean enabled, String bind, int port, Path tokenFile, int maxRequestBytes) {
        this(enabled, bind, port, tokenFile, maxRequestBytes, 64, 10);
    }

    public static HttpConfig defaults() {
        return fromYaml(null, null, null, null, null, null, null);
    }

    /** True for 127.0.0.0/8, ::1 and localhost. */
    public static boolean loopback(String address) {
        try {
            return InetAddress.getByName(address).isLoopbackAddress();
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("bind: unknown address '" + address + "'");
        }
    }

    public boolean loopback() {
        return loopback(bind);
    }

    HttpConfig resolve(Path base) {
        return new HttpConfig(enabled, bind, port, Paths.under(base, tokenFile), maxRequestBytes, maxConnections,
                requestTimeoutSeconds);
    }

    void checkFiles() {
        Paths.readable("token_file", tokenFile);
    }
}
