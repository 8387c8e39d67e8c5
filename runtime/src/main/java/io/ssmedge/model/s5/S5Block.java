package io.ssmedge.model.s5;

import io.ssmedge.kernel.Kernels;
import io.ssmedge.model.BlockStates;

/**
 * The states of up to S streams of an {@link S5Model}, stream-major: stream s's states of layer l are
 * row s of {@code xRe[l]} (S, span_l): real parts, imaginary parts, zeros up to a multiple of 16
 * ({@code xIm[l]} is empty), so that for the whole block B̄·u is one (S, H)·(H, span) product and C̃·x
 * one (S, 2P)·(2P, H) product.
 * Every buffer is allocated here, once.
 */
final class S5Block extends BlockStates {
    private final S5Model model;

    // scratch, overwritten every step
    final float[] z;        // (S, H) normalized SSM input (prenorm)
    final float[] y;        // (S, H) SSM output, then layer output
    final float[] g;        // (S, H) gelu(y)
    final float[] t;        // (S, H) gate pre-activation
    final float[] a;        // (S, H) full_glu value branch

    /** @param spans floats per stream of each layer's state ([Re | Im | zero padding], see S5Layer#span) */
    /** @param scratch false: states only (no step buffers), see {@link io.ssmedge.model.SsmModel#newStateBlock} */
    S5Block(S5Model m, int streams, int[] spans, Kernels kernels, boolean scratch) {
        super(m, streams, spans, false, false, kernels, scratch);
        model = m;
        int n = scratch ? streams * m.width() : 0;
        z = new float[n];
        y = new float[n];
        g = new float[n];
        t = new float[n];
        a = new float[n];
    }

    @Override
    public int units(int layer) {
        return model.layerStates(layer);
    }

    /** Row s of xRe[l] is [Re(P) | Im(P) | padding]. */
    @Override
    protected int reIndex(int layer, int stream, int unit) {
        return stream * span(layer) + unit;
    }

    @Override
    protected float[] imArray(int layer) {
        return xRe[layer];
    }

    @Override
    protected int imIndex(int layer, int stream, int unit) {
        return stream * span(layer) + units(layer) + unit;
    }

    private int span(int layer) {
        return xRe[layer].length / capacity;
    }

    // the shared arrays, for the layers of this package

    Kernels kernels() {
        return kernels;
    }

    /** (S, H) features flowing through the layers. */
    float[] h() {
        return h;
    }

    /** (S, span_l) states of layer l. */
    float[] x(int layer) {
        return xRe[layer];
    }

    @Override
    protected long scratchFloats() {
        return 5L * y.length;
    }
}
