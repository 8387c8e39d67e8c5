package io.ssmedge.model.s5;

import io.ssmedge.model.ModelState;

/** Per-stream state of an {@link S5Model}: the shared {@link ModelState} plus the S5 layer's scratch, allocated once. */
public final class S5State extends ModelState {
    // scratch, overwritten every step
    final float[] u;      // (d_input) normalized input copy
    final float[] skip;   // (H)
    final float[] z;      // (H) SSM input
    final float[] y;      // (H) SSM output
    final float[] g;      // (H) gelu(y)
    final float[] t;      // (H) gate pre-activation
    final float[] a;      // (H) full_glu value branch
    final float[] buRe;   // (max P) Re B̄z
    final float[] buIm;   // (max P) Im B̄z

    S5State(S5Model m, int totalStates, int maxStates) {
        super(m, totalStates);
        int w = m.width();
        u = new float[m.inputSize()];
        skip = new float[w];
        z = new float[w];
        y = new float[w];
        g = new float[w];
        t = new float[w];
        a = new float[w];
        buRe = new float[Math.max(maxStates, 1)];
        buIm = new float[Math.max(maxStates, 1)];
    }

    /** (ΣP_l) Re of every layer's complex states. */
    float[] xRe() {
        return xRe;
    }

    /** (ΣP_l) Im of the same. */
    float[] xIm() {
        return xIm;
    }

    @Override
    protected long scratchFloats() {
        return u.length + skip.length + z.length + y.length + g.length + t.length + a.length + buRe.length
                + buIm.length;
    }
}
