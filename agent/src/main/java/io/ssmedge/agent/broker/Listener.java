package io.ssmedge.agent.broker;

/**
 * One listening socket of the embedded broker; it speaks MQTT 5 and 3.1.1.
 *
 * @param host address to bind (127.0.0.1 = only this machine)
 * @param port TCP port
 * @param tls  null = plain TCP
 */
public record Listener(String host, int port, ServerTls tls) {
    public Listener {
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("listener host: must be given");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("listener port: expected 1..65535, got " + port);
        }
    }

    public static Listener plain(String host, int port) {
        return new Listener(host, port, null);
    }

    /** mqtt://host:port or mqtts://host:port, for messages. */
    public String describe() {
        return (tls == null ? "mqtt://" : "mqtts://") + host + ":" + port
                + (tls != null && tls.clientCaFile() != null ? " (client certificate required)" : "");
    }
}
