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
    /**
     * The {@code s-} keys the client holds: every QoS 1/2 PUBLISH the broker has not completed, also those restored
     * from an earlier run (see {@link #outstanding}).
     */
    private final java.util.Set<String> sent = ConcurrentHashMap.newKeySet();

    DeliveryTracking(DeliveryListener listener) {
        this.listener = listener;
    }

    static boolean outgoing(String key) {
        return key.startsWith(SENT) || key.startsWith(BUFFERED);
    }

    /** The client stores an outgoing message. */
    void stored(String key, byte[] payload) {
        if (key.startsWith(SENT)) {
            sent.add(key);
        }
        if (outgoing(key) && payload != null) {
            payloads.put(key, payload);
        }
    }

    /** At start: the client's files hold this key from an earlier run (and it was not deleted as stale). */
    void restored(String key) {
        if (key.startsWith(SENT)) {
            sent.add(key);
        }
    }

    /**
     * QoS 1/2 messages the client holds and the broker has not completed: those of this run and those restored from
     * the files of an earlier run (which Paho sends again but does not count in its in-flight window, and whose
     * PUBCOMPs even widen that window: ClientState.decrementInFlight never saw them counted). A sender that keeps
     * this at or below the broker's limit never has more QoS 2 messages awaiting PUBREL at the broker than it allows
     * (the broker's are a subset of these: the client deletes a message only after the broker completed it).
     */
    int outstanding() {
        return sent.size();
    }

    /** The client is about to delete {@code key}: an {@code s-} key goes when the broker confirmed it. */
    void removing(String key) {
        sent.remove(key);
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
