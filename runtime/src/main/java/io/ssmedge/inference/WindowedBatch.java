package io.ssmedge.inference;

import io.ssmedge.model.SsmModel;
import io.ssmedge.model.StreamBlock;

/**
 * Many {@link WindowedStream}s of one model and window stepped as one block: the batched kernels
 * ({@link SsmModel#stepBlock}) reach their speed on hundreds of rows, while one stream has only its ⌈length/stride⌉
 * open windows (8 rows at window 60, stride 8). A daemon worker gathers every stream that received samples
 * ({@link #add}), steps them sample by sample in rounds ({@link #step}: round r steps the r-th new sample of every
 * stream that has one), and hands the states back ({@link #release}). Each stream gets exactly the predictions
 * {@link WindowedStream#offer} would give it on the same samples (same window starts and ends, same state updates).
 *
 * <p>Layout: member i's window slot w is row i·slots + w of the block. A round steps members 0..n−1, so members are
 * added in order of falling sample count: those that still have a sample in round r are a prefix.
 *
 * <p>Everything is allocated in the constructor; add, step and release allocate nothing. One thread at a time.
 */
public final class WindowedBatch {
    private final SsmModel model;
    private final WindowSpec spec;
    private final int slots;                // ⌈length/stride⌉, 1 when continuous
    private final StreamBlock block;        // (capacity·slots rows)
    private final WindowedStream[] members; // (capacity) gathered streams, in row order
    private int count;
    private final float[] u;                // (capacity·slots, d_input) each member's sample on all its rows
    private final float[] logp;             // (capacity·slots, d_output)
    private final boolean[] ended;          // (capacity) a window of member i ended in the last round
    private final int[] endedRow;           // (capacity) its row in logp

    /** @param capacity most streams gathered at once */
    public WindowedBatch(SsmModel model, WindowSpec spec, int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("a batch needs room for at least one stream, got " + capacity);
        }
        this.model = model;
        this.spec = spec;
        this.slots = spec.concurrentWindows();
        this.block = model.newBlock(capacity * slots);
        this.members = new WindowedStream[capacity];
        this.u = new float[capacity * slots * model.inputSize()];
        this.logp = new float[capacity * slots * model.outputSize()];
        this.ended = new boolean[capacity];
        this.endedRow = new int[capacity];
    }

    /** Whether streams of this model and window can join this batch. */
    public boolean fits(WindowedStream w) {
        return w.model() == model && w.spec().equals(spec);
    }

    public int capacity() {
        return members.length;
    }

    /** Streams gathered now. */
    public int size() {
        return count;
    }

    /** Bytes of the block and buffers. */
    public long totalBytes() {
        return block.totalBytes() + 4L * (u.length + logp.length) + 5L * ended.length;
    }

    /**
     * Gathers a stream's windows (states copied into this batch's block until {@link #release}); the stream must not
     * be offered samples meanwhile.
     *
     * @return the stream's member index for {@link #sample}, {@link #ended} and {@link #prediction}
     */
    public int add(WindowedStream w) {
        if (!fits(w)) {
            throw new IllegalArgumentException("WindowedBatch.add: the stream runs another model or window ("
                    + w.spec() + ", batch " + spec + ")");
        }
        if (count == members.length) {
            throw new IllegalStateException("WindowedBatch.add: the batch holds " + count + " streams already");
        }
        int i = count++;
        members[i] = w;
        StreamBlock own = w.block();
        own.copyStreams(0, slots, block, i * slots);
        return i;
    }

    /** Sets member i's next sample (normalized, d_input values; not kept). */
    public void sample(int i, float[] sample) {
        int d = model.inputSize();
        int row = i * slots;
        for (int s = 0; s < slots; s++) {
            System.arraycopy(sample, 0, u, (row + s) * d, d);
        }
    }

    /**
     * One round: members 0..n−1 take the sample set with {@link #sample}; window starts and ends as in
     * {@link WindowedStream#offer}. Afterwards {@link #ended} tells which members completed a window.
     */
    public void step(int n) {
        if (n < 1 || n > count) {
            throw new IllegalArgumentException("WindowedBatch.step: members to step must be within 1.." + count
                    + ", got " + n);
        }
        for (int i = 0; i < n; i++) {
            WindowedStream w = members[i];
            long t = w.advance();
            if (!spec.continuous() && t % spec.stride() == 0) {
                int slot = (int) ((t / spec.stride()) % slots);
                block.reset(i * slots + slot);
                w.open()[slot] = true;
            }
        }
        // idle rows step too (one block product for all rows); they are reset when their window starts
        model.stepBlock(block, n * slots, u, logp);
        for (int i = 0; i < n; i++) {
            WindowedStream w = members[i];
            ended[i] = false;
            if (spec.continuous()) {
                ended[i] = w.samples() % spec.stride() == 0;
                endedRow[i] = i;
                continue;
            }
            boolean[] open = w.open();
            for (int s = 0; s < slots; s++) {
                int row = i * slots + s;
                if (open[s] && block.steps(row) == spec.length()) {
                    open[s] = false;
                    ended[i] = true;
                    endedRow[i] = row;
                }
            }
        }
        for (int i = n; i < count; i++) {
            ended[i] = false;
        }
    }

    /** Whether member i completed a window in the last round (then {@link #prediction} holds it). */
    public boolean ended(int i) {
        return ended[i];
    }

    /** Copies the log-probabilities of the window member i completed in the last round into {@code out} (d_output). */
    public void prediction(int i, float[] out) {
        int k = model.outputSize();
        System.arraycopy(logp, endedRow[i] * k, out, 0, k);
    }

    /** Hands every member's states back to its own stream and empties the batch. */
    public void release() {
        for (int i = 0; i < count; i++) {
            StreamBlock own = members[i].block();
            block.copyStreams(i * slots, slots, own, 0);
            members[i] = null;
        }
        count = 0;
    }
}
