package io.ssmedge.model.s4d;

import io.ssmedge.model.DiscreteLayer;
import io.ssmedge.model.AbstractSsmModel;

import io.ssmedge.kernel.Activations;
import io.ssmedge.kernel.Dense;
import io.ssmedge.kernel.FastMath;
import io.ssmedge.kernel.Kernels;
import io.ssmedge.kernel.Norms;
import io.ssmedge.kernel.Rows;

/**
 * One S4D block's inference weights (float32), units stored ragged per channel. H = width, U = units.
 */
final class S4DLayer {
    final int width;       // H
    final int units;       // U
    final int[] offset;    // (H + 1) channel h's units are [offset[h], offset[h+1])
    final float[] lamRe;   // (U) Re λ̄
    final float[] lamIm;   // (U) Im λ̄
    final float[] bRe;     // (U) Re B̄
    final float[] bIm;     // (U) Im B̄
    final float[] cRe2;    // (U) 2·Re C
    final float[] cImNeg2; // (U) −2·Im C, so 2·Re(C x) = cRe2·Re x + cImNeg2·Im x
    final float[] d;       // (H)
    final float[] valueW;  // (H, H) value half of the transposed 1×1 conv: a = y @ valueW + valueB  (o[:H])
    final float[] valueB;  // (H)
    final float[] gateW;   // (H, H) gate half: g = y @ gateW + gateB  (o[H:]); block output y = a·σ(g)
    final float[] gateB;   // (H)
    final float[] normW;   // (H)
    final float[] normB;   // (H)
    final boolean prenorm;
    final boolean geluTanh;
    final float eps;

    S4DLayer(S4DLayerParams p, DiscreteLayer disc, S4DConfig cfg) {
        width = p.width();
        units = p.units();
        offset = p.offset().clone();
        lamRe = AbstractSsmModel.toFloat(disc.lambdaRe());
        lamIm = AbstractSsmModel.toFloat(disc.lambdaIm());
        bRe = AbstractSsmModel.toFloat(disc.bRe());
        bIm = AbstractSsmModel.toFloat(disc.bIm());
        cRe2 = new float[units];
        cImNeg2 = new float[units];
        for (int j = 0; j < units; j++) {
            cRe2[j] = 2f * p.c()[2 * j];
            cImNeg2[j] = -2f * p.c()[2 * j + 1];
        }
        d = p.d();
        int h = width;
        valueW = new float[h * h];
        gateW = new float[h * h];
        for (int o = 0; o < h; o++) {
            for (int i = 0; i < h; i++) {
                valueW[i * h + o] = p.gluWeight()[o * h + i];
                gateW[i * h + o] = p.gluWeight()[(h + o) * h + i];
            }
        }
        valueB = java.util.Arrays.copyOfRange(p.gluBias(), 0, h);
        gateB = java.util.Arrays.copyOfRange(p.gluBias(), h, 2 * h);
        normW = p.normWeight();
        normB = p.normBias();
        prenorm = cfg.prenorm();
        geluTanh = cfg.geluApproximate();
        eps = cfg.normEps();
    }

    long bytes() {
        return 4L * (offset.length + 6L * units + d.length + valueW.length + valueB.length + gateW.length + gateB.length + normW.length + normB.length);
    }

