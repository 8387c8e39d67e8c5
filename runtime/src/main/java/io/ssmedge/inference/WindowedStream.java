package io.ssmedge.inference;

import io.ssmedge.model.SsmModel;
import io.ssmedge.model.StreamState;

/**
 * One sensor stream cut into windows, fed one sample at a time.
 *
 * <p>Fixed windows: window j covers samples [j·stride, j·stride + length); each open window has its own
 * state, reset when the window starts, so the prediction equals the batch evaluation of the same
 * window. With stride ≥ length one state suffices; overlapping windows need ⌈length/stride⌉.
 * Continuous: one state, never reset, a prediction every {@code stride} samples.
 *
 * <p>All states are allocated in the constructor; {@link #offer} allocates nothing.
 */
public final class WindowedStream {
    private final SsmModel model;
    private final WindowSpec spec;
    private final StreamState[] slots;
    private final boolean[] open;    // (slots) the slot holds a window that has not ended yet
    private final float[] scratch;   // (d_output)
    private long samples;            // samples seen

    public WindowedStream(SsmModel model, WindowSpec spec) {
        this.model = model;
        this.spec = spec;
        int n = spec.concurrentWindows();
        slots = new StreamState[n];
        open = new boolean[n];
        for (int i = 0; i < n; i++) {
            slots[i] = model.newState();
        }
        scratch = new float[model.outputSize()];
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

    /** Bytes of all states this stream holds. */
    public long stateBytes() {
        long b = 0;
        for (StreamState s : slots) {
            b += s.totalBytes();
        }
        return b;
    }

    /** Forgets all open windows (e.g. after a gap in the data); the next sample starts window 0 again. */
    public void restart() {
        for (int i = 0; i < slots.length; i++) {
            model.reset(slots[i]);
            open[i] = false;
        }
        samples = 0;
    }

    /**
     * Feeds one normalized sample.
     *
     * @param u    (d_input) normalized sample (not modified)
     * @param logp (d_output) written when a window ends at this sample
     * @return true when a window ended here and {@code logp} holds its prediction
     */
    public boolean offer(float[] u, float[] logp) {
        long t = samples++;
        if (spec.continuous()) {
            model.step(slots[0], u, logp);
            return (t + 1) % spec.stride() == 0;
        }
        if (t % spec.stride() == 0) {
            int slot = (int) ((t / spec.stride()) % slots.length);
            model.reset(slots[slot]);
            open[slot] = true;
        }
        boolean emitted = false;
        for (int i = 0; i < slots.length; i++) {
            if (!open[i]) {
                continue;
            }
            boolean ends = slots[i].steps() + 1 == spec.length();
            model.step(slots[i], u, ends ? logp : scratch);
            if (ends) {
                emitted = true;
                open[i] = false;
            }
        }
        return emitted;
    }

    /**
     * The same stream continued on a model made by {@code model().retain(keptUnits)}: open windows and
     * their states are carried over by index selection, so no window is lost or restarted.
     */
    public WindowedStream carryTo(SsmModel target, int[][] keptUnits) {
        WindowedStream next = new WindowedStream(target, spec);
        for (int i = 0; i < slots.length; i++) {
            model.carryState(slots[i], keptUnits, target, next.slots[i]);
            next.open[i] = open[i];
        }
        next.samples = samples;
        return next;
    }
}
