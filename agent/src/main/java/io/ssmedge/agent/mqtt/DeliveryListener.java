package io.ssmedge.agent.mqtt;

/**
 * Told about the outgoing QoS 1/2 messages the MQTT client keeps until the broker confirms them (the journal's
 * outbox uses it to know, across crashes, which predictions the broker has: see io.ssmedge.agent.journal.Outbox).
 * Called on the client's threads; must be quick.
 */
public interface DeliveryListener {
    /**
     * At start, before the client reads its files: a message the client kept from an earlier run. False when the
     * broker had confirmed it already (the client's copy is deleted instead of being sent again).
     */
    boolean keep(byte[] payload);

    /** The broker confirmed the message (PUBACK, PUBCOMP); called before the client deletes its copy. */
    void confirmed(byte[] payload);
}
