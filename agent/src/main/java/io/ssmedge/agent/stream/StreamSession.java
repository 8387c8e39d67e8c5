package io.ssmedge.agent.stream;

import io.ssmedge.agent.journal.SampleRing;
import io.ssmedge.agent.labels.LabelJoin;
import io.ssmedge.agent.labels.LiveScore;
import io.ssmedge.inference.WindowedStream;

/**
 * One sensor stream inside its worker: model state (windows), label join and the figures /api/status shows.
 * Written only by the owning worker thread; the volatile figures may be read from any thread.
 */
public final class StreamSession {
    private final String id;
    private final WindowedStream windows;
    private final LabelJoin labels;
    private final LiveScore score;
    private final SampleRing recent;
    private long lastActiveNanos = System.nanoTime();
    private volatile long samples;
    private volatile long predictions;
    private volatile long rejected;
    private volatile double lastSensorTs = Double.NEGATIVE_INFINITY;
    private volatile double lastPredictionTs = Double.NaN;
    private volatile int lastClass = -1;

    StreamSession(String id, WindowedStream windows, LabelJoin labels, LiveScore score, SampleRing recent) {
        this.id = id;
        this.windows = windows;
        this.labels = labels;
        this.score = score;
        this.recent = recent;
        this.samples = recent.total();
        this.lastSensorTs = recent.lastTs();
    }

    /** The stream's recent raw samples (owned by the worker thread; journaled with durability journal). */
    SampleRing recent() {
        return recent;
    }

    /** Marks activity now (for the idle limit). */
    void touched(long nanos) {
        lastActiveNanos = nanos;
    }

    long lastActiveNanos() {
        return lastActiveNanos;
    }

    public String id() {
        return id;
    }

    WindowedStream windows() {
        return windows;
    }

    LabelJoin labels() {
        return labels;
    }

    public LiveScore score() {
        return score;
    }

    public long samples() {
        return samples;
    }

    public long predictions() {
        return predictions;
    }

    public long rejected() {
        return rejected;
    }

    /** ts of the last sample that carried one (epoch ms), -∞ before the first. */
    public double lastSensorTs() {
        return lastSensorTs;
    }

    public double lastPredictionTs() {
        return lastPredictionTs;
    }

    /** Class of the last prediction, -1 before the first. */
    public int lastClass() {
        return lastClass;
    }

    /** Bytes of model state this stream holds (all open windows). */
    public long stateBytes() {
        return windows.stateBytes();
    }

    void accepted(int count, double lastTs) {
        samples += count;
        if (!Double.isNaN(lastTs)) {
            lastSensorTs = lastTs;
        }
    }

    void predicted(double ts, int cls) {
        predictions++;
        lastPredictionTs = ts;
        lastClass = cls;
    }

    void rejectedOne() {
        rejected++;
    }
}
