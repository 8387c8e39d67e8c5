package io.ssmedge.agent.deploy;

import io.ssmedge.inference.WindowSpec;

import java.util.Map;

/**
 * What the workers run, as one immutable value that {@link DeploymentManager} replaces on every change: the serving
 * model (its predictions are published), an optional shadow model on a share of the streams (its predictions are
 * only compared), and the windowing. A worker reads the manager's current deployment once before each batch of
 * its queue and, when it changed, moves each of its streams to it (see {@code StreamWorker}); a stream is owned by
 * one worker, so this needs no lock on the hot path.
 *
 * @param generation  counts changes (1 = the model the agent started with)
 * @param serving     the model whose predictions are published
 * @param shadow      the model run beside it, not published; null when none
 * @param shadowShare share (0, 1] of the streams the shadow runs on (0 when there is no shadow)
 * @param window      how streams are cut into windows (the same for both models)
 * @param carryPlans  kept units (per layer) by which a stream's state carries from the model of the given version to
 *                    the serving model, for every version the serving model is a pruned copy of
 * @param transition  what changed, for logs: "start", "shadow started", "promoted", …
 */
public record Deployment(long generation, ModelVersion serving, ModelVersion shadow, double shadowShare,
                         WindowSpec window, Map<String, int[][]> carryPlans, String transition) {
    public Deployment {
        carryPlans = Map.copyOf(carryPlans);
    }

    /** Whether the shadow model runs on this stream: a fixed pseudo-random share of stream ids. */
    public boolean shadows(String stream) {
        return shadow != null && (shadowShare >= 1 || unitHash(stream) < shadowShare);
    }

    /** Kept units that carry a stream from {@code from} to the serving model, or null when it is no pruned copy. */
    public int[][] carryPlan(ModelVersion from) {
        return carryPlans.get(from.version());
    }

    /**
     * A number in [0, 1) fixed for a stream id: the stream's place in the shadow share (a 64-bit mix of the id's
     * hash, so similar ids such as pump1, pump2 spread evenly; independent of the worker the stream runs on).
     */
    static double unitHash(String stream) {
        long h = stream.hashCode() * 0x9E3779B97F4A7C15L; // SplitMix64 finalizer (Steele et al., 2014)
        h = (h ^ (h >>> 30)) * 0xBF58476D1CE4E5B9L;
        h = (h ^ (h >>> 27)) * 0x94D049BB133111EBL;
        h ^= h >>> 31;
        return (h >>> 11) * 0x1.0p-53;
    }
}
