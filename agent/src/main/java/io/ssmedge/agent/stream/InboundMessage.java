package io.ssmedge.agent.stream;

import io.ssmedge.agent.mqtt.Ack;

/**
 * A message handed from the MQTT callback to a worker.
 *
 * @param kind           sensor samples or labels
 * @param stream         stream id (from the topic)
 * @param payload        the message bytes (not modified); empty when the message was too large to keep
 * @param size           the message's size in bytes as received
 * @param receivedNanos  {@link System#nanoTime()} when the MQTT client delivered it
 * @param receivedMillis epoch ms when it was delivered (the ts of samples that carry none)
 * @param ack            confirms the message to the broker once it is safe (see durability)
 */
public record InboundMessage(Kind kind, String stream, byte[] payload, int size, long receivedNanos,
                             double receivedMillis, Ack ack) {
    private static final byte[] DROPPED = new byte[0];

    /** A message as received; one larger than {@code maxBytes} keeps only its size (it is rejected unread). */
    public static InboundMessage of(Kind kind, String stream, byte[] payload, int maxBytes, long receivedNanos,
                                    double receivedMillis, Ack ack) {
        return new InboundMessage(kind, stream, payload.length > maxBytes ? DROPPED : payload, payload.length,
                receivedNanos, receivedMillis, ack);
    }

    /** A message the client confirms by itself. */
    public static InboundMessage of(Kind kind, String stream, byte[] payload, int maxBytes, long receivedNanos,
                                    double receivedMillis) {
        return of(kind, stream, payload, maxBytes, receivedNanos, receivedMillis, Ack.NONE);
    }

    /** An order for the stream's worker to forget the stream (reset-stream command). */
    public static InboundMessage reset(String stream) {
        return new InboundMessage(Kind.RESET, stream, DROPPED, 0, System.nanoTime(), Timestamps.nowMillis(), Ack.NONE);
    }

    /** The payload was not kept because it was larger than the limit. */
    public boolean oversized() {
        return payload.length < size;
    }

    /** Sensor samples, labels, or a reset order from the reset-stream command. */
    public enum Kind { SENSOR, LABEL, RESET }
}
