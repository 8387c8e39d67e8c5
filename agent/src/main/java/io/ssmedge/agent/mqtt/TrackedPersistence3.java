package io.ssmedge.agent.mqtt;

import org.eclipse.paho.client.mqttv3.MqttClientPersistence;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttPersistable;
import org.eclipse.paho.client.mqttv3.MqttPersistenceException;
import org.eclipse.paho.client.mqttv3.internal.wire.MqttPublish;
import org.eclipse.paho.client.mqttv3.internal.wire.MqttWireMessage;

import java.util.Collections;
import java.util.Enumeration;

/**
 * Paho 3.1.1 persistence that reports confirmed messages to a {@link DeliveryListener} before deleting them, and
 * at start deletes kept messages the listener knows were confirmed (see {@link DeliveryTracking}).
 */
final class TrackedPersistence3 implements MqttClientPersistence {
    private final MqttClientPersistence delegate;
    private final DeliveryTracking tracking;
    private boolean checked;

    TrackedPersistence3(MqttClientPersistence delegate, DeliveryListener listener) {
        this.delegate = delegate;
        this.tracking = new DeliveryTracking(listener);
    }

    @Override
    public void open(String clientId, String serverUri) throws MqttPersistenceException {
        delegate.open(clientId, serverUri);
        if (checked) {
            return; // Paho reopens after a failed write; the files were checked at the first open
        }
        checked = true;
        for (Object o : Collections.list(delegate.keys())) {
            String key = (String) o;
            if (!DeliveryTracking.outgoing(key)) {
                continue;
            }
            if (stale(key)) {
                delegate.remove(key);
                String released = DeliveryTracking.RELEASED + key.substring(key.indexOf('-') + 1);
                if (key.startsWith(DeliveryTracking.SENT) && delegate.containsKey(released)) {
                    delegate.remove(released);
                }
            } else {
                tracking.restored(key);
            }
        }
    }

    /**
     * True when the kept message is a PUBLISH the broker confirmed in an earlier run ({@link DeliveryTracking#keep}).
     * A file that is not a PUBLISH is not stale, nor is a corrupt one: Paho drops it itself when it reads it (and
     * tells {@link #remove}).
     */
    private boolean stale(String key) {
        try {
            MqttWireMessage m = MqttWireMessage.createWireMessage(delegate.get(key));
            return m instanceof MqttPublish && !tracking.keep(key, ((MqttPublish) m).getMessage().getPayload());
        } catch (MqttException e) {
            return false;
        }
    }

    /** QoS 1/2 messages held and not completed by the broker, restored ones included (see DeliveryTracking). */
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
    public Enumeration keys() throws MqttPersistenceException {
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
