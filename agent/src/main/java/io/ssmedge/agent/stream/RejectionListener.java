package io.ssmedge.agent.stream;

/** Told about every message a worker could not use (metrics and the error topic). Called on worker threads. */
public interface RejectionListener {
    void rejected(String stream, InboundMessage.Kind kind, RejectReason reason, String message);
}
