package io.ssmedge.agent.mqtt;

import io.ssmedge.agent.config.MqttConfig;
import io.ssmedge.agent.config.MqttVersion;

import javax.net.ssl.SSLSocketFactory;
import java.nio.file.Path;
import java.util.List;

/**
 * One broker connection as the agent wants it: a persistent session (clean start off, session expiry), automatic
 * reconnect, and the subscriptions to (re)make every time the connection comes up.
 *
 * @param name          for logs: "sensors in" or "predictions out"
 * @param serverUri     tcp://host:port or ssl://host:port
 * @param clientId      the session's client id
 * @param version       MQTT 5 or 3.1.1
 * @param sessionExpirySeconds how long the broker keeps the session while disconnected (MQTT 5)
 * @param keepAliveSeconds ping interval
 * @param username      null for anonymous
 * @param password      null for none
 * @param sslSocketFactory null without TLS
 * @param maxInflight   unacknowledged QoS 1/2 messages in flight
 * @param offlineBuffer messages buffered for publishing while disconnected
 * @param will          status published by the broker if this connection dies, or null
 * @param subscriptions subscribed on every (re)connect
 * @param handler       receives messages (null for a publish-only connection)
 * @param onConnected   run after every (re)connect, e.g. to publish "online" (null for nothing)
 * @param manualAcks    QoS 1 messages are confirmed only when the handler calls {@link Ack#done()} (in order)
 * @param persistence   folder where the client keeps QoS 1/2 messages it sends until the broker confirms them, so
 *                      that they survive a crash (null = in memory only)
 * @param delivery      told which outgoing QoS 1/2 messages the broker confirmed (null = nobody)
 */
public record ConnectionSpec(String name, String serverUri, String clientId, MqttVersion version,
                             long sessionExpirySeconds, int keepAliveSeconds, String username, byte[] password,
                             SSLSocketFactory sslSocketFactory, int maxInflight, int offlineBuffer, Will will,
                             List<Subscription> subscriptions, MessageHandler handler, Runnable onConnected,
                             boolean manualAcks, Path persistence, DeliveryListener delivery) {

    /** The settings shared by both of the agent's connections, from the config. */
    public static ConnectionSpec of(String name, MqttConfig cfg, String clientId, Credentials credentials,
                                    SSLSocketFactory ssl, Will will, List<Subscription> subscriptions,
                                    MessageHandler handler, Runnable onConnected) {
        return new ConnectionSpec(name, cfg.serverUri(), clientId, cfg.version(), cfg.sessionExpirySeconds(),
                cfg.keepAliveSeconds(), credentials == null ? null : credentials.username(),
                credentials == null ? null : credentials.password(), ssl, cfg.maxInflight(), cfg.offlineBuffer(), will,
                List.copyOf(subscriptions), handler, onConnected, false, null, null);
    }

    /** The same connection, confirming received QoS 1 messages only through {@link Ack#done()}. */
    public ConnectionSpec withManualAcks(boolean manual) {
        return new ConnectionSpec(name, serverUri, clientId, version, sessionExpirySeconds, keepAliveSeconds, username,
                password, sslSocketFactory, maxInflight, offlineBuffer, will, subscriptions, handler, onConnected, manual,
                persistence, delivery);
    }

    /** The same connection, keeping unconfirmed outgoing messages in files under {@code dir}. */
    public ConnectionSpec withPersistence(Path dir) {
        return new ConnectionSpec(name, serverUri, clientId, version, sessionExpirySeconds, keepAliveSeconds, username,
                password, sslSocketFactory, maxInflight, offlineBuffer, will, subscriptions, handler, onConnected, manualAcks,
                dir, delivery);
    }

    /** The same connection with at most {@code n} outgoing QoS 1/2 messages unconfirmed. */
    public ConnectionSpec withMaxInflight(int n) {
        return new ConnectionSpec(name, serverUri, clientId, version, sessionExpirySeconds, keepAliveSeconds, username,
                password, sslSocketFactory, n, offlineBuffer, will, subscriptions, handler, onConnected, manualAcks,
                persistence, delivery);
    }

    /** The same connection, reporting which outgoing messages the broker confirmed to {@code listener}. */
    public ConnectionSpec withDelivery(DeliveryListener listener) {
        return new ConnectionSpec(name, serverUri, clientId, version, sessionExpirySeconds, keepAliveSeconds, username,
                password, sslSocketFactory, maxInflight, offlineBuffer, will, subscriptions, handler, onConnected, manualAcks,
                persistence, listener);
    }
}
