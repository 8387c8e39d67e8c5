package io.ssmedge.agent.rollout.stats;

import java.util.HashMap;
import java.util.Map;

/**
 * Turns a stream of paired windows into close-to-independent observations.
 *
 * <p>Neighbouring windows of a stream share most of their samples (window 60, stride 8: 52 of 60), and a fault
 * spans many windows, so per-window indicators are strongly correlated and an interval built from them as if
 * they were independent is far too narrow. Two steps, per stream:
 * <ol>
 *   <li>thinning: keep one window per non-overlapping span, i.e. every k-th window with k = ⌈length / stride⌉,
 *       so kept windows share no sample;</li>
 *   <li>block means: average B kept windows into one observation (per-stream block means, the batch-means idea
 *       of time-series analysis; Conway 1963, Schmeiser 1982), which absorbs the correlation left between
 *       adjacent non-overlapping windows (a fault episode lasting several spans).</li>
 * </ol>
 * A block mean of bounded indicators is still bounded, so the confidence sequences apply unchanged. The cost is
 * evidence: one observation per k·B windows of a stream. Not thread-safe (the caller serialises calls).
 */
public final class WindowDecorrelator {
    private final int thin;
    private final int block;
    private final Map<String, Block> streams = new HashMap<>();

    /**
     * @param thin  keep every thin-th window of a stream (⌈length / stride⌉; 1 in continuous mode)
     * @param block kept windows averaged into one observation
     */
    public WindowDecorrelator(int thin, int block) {
        if (thin < 1 || block < 1) {
            throw new IllegalArgumentException("thin and block must be at least 1, got " + thin + ", " + block);
        }
        this.thin = thin;
        this.block = block;
    }

    /** k = ⌈length / stride⌉: windows per non-overlapping span. */
    public static int thinning(int length, int stride, boolean continuous) {
        if (continuous || stride <= 0 || length <= 0) {
            return 1;
        }
        return (length + stride - 1) / stride;
    }

    /**
     * Offers one window.
     *
     * @param referenceClass class chosen by the reference model
     * @param candidateClass class chosen by the candidate
     * @param label          true class, −1 when unknown; class 0 is normal, every other class a fault
     * @return the block's observation when this window completed a block, else null
     */
    public Observation offer(String stream, int referenceClass, int candidateClass, int label) {
        Block b = streams.computeIfAbsent(stream, s -> new Block());
        if (b.seen++ % thin != 0) {
            return null;
        }
        b.windows++;
        b.disagree += referenceClass != candidateClass ? 1 : 0;
        if (label >= 0) {
            b.labeled++;
            // X = 1[reference right] − 1[candidate right] ∈ {−1, 0, 1}; E[X] is the candidate's accuracy drop
            b.drop += (referenceClass == label ? 1 : 0) - (candidateClass == label ? 1 : 0);
            if (label == 0) {
                b.normal++;
                b.falseAlarm += candidateClass != 0 ? 1 : 0;
            } else {
                b.fault++;
                b.miss += candidateClass == 0 ? 1 : 0;
            }
        }
        if (b.windows < block) {
            return null;
        }
        Observation o = new Observation(b.labeled > 0 ? b.drop / b.labeled : Double.NaN, b.disagree / b.windows,
                b.normal > 0 ? b.falseAlarm / b.normal : Double.NaN, b.fault > 0 ? b.miss / b.fault : Double.NaN,
                b.windows, b.labeled);
        b.clear();
        return o;
    }

    /** Forgets partial blocks (a new gate starts). */
    public void clear() {
        streams.clear();
    }

    private static final class Block {
        long seen;
        int windows;
        int labeled;
        int normal;
        int fault;
        double drop;
        double disagree;
        double falseAlarm;
        double miss;

        void clear() {
            windows = 0;
            labeled = 0;
            normal = 0;
            fault = 0;
            drop = 0;
            disagree = 0;
            falseAlarm = 0;
            miss = 0;
        }
    }
}
