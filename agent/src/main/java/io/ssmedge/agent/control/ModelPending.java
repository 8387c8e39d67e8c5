package io.ssmedge.agent.control;

/** A configuration names a model that is published in chunks and not here yet: it is fetched, then applied. */
final class ModelPending extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final String topic;
    final String sha256;

    ModelPending(String topic, String sha256) {
        super("waiting for model " + sha256 + " on " + topic, null, false, false);
        this.topic = topic;
        this.sha256 = sha256;
    }
}
