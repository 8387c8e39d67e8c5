package io.ssmedge.model;

import io.ssmedge.kernel.Kernels;
import io.ssmedge.kernel.Rows;

import java.util.Arrays;

/**
 * What every model's {@link StreamBlock} holds: the recurrent states of S streams per layer, the
 * pooling sums and step counts, and the matrix kernel. The arrays are written by the owning model's
 * {@code stepBlock} only (the architecture's block class hands them to its layers); callers use the
 * {@link StreamBlock} methods.
 */
public abstract class BlockStates implements StreamBlock {
    private final SsmModel owner;
    protected final Kernels kernels;
    protected final int capacity;     // S
    protected final int width;        // H
    /**
     * True: unit j of stream s at [j·S + s] (unit-major); false: at [s·U + j] (stream-major). A model may
     * keep Re and Im in one array (U counting both, xIm then empty), see its block class.
     */
    protected final boolean unitMajor;
    protected final float[][] xRe;    // [layer] (S, U_l) or (U_l, S): Re of the complex states
    protected final float[][] xIm;    // [layer] same layout: Im (empty when xRe holds both)
    private final float[] pool;       // (S, H) feature sums since each stream's reset (mode pool)
    private final long[] steps;       // (S) steps since each stream's reset
    // scratch, overwritten every step
    protected final float[] h;        // (S, H) features flowing through the layers
    private final float[] feat;       // (S, H) head input (mode pool)
    private final float[] logits;     // (S, d_output)
    private final boolean steppable;  // false: states only (SsmModel#newStateBlock), the scratch arrays are empty

    /**
     * @param unitsPerLayer floats per stream of each layer's xRe (and of xIm when {@code separateIm})
     * @param separateIm    false: xRe holds Re and Im together and every xIm is empty
     */
    protected BlockStates(SsmModel owner, int streams, int[] unitsPerLayer, boolean unitMajor, boolean separateIm,
                          Kernels kernels) {
        this(owner, streams, unitsPerLayer, unitMajor, separateIm, kernels, true);
    }

    /**
     * Bytes one stream takes in a states-only block, the arrays the constructor allocates per stream: the layers'
     * states (xRe, and xIm of the same size when {@code separateIm}), the pooling sum (H floats) and the step count
     * (a long): {@code 4·(Σ units·(separateIm ? 2 : 1) + H + 2)}.
     */
    public static long stateBytes(int[] unitsPerLayer, boolean separateIm, int width) {
        long n = width + 2L;
        for (int u : unitsPerLayer) {
            n += separateIm ? 2L * u : u;
        }
        return 4 * n;
    }

    /** @param scratch false: the states only, no step buffers (the block can be copied from and to, not stepped) */
    protected BlockStates(SsmModel owner, int streams, int[] unitsPerLayer, boolean unitMajor, boolean separateIm,
                          Kernels kernels, boolean scratch) {
        if (streams < 1) {
            throw new IllegalArgumentException("a block needs at least one stream, got " + streams);
        }
        this.owner = owner;
        int width = owner.width();
        int outputs = owner.outputSize();
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
        steps = new long[streams];
        this.steppable = scratch;
        int rows = scratch ? streams : 0;
        h = new float[rows * width];
        feat = new float[rows * width];
        logits = new float[rows * outputs];
    }

    final boolean ownedBy(SsmModel m) {
        return owner == m;
    }

    /** h = u @ encW + encB for streams 0..active-1 (the encoder dense; u is (active, d_input)). */
    final void encode(int active, float[] u, int dInput, float[] encW, float[] encB) {
        Rows.affine(kernels, active, u, dInput, encW, encB, width, h);
    }

    /** After the layers: counts the step and writes the head's log-probabilities (active, d_output). */
    final void finish(int active, ClassifierHead head, float[] logp) {
        advance(active);
        head.readoutBlock(kernels, active, h, pool, steps, feat, logits, logp);
    }

    /** Checks 1 ≤ active ≤ S, and that this block has step buffers. */
    public final void checkActive(int active) {
        if (!steppable) {
            throw new IllegalStateException("this block holds stream states only (SsmModel.newStateBlock): copy them "
                    + "into a block from newBlock to step them (io.ssmedge.inference.WindowedBatch does)");
        }
        if (active < 1 || active > capacity) {
            throw new IllegalArgumentException("active streams must be within 1.." + capacity + ", got " + active);
        }
    }

    /** Counts one step for streams 0..active-1. */
    private void advance(int active) {
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
        Arrays.fill(steps, 0L);
    }

