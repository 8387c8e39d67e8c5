package io.ssmedge.model.s4d;

import io.ssmedge.kernel.Kernels;
import io.ssmedge.model.BlockStates;

/**
 * The states of up to S streams of an {@link S4DModel}, unit-major: unit j of layer l holds the S
 * streams' values side by side ({@code xRe[l][j·S + s]}), so the per-unit recurrence runs as one
 * vectorizable loop over the streams, and the ragged per-channel layout of a pruned layer shrinks the
 * work in proportion. Features are stream-major (S, H) as in every dense layer. Allocated once.
 */
final class S4DBlock extends BlockStates {

    // scratch, overwritten every step
    final float[] z;        // (S, H) prenorm input
    final float[] zT;       // (H, S) SSM input, channel-major
    final float[] yT;       // (H, S) SSM output, channel-major
    final float[] y;        // (S, H) gelu(SSM output)
    final float[] a;        // (S, H) GLU value half
    final float[] g;        // (S, H) GLU gate half

    /** @param scratch false: states only (no step buffers), see {@link io.ssmedge.model.SsmModel#newStateBlock} */
    S4DBlock(S4DModel m, int streams, int[] unitsPerLayer, Kernels kernels, boolean scratch) {
        super(m, streams, unitsPerLayer, true, true, kernels, scratch);
        int n = scratch ? streams * m.width() : 0;
        z = new float[n];
        zT = new float[n];
        yT = new float[n];
        y = new float[n];
        a = new float[n];
        g = new float[n];
    }

    @Override
    public int units(int layer) {
        return xRe[layer].length / capacity;
    }

    /** Unit-major: unit j of layer l is xRe[l][j·S + s]. */
    @Override
    protected int reIndex(int layer, int stream, int unit) {
        return unit * capacity + stream;
    }

    @Override
    protected float[] imArray(int layer) {
        return xIm[layer];
    }

    @Override
    protected int imIndex(int layer, int stream, int unit) {
        return unit * capacity + stream;
    }

    // the shared arrays, for the layers of this package

    Kernels kernels() {
        return kernels;
    }

    /** (S, H) features flowing through the layers. */
    float[] h() {
        return h;
    }

    /** (U_l, S) Re of layer l's units. */
    float[] xRe(int layer) {
        return xRe[layer];
    }

    /** (U_l, S) Im of layer l's units. */
    float[] xIm(int layer) {
        return xIm[layer];
    }

    @Override
    protected long scratchFloats() {
        return 6L * y.length;
    }
}
