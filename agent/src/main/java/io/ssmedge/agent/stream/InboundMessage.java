package io.ssmedge.agent.stream;

/**
 * A message handed from the MQTT callback to a worker.
 *
 * @param kind           sensor samples or labels
 * @param stream         stream id (from the topic)
 * @param payload        the message bytes (not modified); empty when the message was too large to keep
 * @param size           the message's size in bytes as received
 * @param receivedNanos  {@link System#nanoTime()} when the MQTT client delivered it
 * @param receivedMillis epoch ms when it was delivered (the ts of samples that carry none)
 */
public record InboundMessage(Kind kind, String stream, byte[] payload, int size, long receivedNanos,
                             double receivedMillis) {
    private static final byte[] DROPPED = new byte[0];

    /** A message as received; one larger than {@code maxBytes} keeps only its size (it is rejected unread). */
    public static InboundMessage of(Kind kind, String stream, byte[] payload, int maxBytes, long receivedNanos,
                                    double receivedMillis) {
        return new InboundMessage(kind, stream, payload.length > maxBytes ? DROPPED : payload, payload.length,
                receivedNanos, receivedMillis);
    }

    /** The payload was not kept because it was larger than the limit. */
    public boolean oversized() {
        return payload.length < size;
    }

    public enum Kind { SENSOR, LABEL }
}
