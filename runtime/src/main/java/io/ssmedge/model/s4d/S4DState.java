package io.ssmedge.model.s4d;

import io.ssmedge.model.StreamState;

/** Per-stream state of an {@link S4DModel}; every buffer is allocated here, once. */
public final class S4DState implements StreamState {
    final S4DModel owner;
    final float[] xRe;    // (ΣU_l) Re of every layer's units, layer l at its offset
    final float[] xIm;    // (ΣU_l)
    final float[] pool;   // (H) feature sum since reset
    long steps;

    final float[] h;      // (H)
    final float[] z;      // (H)
    final float[] y;      // (H)
    final float[] a;      // (H) GLU value half
    final float[] g;      // (H) GLU gate half
    final float[] feat;   // (H)
    final float[] logits; // (d_output)

    S4DState(S4DModel m, int totalUnits) {
        owner = m;
        int w = m.width();
        xRe = new float[totalUnits];
        xIm = new float[totalUnits];
        pool = new float[w];
        h = new float[w];
        z = new float[w];
        y = new float[w];
        a = new float[w];
        g = new float[w];
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
        return recurrentBytes() + 4L * (h.length + z.length + y.length + a.length + g.length + feat.length + logits.length);
    }

    void clear() {
        java.util.Arrays.fill(xRe, 0f);
        java.util.Arrays.fill(xIm, 0f);
        java.util.Arrays.fill(pool, 0f);
        steps = 0;
    }
}
