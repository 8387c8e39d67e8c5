package io.ssmedge.agent.mqtt;

/**
 * Receives every message of a subscribing connection, on the MQTT client's callback thread: it must only hand the
 * message on (queue it) and return; never run inference or wait there.
 */
@FunctionalInterface
public interface MessageHandler {
    void onMessage(String topic, byte[] payload);
}
