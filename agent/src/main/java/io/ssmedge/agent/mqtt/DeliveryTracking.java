package io.ssmedge.agent.mqtt;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What both Paho persistence wrappers share: which payload each kept outgoing message has, so that its removal
 * (the broker confirmed it) can be reported with the payload. Paho's keys: {@code s-ID} a QoS 1/2 PUBLISH sent or
 * being sent (removed on PUBACK / PUBCOMP), {@code sb-ID} one buffered while offline (removed when it is sent, then
 * kept as {@code s-ID}), {@code sc-ID} the PUBREL of a QoS 2 flow.
 */
final class DeliveryTracking {
    static final String SENT = "s-";
    static final String BUFFERED = "sb-";
    static final String RELEASED = "sc-";

    private final DeliveryListener listener;
    private final Map<String, byte[]> payloads = new ConcurrentHashMap<>();

    DeliveryTracking(DeliveryListener listener) {
        this.listener = listener;
    }

    static boolean outgoing(String key) {
        return key.startsWith(SENT) || key.startsWith(BUFFERED);
    }

    /** The client stores an outgoing message. */
    void stored(String key, byte[] payload) {
        if (outgoing(key) && payload != null) {
            payloads.put(key, payload);
        }
    }

    /** The client is about to delete {@code key}: an {@code s-} key goes when the broker confirmed it. */
    void removing(String key) {
        byte[] p = payloads.remove(key);
        if (p != null && key.startsWith(SENT)) {
            listener.confirmed(p);
        }
    }

    /** At start: false when the stored message is stale (the broker confirmed it) and must be deleted. */
    boolean keep(String key, byte[] payload) {
        if (!listener.keep(payload)) {
            return false;
        }
        payloads.put(key, payload);
        return true;
    }

    static byte[] slice(byte[] bytes, int offset, int length) {
        return bytes == null ? null : java.util.Arrays.copyOfRange(bytes, offset, offset + length);
    }
}
