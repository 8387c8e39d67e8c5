package io.ssmedge.agent.mqtt;

import org.eclipse.paho.mqttv5.client.MqttClientPersistence;
import org.eclipse.paho.mqttv5.common.MqttPersistable;
import org.eclipse.paho.mqttv5.common.MqttPersistenceException;

import java.util.Enumeration;

/**
 * Paho MQTT 5 persistence that reports confirmed messages to a {@link DeliveryListener} before deleting them (in
 * memory: the MQTT 5 client keeps nothing across a crash, see Agent).
 */
final class TrackedPersistence5 implements MqttClientPersistence {
    private final MqttClientPersistence delegate;
    private final DeliveryTracking tracking;

    TrackedPersistence5(MqttClientPersistence delegate, DeliveryListener listener) {
        this.delegate = delegate;
        this.tracking = new DeliveryTracking(listener);
    }

    @Override
    public void open(String clientId) throws MqttPersistenceException {
        delegate.open(clientId);
    }

    /** QoS 1/2 messages held and not completed by the broker (see DeliveryTracking). */
    int outstanding() {
        return tracking.outstanding();
    }

    @Override
    public void put(String key, MqttPersistable p) throws MqttPersistenceException {
        if (DeliveryTracking.outgoing(key)) {
            tracking.stored(key, DeliveryTracking.slice(p.getPayloadBytes(), p.getPayloadOffset(), p.getPayloadLength()));
        }
        delegate.put(key, p);
    }

    @Override
    public void remove(String key) throws MqttPersistenceException {
        tracking.removing(key);
        delegate.remove(key);
    }

    @Override
    public MqttPersistable get(String key) throws MqttPersistenceException {
        return delegate.get(key);
    }

    @Override
    public Enumeration<String> keys() throws MqttPersistenceException {
        return delegate.keys();
    }

    @Override
    public void clear() throws MqttPersistenceException {
        delegate.clear();
    }

    @Override
    public boolean containsKey(String key) throws MqttPersistenceException {
        return delegate.containsKey(key);
    }

    @Override
    public void close() throws MqttPersistenceException {
        delegate.close();
    }
}
