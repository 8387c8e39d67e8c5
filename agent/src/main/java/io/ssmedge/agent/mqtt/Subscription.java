package io.ssmedge.agent.mqtt;

/** A topic filter and the QoS to subscribe with. */
public record Subscription(String filter, int qos) {
}
