package io.ssmedge.model.s5;

import io.ssmedge.model.DiscreteLayer;
import io.ssmedge.model.AbstractSsmModel;

import io.ssmedge.kernel.Activations;
import io.ssmedge.kernel.Dense;
import io.ssmedge.kernel.FastMath;
import io.ssmedge.kernel.Kernels;
import io.ssmedge.kernel.Norms;
import io.ssmedge.kernel.Rows;

/**
 * One S5 layer's inference weights, discretized and laid out for the step loops (float32).
 * P = states of this layer, H = width.
 */
final class S5Layer {
    /** Column alignment of B̄ᵀ and of the block states: 16 floats, one AVX-512 vector (two AVX2 vectors). */
    static final int SPAN_ALIGN = 16;
    final int states;      // P
    final int width;       // H
    final float[] lamRe;   // (P) Re λ̄
    final float[] lamIm;   // (P) Im λ̄
    final int span;        // 2P rounded up to a multiple of 16: floats per stream of this layer's state in a block
    final float[] bT;      // (H, span) B̄ transposed, Re then Im then zeros: bT[h·span + p] = Re B̄[p, h],
                           //   bT[h·span + P + p] = Im B̄[p, h]; the zero columns keep B̄u free of vector tails
    final float[] cT;      // (2P, H) C̃ transposed and scaled, Re rows then −Im rows: cT[p·H + h] = c·Re C̃[h, p],
                           //   cT[(P + p)·H + h] = −c·Im C̃[h, p] (c = 2 with conj_sym else 1), so that for
                           //   x = [Re x | Im x] (2P): c·Re(C̃x) = x · cT
    final float[] d;       // (H) feed-through
    final boolean layerNorm;
    final float[] normA;   // (H) LayerNorm scale, or folded BatchNorm a = scale/√(var + ε)
    final float[] normB;   // (H) LayerNorm bias, or folded BatchNorm b = bias − mean·a
    final S5Activation activation;
    final float[] out1W;   // (H, H) or null
    final float[] out1B;   // (H) or null
    final float[] out2W;   // (H, H) or null
    final float[] out2B;   // (H) or null
    final boolean prenorm;

