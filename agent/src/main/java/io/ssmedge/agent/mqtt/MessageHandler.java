package io.ssmedge.agent.mqtt;

/**
 * Receives every message of a subscribing connection, on the MQTT client's callback thread: it must only hand the
 * message on (queue it) and return; never run inference or wait there. With manual acknowledgements
 * ({@link ConnectionSpec#manualAcks()}) the message stays unconfirmed at the broker until {@code ack.done()}.
 */
@FunctionalInterface
public interface MessageHandler {
    void onMessage(String topic, byte[] payload, Ack ack);

    /**
     * The same without ever waiting, for a connection whose thread must not block (an event loop that also reads
     * the PUBACKs a worker may be waiting for, {@code NettyConnection}): false when the message was not taken for
     * want of room. The caller then keeps it (and every later message, in order), stops reading, and offers it
     * again once {@code whenRoom} has run; {@code whenRoom} runs once, on another thread, after a false answer.
     * This default hands the message to {@link #onMessage} and so may wait there.
     */
    default boolean offer(String topic, byte[] payload, Ack ack, Runnable whenRoom) {
        onMessage(topic, payload, ack);
        return true;
    }
}
