package io.ssmedge.agent.cli;

import io.ssmedge.agent.control.Operator;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** The operator's short MQTT session: publish one signed document, collect the gateways' acknowledgements. */
final class OperatorBroker implements AutoCloseable {
    /** --broker and credentials, shared by config push and command. */
    static final class Options {
        @Option(names = "--broker", required = true, paramLabel = "URI",
                description = "the broker the gateways use, e.g. tcp://broker.plant:1883 or ssl://broker.plant:8883")
        String uri;

        @Option(names = "--username", paramLabel = "NAME", description = "user name at the broker (if it needs one)")
        String username;

        @Option(names = "--password-file", paramLabel = "FILE", description = "file holding the broker password")
        Path passwordFile;

        @Option(names = "--wait", paramLabel = "SECONDS", defaultValue = "30",
                description = "how long to wait for the acknowledgements (default: ${DEFAULT-VALUE})")
        int waitSeconds;
    }

    /** One received acknowledgement. */
    record Received(String topic, com.fasterxml.jackson.databind.JsonNode json) {
    }

    private final MqttClient client;
    private final BlockingQueue<Received> acks = new LinkedBlockingQueue<>();

    OperatorBroker(Options o, String ackFilter) {
        try {
            client = new MqttClient(o.uri, "ssm-edge-operator-" + UUID.randomUUID().toString().substring(0, 8),
                    new MemoryPersistence());
            MqttConnectOptions c = new MqttConnectOptions();
            c.setCleanSession(true);
            if (o.username != null) {
                c.setUserName(o.username);
            }
            if (o.passwordFile != null) {
                c.setPassword(Files.readString(o.passwordFile).strip().toCharArray());
            }
            client.connect(c);
            client.subscribe(ackFilter, 1, (topic, msg) -> {
                var j = Operator.readJson(msg.getPayload());
                if (j != null) {
                    acks.add(new Received(topic, j));
                }
            });
        } catch (MqttException e) {
            throw new IllegalArgumentException("cannot reach the broker " + o.uri + ": " + e.getMessage(), e);
        } catch (IOException e) {
            throw new IllegalArgumentException(o.passwordFile + ": cannot read: " + e.getMessage(), e);
        }
    }

    void publish(String topic, byte[] payload, boolean retained) {
        try {
            client.publish(topic, payload, 1, retained);
        } catch (MqttException e) {
            throw new IllegalArgumentException("publish to " + topic + " failed: " + e.getMessage(), e);
        }
    }

    /** The next acknowledgement within the time left, or null. */
    Received next(Duration left) throws InterruptedException {
        return left.isNegative() ? null : acks.poll(left.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        try {
            if (client.isConnected()) {
                client.disconnect(2000);
            }
            client.close();
        } catch (MqttException e) {
            // leaving anyway
        }
    }
}
