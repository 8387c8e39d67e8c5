package io.ssmedge.agent.mqtt;

/** Makes the connection for the configured protocol version. */
public final class MqttConnections {
    private MqttConnections() {
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
