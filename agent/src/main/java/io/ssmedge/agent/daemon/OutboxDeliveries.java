package io.ssmedge.agent.daemon;

import io.ssmedge.agent.journal.Outbox;
import io.ssmedge.agent.mqtt.DeliveryListener;

/**
 * Connects the MQTT client's reports about kept messages to the journal's outbox: a payload is a prediction when
 * its JSON names a stream and ts ({@link PredictionPublisher#keyOf}); other messages (status, errors, rollout
 * events) are kept and not reported.
 */
final class OutboxDeliveries implements DeliveryListener {
    private final Outbox outbox;

    OutboxDeliveries(Outbox outbox) {
        this.outbox = outbox;
    }

    @Override
    public boolean keep(byte[] payload) {
        Outbox.Key k = PredictionPublisher.keyOf(payload);
        return k == null || outbox.held(k.stream(), k.ts());
    }

    @Override
    public void confirmed(byte[] payload) {
        Outbox.Key k = PredictionPublisher.keyOf(payload);
        if (k != null) {
            outbox.confirmed(k.stream(), k.ts());
        }
    }
}
