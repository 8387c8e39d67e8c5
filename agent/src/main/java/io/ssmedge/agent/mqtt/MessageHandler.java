package io.ssmedge.agent.mqtt;

/**
 * Receives every message of a subscribing connection, on the MQTT client's callback thread: it must only hand the
 * message on (queue it) and return; never run inference or wait there. With manual acknowledgements
 * ({@link ConnectionSpec#manualAcks()}) the message stays unconfirmed at the broker until {@code ack.done()}.
 */
@FunctionalInterface
public interface MessageHandler {
    void onMessage(String topic, byte[] payload, Ack ack);
}
