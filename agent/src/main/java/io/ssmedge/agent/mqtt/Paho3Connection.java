package io.ssmedge.agent.mqtt;

import org.eclipse.paho.client.mqttv3.DisconnectedBufferOptions;
import org.eclipse.paho.client.mqttv3.IMqttActionListener;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.IMqttToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttCallbackExtended;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

import java.util.List;

/** MQTT 3.1.1 through org.eclipse.paho.client.mqttv3 (for older brokers). */
final class Paho3Connection extends PahoConnection implements MqttCallbackExtended {
    private final MqttAsyncClient client;
    private final TrackedPersistence3 tracked; // null without a delivery listener
    private final MqttConnectOptions options = new MqttConnectOptions();

    Paho3Connection(ConnectionSpec spec) {
        super(spec);
        try {
            org.eclipse.paho.client.mqttv3.MqttClientPersistence store = spec.persistence() == null
                    ? new MemoryPersistence()
                    : new UnsyncedFilePersistence(spec.persistence());
            tracked = spec.delivery() == null ? null : new TrackedPersistence3(store, spec.delivery());
            client = new MqttAsyncClient(spec.serverUri(), spec.clientId(), tracked == null ? store : tracked);
        } catch (MqttException e) {
            throw new io.ssmedge.agent.mqtt.MqttException(spec.name() + ": invalid broker address " + spec.serverUri()
                    + ": " + e.getMessage(), e);
        }
        client.setCallback(this);
        client.setManualAcks(spec.manualAcks());
        options.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
        options.setCleanSession(false); // persistent session: the broker keeps subscriptions and QoS 1 messages
        options.setAutomaticReconnect(true);
        options.setMaxReconnectDelay(30_000);
        options.setKeepAliveInterval(spec.keepAliveSeconds());
        options.setConnectionTimeout(10);
        options.setMaxInflight(spec.maxInflight());
        if (spec.username() != null) {
            options.setUserName(spec.username());
        }
        if (spec.password() != null) {
            options.setPassword(new String(spec.password(), java.nio.charset.StandardCharsets.UTF_8).toCharArray());
        }
        options.setSocketFactory(plainSockets == null ? PahoSockets.tls(spec.sslSocketFactory()) : plainSockets);
        if (spec.will() != null) {
            options.setWill(spec.will().topic(), spec.will().payload(), spec.will().qos(), spec.will().retained());
        }
        DisconnectedBufferOptions buffer = new DisconnectedBufferOptions();
        buffer.setBufferEnabled(true);
        buffer.setBufferSize(spec.offlineBuffer());
        buffer.setDeleteOldestMessages(true);
        buffer.setPersistBuffer(spec.persistence() != null);
        client.setBufferOpts(buffer);
    }

    @Override
    protected void connectOnce() throws MqttException {
        client.connect(options).waitForCompletion(15_000);
    }

    @Override
    protected void subscribeAll() {
        List<Subscription> subs = spec.subscriptions();
        String[] filters = subs.stream().map(Subscription::filter).toArray(String[]::new);
        int[] qos = subs.stream().mapToInt(Subscription::qos).toArray();
        try {
            client.subscribe(filters, qos, null, new IMqttActionListener() {
                @Override
                public void onSuccess(IMqttToken token) {
                    subscriptionsAnswered(token.getGrantedQos()); // 0x80: failure (MQTT 3.1.1 §3.9.3)
                }

                @Override
                public void onFailure(IMqttToken token, Throwable e) {
                    log.error("{}: subscribing to {} failed: {}", spec.name(), String.join(", ", filters), describe(e));
                }
            });
        } catch (MqttException e) {
            log.error("{}: subscribing to {} failed: {}", spec.name(), String.join(", ", filters), describe(e));
        }
    }

    @Override
    protected void sendAck(int messageId, int qos) throws MqttException {
        client.messageArrivedComplete(messageId, qos);
    }

    @Override
    protected void send(String topic, byte[] payload, int qos, boolean retained) throws MqttException {
        client.publish(topic, payload, qos, retained);
    }

    @Override
    protected int outstanding() {
        return tracked == null ? -1 : tracked.outstanding();
    }

    @Override
    protected boolean inflightFull(Exception e) {
        return e instanceof MqttException && ((MqttException) e).getReasonCode() == MqttException.REASON_CODE_MAX_INFLIGHT;
    }

    @Override
    public boolean isConnected() {
        return client.isConnected();
    }

    @Override
    protected void disconnect(long millis) throws MqttException {
        client.disconnect(millis).waitForCompletion(millis + 1000);
    }

    @Override
    protected void abandonAttempt() {
        try {
            client.disconnectForcibly(0, 1000);
        } catch (MqttException | RuntimeException e) {
            log.debug("{}: abandoning the connection attempt: {}", spec.name(), describe(e));
        }
    }

    @Override
    protected void forceClose() throws MqttException {
        if (client.isConnected()) {
            client.disconnectForcibly(0, 1000);
        }
        client.close(true);
    }

    // ---- Paho callback: only hands messages on; never blocks, never exits ----

    @Override
    public void connectComplete(boolean reconnect, String serverURI) {
        connected(reconnect);
    }

    @Override
    public void connectionLost(Throwable cause) {
        lost(cause);
    }

    @Override
    public void messageArrived(String topic, MqttMessage message) {
        deliver(topic, message.getPayload(), message.getId(), message.getQos());
    }

    @Override
    public void deliveryComplete(IMqttDeliveryToken token) {
        // QoS 1 acknowledgements need no action
    }
}