    @Override
    public final long steps(int stream) {
        return steps[stream];
    }

    @Override
    public final long recurrentBytes() {
        long n = pool.length + 2L * steps.length;
        for (int l = 0; l < xRe.length; l++) {
            n += xRe[l].length + xIm[l].length;
        }
        return 4 * n;
    }

    @Override
    public final long totalBytes() {
        return recurrentBytes() + 4L * (h.length + feat.length + logits.length + scratchFloats());
    }

    @Override
    public final void copyStreams(int first, int count, StreamBlock to, int toFirst) {
        if (!(to instanceof BlockStates b) || b.owner != owner) {
            throw new IllegalArgumentException("copyStreams: the target block belongs to another model");
        }
        if (count < 1 || first < 0 || first + count > capacity || toFirst < 0 || toFirst + count > b.capacity) {
            throw new IllegalArgumentException("copyStreams: " + count + " streams from " + first + " of " + capacity
                    + " to " + toFirst + " of " + b.capacity);
        }
        for (int l = 0; l < xRe.length; l++) {
            copyRows(xRe[l], first, count, b.xRe[l], toFirst, b.capacity);
            copyRows(xIm[l], first, count, b.xIm[l], toFirst, b.capacity);
        }
        System.arraycopy(pool, first * width, b.pool, toFirst * width, count * width);
        System.arraycopy(steps, first, b.steps, toFirst, count);
    }

    /** Streams first..first+count-1 of a state array into another block's array of the same model, in one pass. */
    private void copyRows(float[] src, int first, int count, float[] dst, int t, int dstCapacity) {
        int units = src.length / capacity; // floats per stream
        if (unitMajor) { // unit j at [j·S + s]: the count streams are adjacent within each unit
            for (int j = 0; j < units; j++) {
                int a = j * capacity + first;
                int d = j * dstCapacity + t;
                for (int k = 0; k < count; k++) {
                    dst[d + k] = src[a + k];
                }
            }
        } else {         // stream-major: [s·U + j], the count streams are one run
            System.arraycopy(src, first * units, dst, t * units, count * units);
        }
    }

    /** Floats of the scratch buffers the subclass adds. */
    protected abstract long scratchFloats();

    @Override
    public final String kernel() {
        return kernels.name();
    }

    /** Units (complex states) of layer l each stream holds. */
    public abstract int units(int layer);

    /** Index of Re(x) of unit j of layer l for stream s in {@code xRe[l]}. */
    protected abstract int reIndex(int layer, int stream, int unit);

    /** Array and index of Im(x) of unit j of layer l for stream s. */
    protected abstract float[] imArray(int layer);

    protected abstract int imIndex(int layer, int stream, int unit);

    /**
     * Copies stream {@code s} of {@code from} into stream {@code t} of {@code to}, keeping per layer only
     * the units listed in {@code kept} (sorted indices into {@code from}'s units; all of them when
     * {@code to} belongs to the same model): recurrent state, pooling sum and step count. This is how a
     * stream moves to a model made by {@link SsmModel#retain} without a warm-up gap.
     */
    static void carry(BlockStates a, int s, int[][] kept, BlockStates b, int t) {
        if (kept.length != a.xRe.length || kept.length != b.xRe.length) {
            throw new IllegalArgumentException("plan has " + kept.length + " layers, the blocks have " + a.xRe.length
                    + " and " + b.xRe.length);
        }
        if (a.width != b.width) {
            throw new IllegalArgumentException("blocks of models of different width");
        }
        for (int l = 0; l < kept.length; l++) {
            if (kept[l].length != b.units(l)) {
                throw new IllegalArgumentException("layer " + l + ": target has " + b.units(l) + " units, plan keeps "
                        + kept[l].length);
            }
            float[] aIm = a.imArray(l);
            float[] bIm = b.imArray(l);
            for (int j = 0; j < kept[l].length; j++) {
                int src = kept[l][j];
                if (src < 0 || src >= a.units(l)) {
                    throw new IllegalArgumentException("layer " + l + ": unit " + src + " is not below " + a.units(l));
                }
                b.xRe[l][b.reIndex(l, t, j)] = a.xRe[l][a.reIndex(l, s, src)];
                bIm[b.imIndex(l, t, j)] = aIm[a.imIndex(l, s, src)];
            }
        }
        System.arraycopy(a.pool, s * a.width, b.pool, t * b.width, a.width);
        b.steps[t] = a.steps[s];
    }
}
