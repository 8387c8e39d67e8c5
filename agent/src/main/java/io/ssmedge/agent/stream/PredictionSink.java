package io.ssmedge.agent.stream;

/** Where workers send predictions (the MQTT publisher in the daemon; a list in tests). Called on worker threads. */
public interface PredictionSink {
    void publish(Prediction prediction);
}
