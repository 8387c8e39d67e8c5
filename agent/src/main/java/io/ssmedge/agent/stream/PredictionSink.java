package io.ssmedge.agent.stream;

/** Where workers send predictions (the MQTT publisher in the daemon; a list in tests). Called on worker threads. */
public interface PredictionSink {
    void publish(Prediction prediction);

    /**
     * Hands a prediction over only if it can go out now (connected), else returns false and the caller keeps it
     * (the journal's outbox, which tries again). Called on the outbox thread.
     */
    default boolean offer(Prediction prediction) {
        publish(prediction);
        return true;
    }
}
