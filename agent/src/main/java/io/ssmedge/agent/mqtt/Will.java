package io.ssmedge.agent.mqtt;

/** The message the broker publishes for a connection that vanishes without saying goodbye (retained status). */
public record Will(String topic, byte[] payload, int qos, boolean retained) {
}
