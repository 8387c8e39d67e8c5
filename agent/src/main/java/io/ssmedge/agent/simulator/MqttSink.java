package io.ssmedge.agent.simulator;

import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

/** Publishes with QoS 1 to a broker (MQTT 3.1.1, which every broker speaks); waits while too many are in flight. */
public final class MqttSink implements MessageSink {
    private final MqttAsyncClient client;

    public MqttSink(String brokerUri, String clientId, String user, char[] password) {
        try {
            client = new MqttAsyncClient(brokerUri, clientId, new MemoryPersistence());
            MqttConnectOptions o = new MqttConnectOptions();
            o.setCleanSession(true);
            o.setMaxInflight(1000);
            o.setAutomaticReconnect(true);
            o.setConnectionTimeout(10);
            if (user != null) {
                o.setUserName(user);
                o.setPassword(password);
            }
            client.connect(o).waitForCompletion(15_000);
        } catch (MqttException e) {
            throw new IllegalArgumentException("simulator: cannot connect to the broker at " + brokerUri + ": "
                    + e.getMessage() + " (is it running? is the address right?)", e);
        }
    }

    @Override
    public void publish(String topic, byte[] payload) {
        while (true) {
            try {
                client.publish(topic, payload, 1, false);
                return;
            } catch (MqttException e) {
                // flow control: too many messages not yet acknowledged (in flight, or every message id taken)
                boolean busy = e.getReasonCode() == MqttException.REASON_CODE_MAX_INFLIGHT
                        || e.getReasonCode() == MqttException.REASON_CODE_NO_MESSAGE_IDS_AVAILABLE;
                if (!busy && e.getReasonCode() != MqttException.REASON_CODE_CLIENT_NOT_CONNECTED) {
                    throw new IllegalStateException("simulator: publish to " + topic + " failed: " + e.getMessage(), e);
                }
                try {
                    Thread.sleep(busy ? 1 : 200);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    /** Waits (at most 30 s) until the broker has acknowledged every message, then disconnects. */
    @Override
    public void close() {
        try {
            long until = System.nanoTime() + 30_000_000_000L;
            while (client.isConnected() && client.getPendingDeliveryTokens().length > 0 && System.nanoTime() < until) {
                Thread.sleep(10);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            if (client.isConnected()) {
                client.disconnect(5000).waitForCompletion(6000);
            }
            client.close();
        } catch (MqttException e) {
            // closing anyway
        }
    }
}
