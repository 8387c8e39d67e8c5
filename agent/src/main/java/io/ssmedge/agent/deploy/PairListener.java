package io.ssmedge.agent.deploy;

/** Receives the paired windows of serving and shadow model. Called on worker threads: must be cheap and thread-safe. */
public interface PairListener {
    void onPair(PairedWindow w);
}
