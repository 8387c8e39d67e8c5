package io.ssmedge.agent.broker;

import io.ssmedge.agent.config.AgentConfig;
import io.ssmedge.agent.config.BrokerConfig;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * What the embedded broker is to do.
 *
 * @param listeners sockets to listen on (at least one)
 * @param users     accounts (user → password); null = anonymous clients allowed
 * @param dataDir   folder for sessions and queued messages that survive a restart; null = kept in memory only
 */
public record BrokerSettings(List<Listener> listeners, Map<String, String> users, Path dataDir) {
    public BrokerSettings {
        if (listeners == null || listeners.isEmpty()) {
            throw new IllegalArgumentException("listeners: at least one is needed");
        }
        listeners = List.copyOf(listeners);
        users = users == null ? null : Map.copyOf(users);
    }

    /** One plain listener on 127.0.0.1, anonymous, in memory (tests, the demo). */
    public static BrokerSettings loopback(int port) {
        return new BrokerSettings(List.of(Listener.plain("127.0.0.1", port)), null, null);
    }

    /** The broker an agent's config asks for: listening on broker.bind and mqtt.port (sections broker and mqtt). */
    public static BrokerSettings forAgent(AgentConfig cfg) {
        BrokerConfig b = cfg.broker();
        ServerTls tls = b.tls() ? new ServerTls(b.certFile(), b.keyFile(), b.clientCaFile()) : null;
        return new BrokerSettings(List.of(new Listener(b.bind(), cfg.mqtt().port(), tls)),
                b.usersFile() == null ? null : UsersFile.read(b.usersFile()), b.dataDir());
    }

    public boolean anonymous() {
        return users == null;
    }
}
