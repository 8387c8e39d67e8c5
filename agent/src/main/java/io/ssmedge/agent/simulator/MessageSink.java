package io.ssmedge.agent.simulator;

/** Where the simulator's messages go: an MQTT broker ({@link MqttSink}) or, in tests, a list. */
public interface MessageSink extends AutoCloseable {
    void publish(String topic, byte[] payload);

    @Override
    void close();
}
