package io.ssmedge.agent.stream;

/**
 * A message handed from the MQTT callback to a worker.
 *
 * @param kind           sensor samples or labels
 * @param stream         stream id (from the topic)
 * @param payload        the message bytes (not modified)
 * @param receivedNanos  {@link System#nanoTime()} when the MQTT client delivered it
 * @param receivedMillis epoch ms when it was delivered (the ts of samples that carry none)
 */
public record InboundMessage(Kind kind, String stream, byte[] payload, long receivedNanos, double receivedMillis) {
    public enum Kind { SENSOR, LABEL }
}
