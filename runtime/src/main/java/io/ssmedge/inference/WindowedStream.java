package io.ssmedge.inference;

import io.ssmedge.model.PrunedCopy;
import io.ssmedge.model.SsmModel;
import io.ssmedge.model.StreamBlock;

/**
 * One sensor stream cut into windows, fed one sample at a time.
 *
 * <p>Fixed windows: window j covers samples [j·stride, j·stride + length); each open window has its own
 * state, reset when the window starts, so the prediction is that of the window evaluated on its own,
 * as {@link BatchEvaluator} does. With stride ≥ length one state suffices; overlapping windows need
 * ⌈length/stride⌉. Continuous: one state, never reset, a prediction every {@code stride} samples.
 *
 * <p>The window states are the rows of one {@link StreamBlock} and every sample steps them together
 * with the model's batched kernels ({@link SsmModel#stepBlock}), the same kernels batch evaluation uses.
 * Everything is allocated in the constructor; {@link #offer} allocates nothing.
 */
public final class WindowedStream {
    private final SsmModel model;
    private final WindowSpec spec;
    private final StreamBlock block;  // one row per concurrent window
    private final boolean compact;    // states only: stepped in a WindowedBatch
    private final int slots;          // ⌈length/stride⌉, or 1 when continuous
    private final boolean[] open;     // (slots) the row holds a window that has not ended yet
    private final float[] u;          // (slots, d_input) the sample, repeated for every row
    private final float[] logp;       // (slots, d_output)
    private long samples;             // samples seen

    public WindowedStream(SsmModel model, WindowSpec spec) {
        this(model, spec, false);
    }

    private WindowedStream(SsmModel model, WindowSpec spec, boolean compact) {
        this.model = model;
        this.spec = spec;
        this.compact = compact;
        slots = spec.concurrentWindows();
        block = compact ? model.newStateBlock(slots) : model.newBlock(slots);
        open = new boolean[slots];
        u = new float[compact ? 0 : slots * model.inputSize()];
        logp = new float[compact ? 0 : slots * model.outputSize()];
    }

    /**
     * A stream that keeps only its windows' states (about half the bytes: no step buffers of its own) and is
     * stepped in a {@link WindowedBatch}; {@link #offer} refuses it. Streams made from it ({@link #joining},
     * {@link #carryTo}) are compact too. How the daemon holds thousands of streams.
     */
    public static WindowedStream compact(SsmModel model, WindowSpec spec) {
        return new WindowedStream(model, spec, true);
    }

    /** {@link #stateBytes} of a {@link #compact} stream, without creating one: a state per open window. */
    public static long compactStateBytes(SsmModel model, WindowSpec spec) {
        return spec.concurrentWindows() * model.stateBytesPerStream();
    }

    /** Whether this stream holds states only ({@link #compact}). */
    public boolean isCompact() {
        return compact;
    }

    public SsmModel model() {
        return model;
    }

    public WindowSpec spec() {
        return spec;
    }

    /** Samples offered so far. */
    public long samples() {
        return samples;
    }

    /** Bytes of all states and step buffers this stream holds. */
    public long stateBytes() {
        return block.totalBytes();
    }

    /** Forgets all open windows (e.g. after a gap in the data); the next sample starts window 0 again. */
    public void restart() {
        block.resetAll();
        java.util.Arrays.fill(open, false);
        samples = 0;
    }

