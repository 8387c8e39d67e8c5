package io.ssmedge.agent.stream;

import io.ssmedge.agent.deploy.ModelVersion;
import io.ssmedge.agent.journal.SampleRing;
import io.ssmedge.agent.labels.LabelJoin;
import io.ssmedge.agent.labels.LiveScore;
import io.ssmedge.inference.WindowSpec;
import io.ssmedge.inference.WindowedStream;

import java.util.ArrayList;
import java.util.List;

/**
 * One sensor stream inside its worker: model states (the serving model's windows, the shadow model's when the
 * stream is in the shadow share, and windows of a replaced model still finishing), label join and the figures
 * /api/status shows. Written only by the owning worker thread; the volatile figures may be read from any thread.
 */
public final class StreamSession {
    private final String id;
    private volatile Running serving;
    private volatile Running shadow;                          // null when the stream runs no shadow
    private final List<Running> finishing = new ArrayList<>(); // replaced models completing windows only they have
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
    // samples of the worker's current batch not stepped yet (worker thread only): rows of the worker's staging area
    private int[] pending = new int[4];
    private int pendingCount;

    /**
     * A model version with this stream's windows of it.
     *
     * @param pureFrom first sample (count) from which a window is this model's alone: windows that started earlier
     *                 hold state carried from another model ({@link WindowedStream#carryTo}); 0 when never carried
     */
    record Running(ModelVersion version, WindowedStream windows, long pureFrom) {
        /** Whether the window that ended with the last sample offered started at or after {@link #pureFrom}. */
        boolean lastWindowPure() {
            WindowSpec spec = windows.spec();
            long start = windows.samples() - (spec.continuous() ? spec.stride() : spec.length());
            return start >= pureFrom;
        }
    }

    StreamSession(String id, Running serving, Running shadow, LabelJoin labels, LiveScore score, SampleRing recent) {
        this.id = id;
        this.serving = serving;
        this.shadow = shadow;
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

    Running serving() {
        return serving;
    }

    Running shadow() {
        return shadow;
    }

    List<Running> finishing() {
        return finishing;
    }

    /** Version of the model whose predictions this stream publishes. */
    public ModelVersion servingVersion() {
        return serving.version();
    }

    /** Version of the shadow model this stream runs, null when none. */
    public ModelVersion shadowVersion() {
        Running h = shadow;
        return h == null ? null : h.version();
    }

    void runs(Running serving, Running shadow, List<Running> finishing) {
        this.serving = serving;
        this.shadow = shadow;
        this.finishing.clear();
        this.finishing.addAll(finishing);
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

    /** Bytes of model state this stream holds (all open windows of the serving and shadow model). */
    public long stateBytes() {
        Running h = shadow;
        return serving.windows().stateBytes() + (h == null ? 0 : h.windows().stateBytes());
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

    /** Queues a staged sample (row of the worker's staging area) for the next batched step. */
    void pend(int row) {
        if (pendingCount == pending.length) {
            pending = java.util.Arrays.copyOf(pending, 2 * pending.length);
        }
        pending[pendingCount++] = row;
    }

    /** Staged samples not stepped yet. */
    int pendingCount() {
        return pendingCount;
    }

    /** Staging row of the r-th pending sample. */
    int pending(int r) {
        return pending[r];
    }

    void clearPending() {
        pendingCount = 0;
    }

    void rejectedOne() {
        rejected++;
    }
}
