package io.ssmedge.agent.loadgen;

import org.HdrHistogram.Histogram;

import java.util.Arrays;

/**
 * Splits each prediction's end-to-end latency into the three parts a load test can tell apart, to show where a high
 * percentile comes from. With e2e measured here (sample ts → prediction received) and the prediction's own
 * {@code latency_ms} fields (queue, inference, end_to_end: sample ts → handed to the agent's MQTT client):
 * <pre>
 *   before the worker = end_to_end − queue − inference   load generator → broker → the agent's socket read and routing
 *   in the worker     = queue + inference                 the worker queue and the model
 *   after the worker  = e2e − end_to_end                  the agent's MQTT output → broker → read here
 * </pre>
 * The three add up to e2e (negative parts, from clock rounding, count as 0). For the slowest 1 % of the predictions it
 * counts which part was the largest. Not thread-safe: the caller serialises {@link #record}.
 */
final class LatencySplit {
    static final int BEFORE = 0;
    static final int WORKER = 1;
    static final int AFTER = 2;
    /** Predictions whose parts are kept for the slowest-1 % count; below 2^22, see {@link #slowest}. */
    private static final int MAX_KEPT = 4_000_000;

    private final Histogram[] parts = {hist(), hist(), hist()}; // (3) µs per part
    private int[] kept = new int[4 * 1024];                       // (n, 4): e2e, before, worker, after in µs
    private int n;

    private static Histogram hist() {
        return new Histogram(3_600_000_000L, 3);
    }

    /** The report's figures; null when no prediction was recorded (none carried the agent's latency fields). */
    LoadReport.Split summary() {
        return count() == 0 ? null : new LoadReport.Split(partMs(BEFORE, 99), partMs(WORKER, 99), partMs(AFTER, 99),
                slowestFromMs(), largestPartOfSlowest());
    }

    /** One prediction: all figures in µs; {@code inAgent} is the prediction's own end_to_end. */
    void record(long e2eMicros, long queueMicros, long inferenceMicros, long inAgentMicros) {
        long e = clamp(e2eMicros);
        long worker = clamp(queueMicros + inferenceMicros);
        long before = clamp(inAgentMicros - worker);
        long after = clamp(e2eMicros - inAgentMicros);
        parts[BEFORE].recordValue(before);
        parts[WORKER].recordValue(worker);
        parts[AFTER].recordValue(after);
        if (n < MAX_KEPT) {
            if (4 * n + 4 > kept.length) {
                kept = Arrays.copyOf(kept, Math.min(4 * MAX_KEPT, 2 * kept.length));
            }
            kept[4 * n] = (int) Math.min(Integer.MAX_VALUE, e);
            kept[4 * n + 1] = (int) Math.min(Integer.MAX_VALUE, before);
            kept[4 * n + 2] = (int) Math.min(Integer.MAX_VALUE, worker);
            kept[4 * n + 3] = (int) Math.min(Integer.MAX_VALUE, after);
            n++;
        }
    }

    private static long clamp(long micros) {
        return Math.max(0, Math.min(3_600_000_000L, micros));
    }

    long count() {
        return parts[BEFORE].getTotalCount(); // each part has one value per prediction
    }

    /** The percentile of one part ({@link #BEFORE}, {@link #WORKER}, {@link #AFTER}), ms. */
    double partMs(int part, double percentile) {
        return parts[part].getValueAtPercentile(percentile) / 1000.0;
    }

    /** The smallest e2e latency among the slowest 1 % of the kept predictions, ms (0 when none were kept). */
    double slowestFromMs() {
        long[] top = slowest();
        return top.length == 0 ? 0 : (top[0] >>> 22) / 1000.0;
    }

    /**
     * Among the slowest 1 % of the kept predictions (by rank: the ⌈n/100⌉ largest e2e): how many had each part as
     * their largest ({@code [before, worker, after, total]}). A tie goes to the earlier part.
     */
    long[] largestPartOfSlowest() {
        long[] c = new long[4];
        for (long key : slowest()) {
            int i = (int) (key & ((1 << 22) - 1));
            int b = kept[4 * i + 1];
            int w = kept[4 * i + 2];
            int a = kept[4 * i + 3];
            c[b >= w && b >= a ? BEFORE : w >= a ? WORKER : AFTER]++;
            c[3]++;
        }
        return c;
    }

    /** The slowest ⌈n/100⌉ kept predictions as (e2e µs &lt;&lt; 22 | index), smallest first. */
    private long[] slowest() {
        long[] keys = new long[n];
        for (int i = 0; i < n; i++) {
            keys[i] = ((long) kept[4 * i] << 22) | i; // n ≤ MAX_KEPT < 2^22
        }
        Arrays.sort(keys);
        int k = (n + 99) / 100;
        return Arrays.copyOfRange(keys, n - k, n);
    }
}
