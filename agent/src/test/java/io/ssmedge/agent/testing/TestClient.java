package io.ssmedge.agent.testing;

import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.stream.Collectors;

/** A plain MQTT client playing the sensors and the consumer of predictions in tests. */
public final class TestClient implements AutoCloseable {
    /** A received message. */
    public record Message(String topic, String payload) {
    }

    private final MqttClient client;
    private final ConcurrentLinkedQueue<Message> received = new ConcurrentLinkedQueue<>();

    public TestClient(String uri, String clientId) {
        this(uri, clientId, null, null);
    }

    /** A client that logs in with {@code user} and {@code password} (null = anonymous). */
    public TestClient(String uri, String clientId, String user, String password) {
        try {
            client = new MqttClient(uri, clientId, new MemoryPersistence());
            MqttConnectOptions o = new MqttConnectOptions();
            o.setCleanSession(true);
            o.setMaxInflight(1000);
            if (user != null) {
                o.setUserName(user);
                o.setPassword(password.toCharArray());
            }
            client.connect(o);
        } catch (MqttException e) {
            throw new IllegalStateException("test client cannot connect to " + uri + ": " + e.getMessage(), e);
        }
    }

    public TestClient subscribe(String filter) {
        try {
            client.subscribe(filter, 1, (topic, msg) -> received.add(new Message(topic,
                    new String(msg.getPayload(), StandardCharsets.UTF_8))));
            return this;
        } catch (MqttException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Publishes and waits for the broker's confirmation (QoS 1/2). Paho counts a confirmed message out of its window
     * only later, on its callback thread, so on a loaded machine a fast sender can find the window full: it then
     * waits and tries again (up to 30 s).
     */
    public void publish(String topic, byte[] payload, int qos) {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (true) {
            try {
                client.publish(topic, payload, qos, false);
                return;
            } catch (MqttException e) {
                if (e.getReasonCode() != MqttException.REASON_CODE_MAX_INFLIGHT || System.nanoTime() > deadline) {
                    throw new IllegalStateException("publish to " + topic + " failed: " + e.getMessage(), e);
                }
                java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
            }
        }
    }

    public void publish(String topic, String payload) {
        publish(topic, payload.getBytes(StandardCharsets.UTF_8), 1);
    }

    /** Messages received so far on topics ending with {@code suffix}. */
    public List<Message> on(String suffix) {
        return received.stream().filter(m -> m.topic().endsWith(suffix)).collect(Collectors.toList());
    }

    @Override
    public void close() {
        try {
            if (client.isConnected()) {
                client.disconnect(2000);
            }
            client.close();
        } catch (MqttException e) {
            // test teardown
        }
    }
}
