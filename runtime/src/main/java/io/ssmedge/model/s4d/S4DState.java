package io.ssmedge.model.s4d;

import io.ssmedge.model.ModelState;

/** Per-stream state of an {@link S4DModel}: the shared {@link ModelState} plus the S4D layer's scratch. */
public final class S4DState extends ModelState {
    // scratch, overwritten every step
    final float[] z;      // (H)
    final float[] y;      // (H)
    final float[] a;      // (H) GLU value half
    final float[] g;      // (H) GLU gate half

    S4DState(S4DModel m, int totalUnits) {
        super(m, totalUnits);
        int w = m.width();
        z = new float[w];
        y = new float[w];
        a = new float[w];
        g = new float[w];
    }

    /** (ΣU_l) Re of every layer's units. */
    float[] xRe() {
        return xRe;
    }

    /** (ΣU_l) Im of the same. */
    float[] xIm() {
        return xIm;
    }

    @Override
    protected long scratchFloats() {
        return z.length + y.length + a.length + g.length;
    }
}
