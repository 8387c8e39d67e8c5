package io.ssmedge.agent.mqtt;

import org.eclipse.paho.mqttv5.client.DisconnectedBufferOptions;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttActionListener;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.MqttSubscription;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;


/** MQTT 5 through org.eclipse.paho.mqttv5.client. */
final class Paho5Connection extends PahoConnection implements MqttCallback {
    private final MqttAsyncClient client;
    private final TrackedPersistence5 tracked; // null without a delivery listener
    private final MqttConnectionOptions options = new MqttConnectionOptions();

    Paho5Connection(ConnectionSpec spec) {
        super(spec);
        try {
            org.eclipse.paho.mqttv5.client.MqttClientPersistence store = spec.persistence() == null
                    ? new MemoryPersistence()
                    : new org.eclipse.paho.mqttv5.client.persist.MqttDefaultFilePersistence(spec.persistence().toString());
            tracked = spec.delivery() == null ? null : new TrackedPersistence5(store, spec.delivery());
            client = new MqttAsyncClient(spec.serverUri(), spec.clientId(), tracked == null ? store : tracked);
        } catch (MqttException e) {
            throw new io.ssmedge.agent.mqtt.MqttException(spec.name() + ": invalid broker address " + spec.serverUri()
                    + ": " + e.getMessage(), e);
        }
        client.setCallback(this);
        client.setManualAcks(spec.manualAcks());
        options.setCleanStart(false); // persistent session: the broker keeps subscriptions and QoS 1 messages
        options.setSessionExpiryInterval(spec.sessionExpirySeconds());
        options.setAutomaticReconnect(true);
        options.setAutomaticReconnectDelay(1, 30);
        options.setKeepAliveInterval(spec.keepAliveSeconds());
        options.setConnectionTimeout(10);
        options.setReceiveMaximum(Math.min(65535, Math.max(spec.maxInflight(), 1)));
        if (spec.username() != null) {
            options.setUserName(spec.username());
        }
        if (spec.password() != null) {
            options.setPassword(spec.password());
        }
        options.setSocketFactory(plainSockets == null ? PahoSockets.tls(spec.sslSocketFactory()) : plainSockets);
        if (spec.will() != null) {
            MqttMessage will = new MqttMessage(spec.will().payload());
            will.setQos(spec.will().qos());
            will.setRetained(spec.will().retained());
            options.setWill(spec.will().topic(), will);
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
        MqttSubscription[] subs = spec.subscriptions().stream().map(s -> new MqttSubscription(s.filter(), s.qos()))
                .toArray(MqttSubscription[]::new);
        String names = String.join(", ", spec.subscriptions().stream().map(Subscription::filter).toList());
        try {
            client.subscribe(subs, null, new MqttActionListener() {
                @Override
                public void onSuccess(IMqttToken token) {
                    subscriptionsAnswered(token.getReasonCodes());
                }

                @Override
                public void onFailure(IMqttToken token, Throwable e) {
                    log.error("{}: subscribing to {} failed: {}", spec.name(), names, describe(e));
                }
            }, new MqttProperties());
        } catch (MqttException e) {
            log.error("{}: subscribing to {} failed: {}", spec.name(), names, describe(e));
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
        return e instanceof MqttException && ((MqttException) e).getReasonCode() == org.eclipse.paho.mqttv5.client.MqttClientException.REASON_CODE_MAX_INFLIGHT;
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
            client.disconnectForcibly(0, 1000, false);
        } catch (MqttException | RuntimeException e) {
            log.debug("{}: abandoning the connection attempt: {}", spec.name(), describe(e));
        }
    }

    @Override
    protected void forceClose() throws MqttException {
        if (client.isConnected()) {
            client.disconnectForcibly(0, 1000, false);
        }
        client.close(true);
    }

    // ---- Paho callback: only hands messages on; never blocks, never exits ----

    @Override
    public void connectComplete(boolean reconnect, String serverURI) {
        connected(reconnect);
    }

    @Override
    public void disconnected(MqttDisconnectResponse response) {
        lost(response.getException() != null ? response.getException()
                : new IllegalStateException(response.getReasonString() != null ? response.getReasonString()
                : "broker closed the connection (reason code " + response.getReturnCode() + ")"));
    }

    @Override
    public void mqttErrorOccurred(MqttException exception) {
        log.warn("{}: MQTT error: {}", spec.name(), describe(exception));
    }

    @Override
    public void messageArrived(String topic, MqttMessage message) {
        deliver(topic, message.getPayload(), message.getId(), message.getQos());
    }

    @Override
    public void deliveryComplete(IMqttToken token) {
        // QoS 1 acknowledgements need no action
    }

    @Override
    public void authPacketArrived(int reasonCode, MqttProperties properties) {
        // no enhanced authentication
    }
}
