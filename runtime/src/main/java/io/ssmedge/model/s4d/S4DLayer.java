package io.ssmedge.model.s4d;

import io.ssmedge.kernel.Activations;
import io.ssmedge.kernel.Dense;
import io.ssmedge.kernel.Norms;

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
    final float[] gluW;    // (H, 2H) transposed 1×1 conv: o = y @ gluW + gluB
    final float[] gluB;    // (2H)
    final float[] normW;   // (H)
    final float[] normB;   // (H)
    final boolean prenorm;
    final boolean geluTanh;
    final float eps;

    S4DLayer(S4DLayerParams p, S4DDiscretizer.Discrete disc, S4DConfig cfg) {
        width = p.width();
        units = p.units();
        offset = p.offset().clone();
        lamRe = toFloat(disc.lambdaRe());
        lamIm = toFloat(disc.lambdaIm());
        bRe = toFloat(disc.bRe());
        bIm = toFloat(disc.bIm());
        cRe2 = new float[units];
        cImNeg2 = new float[units];
        for (int j = 0; j < units; j++) {
            cRe2[j] = 2f * p.c()[2 * j];
            cImNeg2[j] = -2f * p.c()[2 * j + 1];
        }
        d = p.d();
        int h = width;
        gluW = new float[h * 2 * h];
        for (int o = 0; o < 2 * h; o++) {
            for (int i = 0; i < h; i++) {
                gluW[i * 2 * h + o] = p.gluWeight()[o * h + i];
            }
        }
        gluB = p.gluBias();
        normW = p.normWeight();
        normB = p.normBias();
        prenorm = cfg.prenorm();
        geluTanh = cfg.geluApproximate();
        eps = cfg.normEps();
    }

    private static float[] toFloat(double[] a) {
        float[] f = new float[a.length];
        for (int i = 0; i < a.length; i++) {
            f[i] = (float) a[i];
        }
        return f;
    }

    long bytes() {
        return 4L * (offset.length + 6L * units + d.length + gluW.length + gluB.length + normW.length + normB.length);
    }

    /**
     * One time step on the feature vector {@code h} (H), in place:
     * <pre>
     *   z = prenorm ? LN(h) : h
     *   x_k[h,n] = λ̄[h,n]·x_{k−1}[h,n] + B̄[h,n]·z[h]
     *   y[h]     = 2·Re(Σ_n C[h,n]·x_k[h,n]) + D[h]·z[h]
     *   y = GELU(y);  o = W·y + b (2H);  y = o[:H] · σ(o[H:])
     *   h = h + y;  if !prenorm: h = LN(h)
     * </pre>
     */
    void step(float[] h, S4DState s, int off) {
        final int w = width;
        float[] z = s.z;
        float[] y = s.y;
        float[] xRe = s.xRe;
        float[] xIm = s.xIm;
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
        Dense.affine(y, w, gluW, gluB, 2 * w, s.o);
        for (int k = 0; k < w; k++) {
            h[k] += s.o[k] * Activations.sigmoid(s.o[w + k]);
        }
        if (!prenorm) {
            Norms.layerNorm(h, w, normW, normB, eps, h);
        }
    }
}
