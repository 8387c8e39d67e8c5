package io.ssmedge.agent.mqtt;

/** Makes the connection for the configured protocol version. */
public final class MqttConnections {
    /** {@code -Dssmedge.mqtt.input=paho} receives sensor data through Paho instead of {@link NettyConnection}. */
    static final String INPUT_PROPERTY = "ssmedge.mqtt.input";
    /** {@code -Dssmedge.mqtt.output=paho} publishes the agent's predictions through Paho instead of Netty. */
    static final String OUTPUT_PROPERTY = "ssmedge.mqtt.output";
    /** {@code -Dssmedge.mqtt.sharedLoop=false}: the sensor input gets an event-loop thread of its own. */
    static final String SHARED_LOOP_PROPERTY = "ssmedge.mqtt.sharedLoop";

    private MqttConnections() {
    }

    /**
     * A connection that only receives (the agent's sensor input): on Netty's MQTT codec where that covers the spec
     * (plain TCP, subscriptions at QoS 0/1: {@link NettyConnection}), otherwise as {@link #create}.
     */
    public static MqttConnection subscriber(ConnectionSpec spec) {
        return subscriber(spec, null);
    }

    /**
     * As {@link #subscriber(ConnectionSpec)}, on the event-loop thread of {@code output} when both are Netty
     * connections ({@link MqttEventLoop}: one thread's wake-up then serves both). The input never waits on that
     * thread (a handler without room is offered the message again later, {@link MessageHandler#offer}); null, or
     * {@code -Dssmedge.mqtt.sharedLoop=false}, gives the input a thread of its own.
     */
    public static MqttConnection subscriber(ConnectionSpec spec, MqttConnection output) {
        if (paho(INPUT_PROPERTY) || !NettyConnection.supports(spec)) {
            return create(spec);
        }
        boolean share = output instanceof NettyConnection
                && Boolean.parseBoolean(System.getProperty(SHARED_LOOP_PROPERTY, "true"));
        return new NettyConnection(spec, share ? (NettyConnection) output : null);
    }

    /**
     * A connection that publishes at QoS {@code maxQos} at most (the agent's prediction output): on Netty's MQTT
     * codec where that covers the spec (plain TCP, QoS 0/1, messages kept in memory: {@link NettyConnection}; Paho's
     * sender, receiver and callback threads cost 36.6 % of the agent's CPU at 1,250 predictions/s, issue #12),
     * otherwise as {@link #create}. {@code -Dssmedge.mqtt.output=paho} publishes through Paho.
     */
    public static MqttConnection publisher(ConnectionSpec spec, int maxQos) {
        return !paho(OUTPUT_PROPERTY) && maxQos <= 1 && NettyConnection.supports(spec) ? new NettyConnection(spec) : create(spec);
    }

    /**
     * True when {@code a} and {@code b} run on one event-loop thread:
     * {@link #subscriber(ConnectionSpec, MqttConnection)}.
     */
    public static boolean shareThread(MqttConnection a, MqttConnection b) {
        return a instanceof NettyConnection x && b instanceof NettyConnection y && x.loop() == y.loop();
    }

    /** True when the system property {@code property} asks for Paho instead of Netty. */
    private static boolean paho(String property) {
        return "paho".equalsIgnoreCase(System.getProperty(property, "netty"));
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
