package io.ssmedge.model.s5;

import io.ssmedge.kernel.Gemm;
import io.ssmedge.model.BlockStates;

/**
 * The states of up to S streams of an {@link S5Model}, stream-major: stream s's states of layer l are
 * row s of {@code xRe[l]}/{@code xIm[l]} (S, P_l), so that for the whole block B̄·u is (S, H)·(H, P) and
 * C̃·x is (S, P)·(P, H). Every buffer is allocated here, once.
 */
final class S5Block extends BlockStates {
    final S5Model owner;

    // scratch, overwritten every step
    final float[] z;        // (S, H) normalized SSM input (prenorm)
    final float[] y;        // (S, H) SSM output, then layer output
    final float[] g;        // (S, H) gelu(y)
    final float[] t;        // (S, H) gate pre-activation
    final float[] a;        // (S, H) full_glu value branch

    S5Block(S5Model m, int streams, int[] statesPerLayer, Gemm gemm) {
        super(streams, m.width(), m.outputSize(), statesPerLayer, false, gemm);
        owner = m;
        int n = streams * m.width();
        z = new float[n];
        y = new float[n];
        g = new float[n];
        t = new float[n];
        a = new float[n];
    }

    @Override
    protected long scratchFloats() {
        return 5L * y.length;
    }
}
