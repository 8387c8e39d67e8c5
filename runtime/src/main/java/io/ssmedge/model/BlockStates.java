package io.ssmedge.model;

import io.ssmedge.kernel.Kernels;
import io.ssmedge.kernel.Rows;

import java.util.Arrays;

/**
 * What every model's {@link StreamBlock} holds: the recurrent states of S streams per layer, the
 * pooling sums and step counts, and the matrix kernel. The arrays are written by the owning model's
 * {@code stepBlock} only; callers use the {@link StreamBlock} methods.
 */
public abstract class BlockStates implements StreamBlock {
    public final Kernels kernels;
    public final int capacity;     // S
    public final int width;        // H
    /**
     * True: unit j of stream s at [j·S + s] (unit-major); false: at [s·U + j] (stream-major). A model may
     * keep Re and Im in one array (U counting both, xIm then empty), see its block class.
     */
    public final boolean unitMajor;
    public final float[][] xRe;    // [layer] (S, U_l) or (U_l, S): Re of the complex states
    public final float[][] xIm;    // [layer] same layout: Im (empty when xRe holds both)
    public final float[] pool;     // (S, H) feature sums since each stream's reset (mode pool)
    public final int[] steps;      // (S) steps since each stream's reset
    // scratch, overwritten every step
    public final float[] h;        // (S, H) features flowing through the layers
    public final float[] feat;     // (S, H) head input (mode pool)
    public final float[] logits;   // (S, d_output)

    /**
     * @param unitsPerLayer floats per stream of each layer's xRe (and of xIm when {@code separateIm})
     * @param separateIm    false: xRe holds Re and Im together and every xIm is empty
     */
    protected BlockStates(int streams, int width, int outputs, int[] unitsPerLayer, boolean unitMajor, boolean separateIm,
                          Kernels kernels) {
        if (streams < 1) {
            throw new IllegalArgumentException("a block needs at least one stream, got " + streams);
        }
        this.kernels = kernels;
        this.capacity = streams;
        this.width = width;
        this.unitMajor = unitMajor;
        xRe = new float[unitsPerLayer.length][];
        xIm = new float[unitsPerLayer.length][];
        for (int l = 0; l < unitsPerLayer.length; l++) {
            xRe[l] = new float[streams * unitsPerLayer[l]];
            xIm[l] = new float[separateIm ? streams * unitsPerLayer[l] : 0];
        }
        pool = new float[streams * width];
        steps = new int[streams];
        h = new float[streams * width];
        feat = new float[streams * width];
        logits = new float[streams * outputs];
    }

    /** h = u @ encW + encB for streams 0..active-1 (the encoder dense; u is (active, d_input)). */
    public final void encode(int active, float[] u, int dInput, float[] encW, float[] encB) {
        checkActive(active);
        Rows.affine(kernels, active, u, dInput, encW, encB, width, h);
    }

    /** After the layers: counts the step and writes the head's log-probabilities (active, d_output). */
    public final void finish(int active, ClassifierHead head, float[] logp) {
        advance(active);
        head.readoutBlock(kernels, active, h, pool, steps, feat, logits, logp);
    }

    /** Checks 1 ≤ active ≤ S. */
    public final void checkActive(int active) {
        if (active < 1 || active > capacity) {
            throw new IllegalArgumentException("active streams must be within 1.." + capacity + ", got " + active);
        }
    }

    /** Counts one step for streams 0..active-1. */
    public final void advance(int active) {
        for (int s = 0; s < active; s++) {
            steps[s]++;
        }
    }

    @Override
    public final int capacity() {
        return capacity;
    }

    @Override
    public final void reset(int stream) {
        for (int l = 0; l < xRe.length; l++) {
            if (unitMajor) {
                for (int j = stream; j < xRe[l].length; j += capacity) {
                    xRe[l][j] = 0f;
                }
                for (int j = stream; j < xIm[l].length; j += capacity) {
                    xIm[l][j] = 0f;
                }
            } else {
                int u = xRe[l].length / capacity;
                Arrays.fill(xRe[l], stream * u, (stream + 1) * u, 0f);
                int v = xIm[l].length / capacity;
                Arrays.fill(xIm[l], stream * v, (stream + 1) * v, 0f);
            }
        }
        Arrays.fill(pool, stream * width, (stream + 1) * width, 0f);
        steps[stream] = 0;
    }

    @Override
    public final void resetAll() {
        for (int l = 0; l < xRe.length; l++) {
            Arrays.fill(xRe[l], 0f);
            Arrays.fill(xIm[l], 0f);
        }
        Arrays.fill(pool, 0f);
        Arrays.fill(steps, 0);
    }

    @Override
    public final int steps(int stream) {
        return steps[stream];
    }

    @Override
    public final long recurrentBytes() {
        long n = pool.length + steps.length;
        for (int l = 0; l < xRe.length; l++) {
            n += xRe[l].length + xIm[l].length;
        }
        return 4 * n;
    }

    @Override
    public final long totalBytes() {
        return recurrentBytes() + 4L * (h.length + feat.length + logits.length + scratchFloats());
    }

    /** Floats of the scratch buffers the subclass adds. */
    protected abstract long scratchFloats();

    @Override
    public final String kernel() {
        return kernels.name();
    }
}
