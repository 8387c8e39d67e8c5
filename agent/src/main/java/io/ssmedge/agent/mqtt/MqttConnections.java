package io.ssmedge.agent.mqtt;

/** Makes the connection for the configured protocol version. */
public final class MqttConnections {
    /** {@code -Dssmedge.mqtt.input=paho} receives sensor data through Paho instead of {@link NettySubscriber}. */
    static final String INPUT_PROPERTY = "ssmedge.mqtt.input";

    private MqttConnections() {
    }

    /**
     * A connection that only receives (the agent's sensor input): on Netty's MQTT codec where that covers the spec
     * (plain TCP, subscriptions at QoS 0/1: {@link NettySubscriber}), otherwise as {@link #create}.
     */
    public static MqttConnection subscriber(ConnectionSpec spec) {
        boolean paho = "paho".equalsIgnoreCase(System.getProperty(INPUT_PROPERTY, "netty"));
        return !paho && NettySubscriber.supports(spec) ? new NettySubscriber(spec) : create(spec);
    }

    public static MqttConnection create(ConnectionSpec spec) {
        switch (spec.version()) {
            case V3_1_1:
                return new Paho3Connection(spec);
            case V5:
            default:
                return new Paho5Connection(spec);
        }
    }
}
