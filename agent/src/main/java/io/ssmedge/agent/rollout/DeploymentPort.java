package io.ssmedge.agent.rollout;

/**
 * What the rollout engine drives: the daemon's deployment (serving model, one shadow model) or the rehearsal's
 * simulated one. Every call is a switch the engine has already decided and recorded; implementations make it
 * happen without a gap or a duplicate prediction.
 */
public interface DeploymentPort {
    /** Runs {@code candidate} beside the serving model on a share of streams; its predictions are not published. */
    void startShadow(StageModel candidate, double streamShare);

    void stopShadow();

    /** The shadow serves from now on; the previous serving model keeps running as shadow (warm). */
    void promote();

    /** The shadow (previous model, warm) serves again; the demoted model keeps running as shadow. */
    void rollback();

    /** Cold switch to {@code target} (re-warmed from recent samples where possible); no shadow afterwards. */
    void replaceServing(StageModel target);

    /** Recent samples per stream from which {@link #replaceServing} re-warms the target (for the event text). */
    int rewarmSamples();
}