    S5Layer(S5LayerParams p, DiscreteLayer disc, S5Config cfg) {
        int n = p.states();
        int h = p.width();
        states = n;
        width = h;
        lamRe = AbstractSsmModel.toFloat(disc.lambdaRe());
        lamIm = AbstractSsmModel.toFloat(disc.lambdaIm());
        span = (2 * n + SPAN_ALIGN - 1) / SPAN_ALIGN * SPAN_ALIGN;
        bT = new float[h * span];
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < h; k++) {
                bT[k * span + i] = (float) disc.bRe()[i * h + k];
                bT[k * span + n + i] = (float) disc.bIm()[i * h + k];
            }
        }
        float scale = cfg.conjSym() ? 2f : 1f;
        cT = new float[2 * n * h];
        for (int k = 0; k < h; k++) {
            for (int i = 0; i < n; i++) {
                cT[i * h + k] = scale * p.c()[(k * n + i) * 2];
                cT[(n + i) * h + k] = -scale * p.c()[(k * n + i) * 2 + 1];
            }
        }
        d = p.d();
        layerNorm = !cfg.batchnorm();
        if (layerNorm) {
            normA = p.normScale();
            normB = p.normBias();
        } else {
            normA = new float[h];
            normB = new float[h];
            for (int k = 0; k < h; k++) {
                double a = p.normScale()[k] / Math.sqrt(p.bnVar()[k] + S5Config.BATCH_NORM_EPS);
                normA[k] = (float) a;
                normB[k] = (float) (p.normBias()[k] - p.bnMean()[k] * a);
            }
        }
        activation = cfg.activation();
        out1W = p.out1Kernel();
        out1B = p.out1Bias();
        out2W = p.out2Kernel();
        out2B = p.out2Bias();
        prenorm = cfg.prenorm();
    }

    long bytes() {
        long n = lamRe.length + lamIm.length + bT.length + cT.length + d.length
                + normA.length + normB.length;
        n += len(out1W) + len(out1B) + len(out2W) + len(out2B);
        return 4 * n;
    }

    private static long len(float[] a) {
        return a == null ? 0 : a.length;
    }

    private void norm(float[] x, float[] y) {
        if (layerNorm) {
            Norms.layerNorm(x, width, normA, normB, S5Config.LAYER_NORM_EPS, y);
        } else {
            Norms.affine(x, width, normA, normB, y);
        }
    }

    /**
     * One time step of the layer on the feature vector {@code h} (H), in place:
     * <pre>
     *   skip = h;  z = prenorm ? norm(h) : h
     *   x_k  = λ̄ ⊙ x_{k−1} + B̄ z                 (complex, diagonal recurrence)
     *   y    = c·Re(C̃ x_k) + D ⊙ z                (c = 2 with conj_sym)
     *   y    = act(y);  h = skip + y;  if !prenorm: h = norm(h)
     * </pre>
     *
     * @param off offset of this layer's P states in {@code s.xRe}/{@code s.xIm}
     */
    void step(float[] h, S5State s, int off) {
        final int n = states;
        final int w = width;
        float[] z = s.z;
        float[] y = s.y;
        float[] buRe = s.buRe;
        float[] buIm = s.buIm;
        float[] xRe = s.xRe();
        float[] xIm = s.xIm();
        System.arraycopy(h, 0, s.skip, 0, w);
        if (prenorm) {
            norm(h, z);
        } else {
            System.arraycopy(h, 0, z, 0, w);
        }
        // Bu = B̄ z   (P complex values; B̄ stored transposed so the inner loop runs over P)
        java.util.Arrays.fill(buRe, 0, n, 0f);
        java.util.Arrays.fill(buIm, 0, n, 0f);
        for (int k = 0; k < w; k++) {
            float zk = z[k];
            int row = k * span;
            for (int i = 0; i < n; i++) {
                buRe[i] += bT[row + i] * zk;
                buIm[i] += bT[row + n + i] * zk;
            }
        }
        // x = λ̄ ⊙ x + Bu   (complex multiply per state)
        for (int i = 0; i < n; i++) {
            float xr = xRe[off + i];
            float xi = xIm[off + i];
            xRe[off + i] = lamRe[i] * xr - lamIm[i] * xi + buRe[i];
            xIm[off + i] = lamRe[i] * xi + lamIm[i] * xr + buIm[i];
        }
        // y = D ⊙ z + c·Re(C̃ x)
        for (int k = 0; k < w; k++) {
            y[k] = d[k] * z[k];
        }
        for (int i = 0; i < n; i++) {
            float xr = xRe[off + i];
            float xi = xIm[off + i];
            int re = i * w;
            int im = (n + i) * w;
            for (int k = 0; k < w; k++) {
                y[k] += cT[re + k] * xr + cT[im + k] * xi;
            }
        }
        activate(y, s);
        for (int k = 0; k < w; k++) {
            h[k] = s.skip[k] + y[k];
        }
        if (!prenorm) {
            norm(h, h);
        }
    }

    /** y = act(y), see {@link S5Activation}. */
    private void activate(float[] y, S5State s) {
        final int w = width;
        float[] g = s.g;
        float[] t = s.t;
        for (int k = 0; k < w; k++) {
            g[k] = Activations.geluTanh(y[k]);
        }
        switch (activation) {
            case GELU:
                System.arraycopy(g, 0, y, 0, w);
                break;
            case HALF_GLU1: // y = g·σ(out2(g))
                Dense.affine(g, w, out2W, out2B, w, t);
                for (int k = 0; k < w; k++) {
                    y[k] = g[k] * Activations.sigmoid(t[k]);
                }
                break;
            case HALF_GLU2: // y = y·σ(out2(g))
                Dense.affine(g, w, out2W, out2B, w, t);
                for (int k = 0; k < w; k++) {
                    y[k] = y[k] * Activations.sigmoid(t[k]);
                }
                break;
            default: // FULL_GLU: y = out1(g)·σ(out2(g))
                Dense.affine(g, w, out1W, out1B, w, s.a);
                Dense.affine(g, w, out2W, out2B, w, t);
                for (int k = 0; k < w; k++) {
                    y[k] = s.a[k] * Activations.sigmoid(t[k]);
                }
        }
    }

    // ---- batched step over the first m streams of a block (rows of (S, ·) arrays) ----

    private void normRows(Kernels k, int m, float[] x, float[] out) {
        if (layerNorm) {
            k.layerNorm(m, x, width, normA, normB, S5Config.LAYER_NORM_EPS, out);
        } else {
            k.scaleShift(m, x, width, normA, normB, out);
        }
    }

    /** {@link #step} for m streams at once: the same equations with (m, H) feature blocks. */
    void stepBlock(S5Block b, int layer, int m) {
        float[] h = b.h();
        float[] z = h; // post-norm: the SSM reads h itself, and h is also the skip branch
        if (prenorm) {
            normRows(b.kernels(), m, h, b.z);
            z = b.z;
        }
        // ssmBlock with D ⊙ z left for the activation pass: y = C̃x; y += D ⊙ z and g = gelu(y) in one pass
        final Kernels k = b.kernels();
        float[] x = b.x(layer);
        k.rotateMulAdd(m, width, states, span, lamRe, lamIm, z, width, bT, x);
        k.mul(m, 2 * states, width, x, span, cT, width, b.y, width);
        k.feedThroughGelu(m, width, b.y, d, z, b.g);
        activateAddBlock(b, m);
        if (!prenorm) {
            normRows(b.kernels(), m, h, h);
        }
    }

    /**
     * The SSM core for m streams (rows), everything else left out:
     * the state of a stream is one row [Re x | Im x | 0] (span), so B̄u and C̃x are one product each:
     * <pre>
     *   x ← λ̄ ⊙ x              per state, complex                        (m, 2P)
     *   x += z · bT             Re and Im of B̄z at once: (m, H)·(H, span)   (padding stays 0)
     *   y  = D ⊙ z + x · cT     (m, 2P)·(2P, H) = D ⊙ z + c·Re(C̃ x)
     * </pre>
     *
     * @param z (m, H) input (not modified)
     * @param x (m, span) states (modified)
     * @param y (m, H) output (written)
     */
    void ssmBlock(Kernels kernels, int m, float[] z, float[] x, float[] y) {
        final int n = states;
        kernels.rotate(m, n, span, lamRe, lamIm, x);
        kernels.mulAdd(m, width, span, z, width, bT, span, x, span);
        kernels.scaleShift(m, z, width, d, null, y);
        kernels.mulAdd(m, 2 * n, width, x, span, cT, width, y, width);
    }

    /**
     * h += act(y) on m rows (activation and residual add) given g = gelu(y), see {@link S5Activation}; tanh-GELU
     * and σ as in {@link FastMath}. The GLU's dense layers are products without bias, their bias added in the gate.
     */
    private void activateAddBlock(S5Block b, int m) {
        final int w = width;
        final Kernels k = b.kernels();
        float[] h = b.h();
        float[] g = b.g;
        float[] t = b.t;
        switch (activation) {
            case GELU:
                for (int i = 0, e = m * w; i < e; i++) {
                    h[i] += g[i];
                }
                break;
            case HALF_GLU1: // h += g·σ(out2(g))
                k.mul(m, w, w, g, w, out2W, w, t, w);
                k.gateAddBias(m, w, g, t, out2B, h);
                break;
            case HALF_GLU2: // h += y·σ(out2(g))
                k.mul(m, w, w, g, w, out2W, w, t, w);
                k.gateAddBias(m, w, b.y, t, out2B, h);
                break;
            default: // FULL_GLU: h += out1(g)·σ(out2(g))
                Rows.affine(k, m, g, w, out1W, out1B, w, b.a);
                k.mul(m, w, w, g, w, out2W, w, t, w);
                k.gateAddBias(m, w, b.a, t, out2B, h);
        }
    }
}
