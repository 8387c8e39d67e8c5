package io.ssmedge.model;

import java.util.Arrays;

/**
 * What every model's {@link StreamState} holds: the recurrent state of all layers, the pooling sum and step count,
 * and the buffers of the shared part of a step (encoder output, head input, logits). The architecture's state class
 * adds its own scratch buffers. Written by the owning model's step only.
 */
public abstract class ModelState implements StreamState {
    private final SsmModel owner;
    protected final float[] xRe;    // (ΣU_l) Re of every layer's units, layer l at the model's offset for it
    protected final float[] xIm;    // (ΣU_l) Im of the same
    protected final float[] pool;   // (H) pooling sum since reset (mode pool, see ClassifierHead)
    protected long steps;           // steps since reset
    // scratch, overwritten every step
    protected final float[] h;      // (H) features flowing through the layers
    protected final float[] feat;   // (H) head input (mode pool)
    protected final float[] logits; // (d_output)

    protected ModelState(SsmModel owner, int totalUnits) {
        this.owner = owner;
        int w = owner.width();
        xRe = new float[totalUnits];
        xIm = new float[totalUnits];
        pool = new float[w];
        h = new float[w];
        feat = new float[w];
        logits = new float[owner.outputSize()];
    }

    final boolean ownedBy(SsmModel m) {
        return owner == m;
    }

    @Override
    public final long steps() {
        return steps;
    }

    @Override
    public final long recurrentBytes() {
        return 4L * (xRe.length + xIm.length + pool.length) + 8;
    }

    @Override
    public final long totalBytes() {
        return recurrentBytes() + 4L * (h.length + feat.length + logits.length + scratchFloats());
    }

    /** Floats of the scratch buffers the subclass adds. */
    protected abstract long scratchFloats();

    final void clear() {
        Arrays.fill(xRe, 0f);
        Arrays.fill(xIm, 0f);
        Arrays.fill(pool, 0f);
        steps = 0;
    }
}