    /**
     * One time step on the feature vector {@code h} (H), in place:
     * <pre>
     *   z = prenorm ? LN(h) : h
     *   x_k[h,n] = λ̄[h,n]·x_{k−1}[h,n] + B̄[h,n]·z[h]
     *   y[h]     = 2·Re(Σ_n C[h,n]·x_k[h,n]) + D[h]·z[h]
     *   y = GELU(y);  o = W·y + b (2H);  y = o[:H] · σ(o[H:])   (the two halves kept as value and gate)
     *   h = h + y;  if !prenorm: h = LN(h)
     * </pre>
     */
    void step(float[] h, S4DState s, int off) {
        final int w = width;
        float[] z = s.z;
        float[] y = s.y;
        float[] xRe = s.xRe();
        float[] xIm = s.xIm();
        if (prenorm) {
            Norms.layerNorm(h, w, normW, normB, eps, z);
        } else {
            System.arraycopy(h, 0, z, 0, w);
        }
        for (int ch = 0; ch < w; ch++) {
            float zc = z[ch];
            float acc = 0f;
            for (int j = offset[ch], end = offset[ch + 1]; j < end; j++) {
                int x = off + j;
                float xr = xRe[x];
                float xi = xIm[x];
                float nr = lamRe[j] * xr - lamIm[j] * xi + bRe[j] * zc;
                float ni = lamRe[j] * xi + lamIm[j] * xr + bIm[j] * zc;
                xRe[x] = nr;
                xIm[x] = ni;
                acc += cRe2[j] * nr + cImNeg2[j] * ni;
            }
            float v = acc + d[ch] * zc;
            y[ch] = geluTanh ? Activations.geluTanh(v) : Activations.geluErf(v);
        }
        Dense.affine(y, w, valueW, valueB, w, s.a);
        Dense.affine(y, w, gateW, gateB, w, s.g);
        for (int k = 0; k < w; k++) {
            h[k] += s.a[k] * Activations.sigmoid(s.g[k]);
        }
        if (!prenorm) {
            Norms.layerNorm(h, w, normW, normB, eps, h);
        }
    }

    // ---- batched step over the first m streams of a block ----

    /** {@link #step} for m streams at once; GELU and σ from {@link FastMath}. */
    void stepBlock(S4DBlock b, int layer, int m) {
        final int w = width;
        float[] h = b.h();
        float[] z = h;
        if (prenorm) {
            b.kernels().layerNorm(m, h, w, normW, normB, eps, b.z);
            z = b.z;
        }
        ssmBlock(b.kernels(), m, b.capacity(), z, b.zT, b.xRe(layer), b.xIm(layer), b.yT);
        float[] y = b.y;
        Rows.transposeBack(b.yT, b.capacity(), m, w, y);
        if (geluTanh) {
            b.kernels().geluTanh(m * w, y, y);
        } else {
            b.kernels().geluErf(m * w, y, y);
        }
        // h += a · σ(g),  a = y @ valueW + valueB,  g = y @ gateW + gateB
        Rows.affine(b.kernels(), m, y, w, valueW, valueB, w, b.a);
        Rows.affine(b.kernels(), m, y, w, gateW, gateB, w, b.g);
        b.kernels().gateAdd(m * w, b.a, b.g, h);
        if (!prenorm) {
            b.kernels().layerNorm(m, h, w, normW, normB, eps, h);
        }
    }

    /**
     * The SSM core for m streams, unit-major so that the inner loop runs over streams:
     * <pre>
     *   zT = zᵀ                                        (H, S)
     *   x[j, s] ← λ̄_j·x[j, s] + B̄_j·zT[ch(j), s]        complex, per unit j
     *   yT[h, s] = D_h·zT[h, s] + Σ_{j ∈ ch h} 2·Re(C_j·x[j, s])
     * </pre>
     *
     * @param z   (m, H) input (not modified)
     * @param zT  (H, S) scratch
     * @param xRe (U, S) states (modified)
     * @param xIm (U, S) states (modified)
     * @param yT  (H, S) output (written, columns 0..m-1)
     */
    void ssmBlock(Kernels kernels, int m, int stride, float[] z, float[] zT, float[] xRe, float[] xIm, float[] yT) {
        final int w = width;
        Rows.transpose(z, m, w, zT, stride);
        for (int ch = 0; ch < w; ch++) {
            kernels.sisoUnits(m, stride, offset[ch], offset[ch + 1], lamRe, lamIm, bRe, bIm, cRe2, cImNeg2, d[ch], xRe, xIm,
                    zT, yT, ch * stride);
        }
    }
}
