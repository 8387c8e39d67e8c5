package io.ssmedge.agent.mqtt;

/**
 * Confirms one received QoS 1 message to the broker (its PUBACK) once the agent no longer needs the broker to keep
 * it: after the message was processed, or after its samples reached the local journal (setting {@code durability}).
 * Until then the broker keeps the message in the agent's session and delivers it again after a crash.
 * {@link #done()} may be called from any thread, exactly once; acknowledgements still go out in arrival order.
 */
@FunctionalInterface
public interface Ack {
    /** Nothing to confirm: QoS 0, or the client confirms by itself (durability none). */
    Ack NONE = () -> {
    };

    void done();

    /**
     * Runs {@code confirmations} (calls of {@link #done()}) as one batch: the acknowledgements that become ready
     * meanwhile go to the broker together when it ends, still in arrival order (on plain TCP in one write instead of
     * one per message). Nothing is confirmed earlier than without the batch; batches on one thread may nest.
     */
    static void batch(Runnable confirmations) {
        AckBatch.run(confirmations);
    }
}
