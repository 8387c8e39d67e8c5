package io.ssmedge.agent.mqtt;

import java.time.Duration;

/**
 * A broker connection that keeps itself up: {@link #start()} returns at once and connects in the background,
 * retrying until the broker answers; after that the MQTT client reconnects by itself and every (re)connect
 * re-subscribes (a broker that lost the session, e.g. after a restart without persistence, has forgotten the
 * subscriptions). Implemented for MQTT 5 and 3.1.1 by Eclipse Paho.
 */
public interface MqttConnection extends AutoCloseable {
    /**
     * Outgoing messages that may wait for a connected broker beyond its in-flight window before a publisher waits:
     * the prediction sender thread's queue (for Paho, {@code PredictionPublisher}) or the Netty output's own queue.
     * One bound for both, so that which client publishes changes neither memory nor when a worker waits. Without a
     * bound an agent that predicts faster than the broker confirms would fill its heap (issue #12: 100,000 waiting
     * at 10 samples per message, RSS 209 → 321 MB).
     */
    int WAITING_BEYOND_WINDOW = 16_384;

    /** Starts connecting in the background. */
    void start();

    /** Waits until {@link #isReady()} (for tests and tools); false on timeout. */
    boolean awaitReady(Duration timeout) throws InterruptedException;

    boolean isConnected();

    /** Connected, and (for a subscribing connection) the broker confirmed the subscriptions of this connection. */
    boolean isReady();

    /** Connections made after the first (automatic reconnects). */
    long reconnects();

    /**
     * Publishes a message. Does not wait for the broker; waits only while the in-flight window is full. While
     * disconnected the message goes into the offline buffer and is sent after reconnecting.
     *
     * @throws MqttException when the client refuses it (e.g. the offline buffer is full, or closed)
     */
    void publish(String topic, byte[] payload, int qos, boolean retained);

    /**
     * True when {@link #publish} only queues the message for the client's own thread and returns, waiting only when
     * thousands of messages are queued or unconfirmed ({@link NettyConnection}): the caller needs no thread of its
     * own to keep a slow broker from holding it up. Paho's publish waits while its in-flight window (max_inflight)
     * is full.
     */
    default boolean publishOnlyQueues() {
        return false;
    }

    /** Disconnects cleanly (sending what the client holds, up to the timeout) and releases the client. */
    void close(Duration timeout);

    @Override
    default void close() {
        close(Duration.ofSeconds(5));
    }

    /** Why the last connection attempt failed (TLS problems in plain words), or null when none failed. */
    default String lastError() {
        return null;
    }
}