    /**
     * Feeds one normalized sample.
     *
     * @param sample (d_input) normalized sample (not modified)
     * @param out    (d_output) written when a window ends at this sample
     * @return true when a window ended here and {@code out} holds its prediction
     */
    public boolean offer(float[] sample, float[] out) {
        int d = model.inputSize();
        int k = model.outputSize();
        if (sample == null || sample.length < d || out == null || out.length < k) {
            throw new IllegalArgumentException("offer: expected a sample of at least " + d + " values (d_input) and an "
                    + "output of at least " + k + " (d_output), got " + (sample == null ? "none" : sample.length)
                    + " and " + (out == null ? "none" : out.length));
        }
        if (compact) {
            throw new IllegalStateException("offer: this stream keeps its states only (WindowedStream.compact); step it "
                    + "in a WindowedBatch");
        }
        long t = samples++;
        if (!spec.continuous() && t % spec.stride() == 0) {
            int slot = (int) ((t / spec.stride()) % slots);
            block.reset(slot);
            open[slot] = true;
        }
        for (int s = 0; s < slots; s++) {
            System.arraycopy(sample, 0, u, s * d, d);
        }
        // idle rows step too (one block product for all rows); they are reset when their window starts
        model.stepBlock(block, slots, u, logp);
        if (spec.continuous()) {
            System.arraycopy(logp, 0, out, 0, k);
            return (t + 1) % spec.stride() == 0;
        }
        boolean emitted = false;
        for (int s = 0; s < slots; s++) {
            if (open[s] && block.steps(s) == spec.length()) {
                System.arraycopy(logp, s * k, out, 0, k);
                open[s] = false;
                emitted = true;
            }
        }
        return emitted;
    }

    /**
     * A stream at the same position as {@code at} (same samples counted, so its windows start and end at the same
     * samples) but with no window open: it takes part from the next window that starts. A shadow model joins a
     * running stream this way, so every window it completes is one it saw from the first sample.
     */
    public static WindowedStream joining(SsmModel model, WindowedStream at) {
        WindowedStream next = new WindowedStream(model, at.spec, at.compact);
        next.samples = at.samples;
        return next;
    }

    /**
     * A stream that has counted {@code samples} samples but has no window open: windows start and end where they
     * would on a stream fed that many samples. To re-warm a model on a stream's recent samples, start it a few
     * samples back at a window start and offer those samples.
     */
    public static WindowedStream at(SsmModel model, WindowSpec spec, long samples) {
        return at(model, spec, samples, false);
    }

    /** The same, {@link #compact} when asked. */
    public static WindowedStream at(SsmModel model, WindowSpec spec, long samples, boolean compact) {
        if (samples < 0) {
            throw new IllegalArgumentException("WindowedStream.at: samples must be >= 0, got " + samples);
        }
        WindowedStream next = new WindowedStream(model, spec, compact);
        next.samples = samples;
        return next;
    }

    // for WindowedBatch, which steps this stream's windows inside a larger block
    StreamBlock block() {
        return block;
    }

    boolean[] open() {
        return open;
    }

    /** Counts one sample and returns its index (from 0). */
    long advance() {
        return samples++;
    }

    /** Windows open now (started and not yet ended). */
    public int openWindows() {
        int n = 0;
        for (boolean o : open) {
            n += o ? 1 : 0;
        }
        return n;
    }

    /**
     * The same stream continued on a pruned copy of this stream's model ({@code model().retain(keptUnits)} or the
     * pruner's result for a plan with these kept units): open windows and their states are carried over by index
     * selection, so no window is lost or restarted. The entry point for moving streams to a pruned model.
     *
     * @throws IllegalArgumentException when {@code target} is not that pruned copy ({@link PrunedCopy#check});
     *                                  nothing is carried
     */
    public WindowedStream carryTo(SsmModel target, int[][] keptUnits) {
        PrunedCopy.check(model, keptUnits, target);
        WindowedStream next = new WindowedStream(target, spec, compact);
        for (int s = 0; s < slots; s++) {
            model.carry(block, s, keptUnits, target, next.block, s);
            next.open[s] = open[s];
        }
        next.samples = samples;
        return next;
    }

    /**
     * Whether every window {@code other} has open is open here too (both at the same sample, windowed alike), so
     * this stream will complete every window {@code other} would. Always true in continuous mode.
     */
    public boolean covers(WindowedStream other) {
        if (other.samples != samples || !other.spec.equals(spec)) {
            return false;
        }
        for (int s = 0; s < slots; s++) {
            if (other.open[s] && !open[s]) {
                return false;
            }
        }
        return true;
    }
}
