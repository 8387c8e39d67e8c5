package io.ssmedge.model.s5;

import io.ssmedge.model.StreamState;

/** Per-stream state of an {@link S5Model}; every buffer is allocated here, once. */
public final class S5State implements StreamState {
    final S5Model owner;
    final float[] xRe;    // (ΣP_l) Re of every layer's complex states, layer l at offset stateOffset[l]
    final float[] xIm;    // (ΣP_l) Im of the same
    final float[] pool;   // (H) sum of features since reset (mode pool)
    long steps;

    // scratch, overwritten every step
    final float[] u;      // (d_input) normalized input copy
    final float[] h;      // (H) features flowing through the layers
    final float[] skip;   // (H)
    final float[] z;      // (H) SSM input
    final float[] y;      // (H) SSM output
    final float[] g;      // (H) gelu(y)
    final float[] t;      // (H) gate pre-activation
    final float[] a;      // (H) full_glu value branch
    final float[] buRe;   // (max P) Re B̄z
    final float[] buIm;   // (max P) Im B̄z
    final float[] feat;   // (H) head input
    final float[] logits; // (d_output)

    S5State(S5Model m, int totalStates, int maxStates) {
        owner = m;
        int w = m.width();
        xRe = new float[totalStates];
        xIm = new float[totalStates];
        pool = new float[w];
        u = new float[m.inputSize()];
        h = new float[w];
        skip = new float[w];
        z = new float[w];
        y = new float[w];
        g = new float[w];
        t = new float[w];
        a = new float[w];
        buRe = new float[Math.max(maxStates, 1)];
        buIm = new float[Math.max(maxStates, 1)];
        feat = new float[w];
        logits = new float[m.outputSize()];
    }

    @Override
    public long steps() {
        return steps;
    }

    @Override
    public long recurrentBytes() {
        return 4L * (xRe.length + xIm.length + pool.length) + 8;
    }

    @Override
    public long totalBytes() {
        return recurrentBytes() + 4L * (u.length + h.length + skip.length + z.length + y.length + g.length + t.length
                + a.length + buRe.length + buIm.length + feat.length + logits.length);
    }

    void clear() {
        java.util.Arrays.fill(xRe, 0f);
        java.util.Arrays.fill(xIm, 0f);
        java.util.Arrays.fill(pool, 0f);
        steps = 0;
    }
}
