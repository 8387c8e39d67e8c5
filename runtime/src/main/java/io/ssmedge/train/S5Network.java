package io.ssmedge.train;

import io.ssmedge.model.HeadMode;
import io.ssmedge.model.s5.Discretization;
import io.ssmedge.model.s5.S5Activation;
import io.ssmedge.model.s5.S5Config;
import io.ssmedge.model.s5.S5Discretizer;

import java.util.SplittableRandom;

/**
 * Forward and backward pass of an S5 classifier on a batch of windows, in float64, with the
 * gradients written by hand. The forward pass is the one of {@code S5Model} (see
 * {@code docs/s5-checkpoint.md}): encoder → layers → pool/last → decoder → log-softmax; the backward
 * pass applies the chain rule to each equation in reverse, with the rule next to the code.
 *
 * <p>Complex gradients follow one convention: for a complex quantity w = wr + i·wi the gradient is
 * G_w = ∂L/∂wr + i·∂L/∂wi. For w = g(z) holomorphic, G_z = conj(g′(z))·G_w; for a real parameter t,
 * ∂L/∂t = Re(conj(∂w/∂t)·G_w).
 *
 * <p>Per-sample work (encoder, SSM, activations, head) runs in parallel over the batch on {@link Parallel};
 * each worker adds its gradients to its own buffer, and the buffers are summed in worker order, so results
 * are deterministic for a given thread count. Norms run sequentially (BatchNorm couples the batch).
 */
public final class S5Network {
    /** Momentum of the BatchNorm running statistics (the S5 code uses 0.9). */
    public static final double BN_MOMENTUM = 0.9;
    private static final double GELU_C = Math.sqrt(2.0 / Math.PI);

    final S5Config cfg;
    final ParamLayout lay;
    private final int h;      // H
    private final int dIn;    // d_input
    private final int k;      // classes
    private final int nl;     // layers
    private final double cScale; // 2 with conj_sym: y = 2·Re(C̃x)

    public S5Network(S5Config cfg, ParamLayout layout) {
        this.cfg = cfg;
        this.lay = layout;
        this.h = cfg.dModel();
        this.dIn = cfg.dInput();
        this.k = cfg.dOutput();
        this.nl = layout.layerCount();
        this.cScale = cfg.conjSym() ? 2.0 : 1.0;
    }

    public ParamLayout layout() {
        return lay;
    }

    public S5Config config() {
        return cfg;
    }

    // ------------------------------------------------------------------ discretization

    /**
     * One layer's discrete system and the derivatives of the discretization.
     * Λ = a + i·b with a = −exp(ρ) (then min(a, −1e-4) with clip_eigs), Δ = step_rescale·exp(log_step).
     *
     * @param lbRe (P) Re λ̄     lbIm (P) Im λ̄
     * @param fRe  (P) Re f with B̄ = f·B̃ row-wise
     * @param bbRe (P, H) Re B̄  bbIm (P, H) Im B̄
     */
    record Disc(double[] lamRe, double[] lamIm, boolean[] clipped, double[] delta, double[] lbRe, double[] lbIm,
                double[] fRe, double[] fIm, double[] bbRe, double[] bbIm) {
    }

    Disc discretize(double[] th, int l) {
        ParamLayout.Layer L = lay.layer(l);
        int p = L.states();
        double[] ar = new double[p];
        double[] ai = new double[p];
        boolean[] clipped = new boolean[p];
        double[] dl = new double[p];
        double[] lr = new double[p];
        double[] li = new double[p];
        double[] fr = new double[p];
        double[] fi = new double[p];
        double[] br = new double[p * h];
        double[] bi = new double[p * h];
        for (int i = 0; i < p; i++) {
            double a = -Math.exp(th[L.rho() + i]);
            if (cfg.clipEigs() && a > S5Discretizer.CLIP_MAX_RE) {
                a = S5Discretizer.CLIP_MAX_RE;
                clipped[i] = true;
            }
            double b = th[L.lamIm() + i];
            double d = cfg.stepRescale() * Math.exp(th[L.logStep() + i]);
            ar[i] = a;
            ai[i] = b;
            dl[i] = d;
            if (cfg.discretization() == Discretization.ZOH) {
                // λ̄ = exp(ΛΔ);  f = (λ̄ − 1)/Λ
                double m = Math.exp(a * d);
                lr[i] = m * Math.cos(b * d);
                li[i] = m * Math.sin(b * d);
                double den = a * a + b * b;
                fr[i] = ((lr[i] - 1) * a + li[i] * b) / den;
                fi[i] = (li[i] * a - (lr[i] - 1) * b) / den;
            } else {
                // q = 1/(1 − ΔΛ/2);  λ̄ = q·(1 + ΔΛ/2);  f = q·Δ
                double qr0 = 1 - d / 2 * a;
                double qi0 = -d / 2 * b;
                double den = qr0 * qr0 + qi0 * qi0;
                double qr = qr0 / den;
                double qi = -qi0 / den;
                double pr = 1 + d / 2 * a;
                double pi = d / 2 * b;
                lr[i] = qr * pr - qi * pi;
                li[i] = qr * pi + qi * pr;
                fr[i] = qr * d;
                fi[i] = qi * d;
            }
            int o = L.b() + i * h * 2;
            for (int j = 0; j < h; j++) {
                double re = th[o + 2 * j];
                double im = th[o + 2 * j + 1];
                br[i * h + j] = fr[i] * re - fi[i] * im;
                bi[i * h + j] = fr[i] * im + fi[i] * re;
            }
        }
        return new Disc(ar, ai, clipped, dl, lr, li, fr, fi, br, bi);
    }

    /**
     * Backward through the discretization of layer l, given G_λ̄ (P) and G_B̄ (P, H):
     * <pre>
     *   G_f   = Σ_h conj(B̃_ph)·G_B̄ph          G_B̃ = conj(f)·G_B̄          (B̄ = f·B̃)
     *   ZOH:      ∂λ̄/∂Λ = Δλ̄     ∂λ̄/∂Δ = Λλ̄     ∂f/∂Λ = (Δλ̄ − f)/Λ     ∂f/∂Δ = λ̄
     *   bilinear: ∂λ̄/∂Λ = Δq²    ∂λ̄/∂Δ = Λq²    ∂f/∂Λ = Δ²q²/2         ∂f/∂Δ = q²     (q = 1/(1 − ΔΛ/2))
     *   G_Λ   = conj(∂λ̄/∂Λ)·G_λ̄ + conj(∂f/∂Λ)·G_f           ∂L/∂Re Λ = Re G_Λ,  ∂L/∂Im Λ = Im G_Λ
     *   ∂L/∂Δ = Re(conj(∂λ̄/∂Δ)·G_λ̄ + conj(∂f/∂Δ)·G_f)
     *   ∂L/∂ρ = ∂L/∂Re Λ · Re Λ  (Re Λ = −exp ρ; 0 where clip_eigs clamps)      ∂L/∂log_step = ∂L/∂Δ · Δ
     * </pre>
     */
    void discretizeBackward(double[] th, int l, Disc ds, double[] gLbRe, double[] gLbIm, double[] gBbRe, double[] gBbIm,
                            double[] g) {
        ParamLayout.Layer L = lay.layer(l);
        int p = L.states();
        boolean zoh = cfg.discretization() == Discretization.ZOH;
        for (int i = 0; i < p; i++) {
            double gfr = 0;
            double gfi = 0;
            int o = L.b() + i * h * 2;
            double fr = ds.fRe[i];
            double fi = ds.fIm[i];
            for (int j = 0; j < h; j++) {
                double br = th[o + 2 * j];
                double bi = th[o + 2 * j + 1];
                double gr = gBbRe[i * h + j];
                double gi = gBbIm[i * h + j];
                gfr += br * gr + bi * gi;
                gfi += br * gi - bi * gr;
                g[o + 2 * j] += fr * gr + fi * gi;
                g[o + 2 * j + 1] += fr * gi - fi * gr;
            }
            double a = ds.lamRe[i];
            double b = ds.lamIm[i];
            double d = ds.delta[i];
            double lr = ds.lbRe[i];
            double li = ds.lbIm[i];
            double dlLr;  // ∂λ̄/∂Λ
            double dlLi;
            double dlDr;  // ∂λ̄/∂Δ
            double dlDi;
            double dfLr;  // ∂f/∂Λ
            double dfLi;
            double dfDr;  // ∂f/∂Δ
            double dfDi;
            if (zoh) {
                dlLr = d * lr;
                dlLi = d * li;
                dlDr = a * lr - b * li;
                dlDi = a * li + b * lr;
                double nr = d * lr - fr;
                double ni = d * li - fi;
                double den = a * a + b * b;
                dfLr = (nr * a + ni * b) / den;
                dfLi = (ni * a - nr * b) / den;
                dfDr = lr;
                dfDi = li;
            } else {
                double qr0 = 1 - d / 2 * a;
                double qi0 = -d / 2 * b;
                double den = qr0 * qr0 + qi0 * qi0;
                double qr = qr0 / den;
                double qi = -qi0 / den;
                double q2r = qr * qr - qi * qi;
                double q2i = 2 * qr * qi;
                dlLr = d * q2r;
                dlLi = d * q2i;
                dlDr = a * q2r - b * q2i;
                dlDi = a * q2i + b * q2r;
                dfLr = d * d / 2 * q2r;
                dfLi = d * d / 2 * q2i;
                dfDr = q2r;
                dfDi = q2i;
            }
            double glr = gLbRe[i];
            double gli = gLbIm[i];
            // conj(u)·v = (ur·vr + ui·vi) + i(ur·vi − ui·vr)
            double gLamR = dlLr * glr + dlLi * gli + dfLr * gfr + dfLi * gfi;
            double gLamI = dlLr * gli - dlLi * glr + dfLr * gfi - dfLi * gfr;
            double gDelta = dlDr * glr + dlDi * gli + dfDr * gfr + dfDi * gfi;
            if (!ds.clipped[i]) {
                g[L.rho() + i] += gLamR * a;
            }
            g[L.lamIm() + i] += gLamI;
            g[L.logStep() + i] += gDelta * d;
        }
    }

    // ------------------------------------------------------------------ tape

    /** Everything the backward pass needs from one forward pass over n windows of length T. */
    final class Tape {
        final int n;
        final int len;
        final double[] x;         // (n, T, d_input)
        final double[][] hIn;     // [layer] (n, T, H) layer input = skip branch; hIn[nl] = final features
        final double[][] z;       // [layer] (n, T, H) SSM input (normed copy with prenorm, else hIn[l] itself)
        final double[][] normMean; // [layer] LayerNorm (n·T) or BatchNorm (H) means
        final double[][] normRstd; // [layer] same shape, 1/√(var + ε)
        final double[][] res;     // [layer] (n, T, H) skip + act before the post-norm (null with prenorm)
        final double[][] xRe;     // [layer] (n, T, P) states
        final double[][] xIm;
        final double[][] s;       // [layer] (n, T, H) SSM output
        final double[][] g;       // [layer] (n, T, H) gelu(s)
        final double[][] sig;     // [layer] (n, T, H) σ(out2(·)) or null
        final double[][] a;       // [layer] (n, T, H) out1(·) or null
        final double[][] m1;      // [layer] (n, H) dropout mask on gelu(s) (0 or 1/(1−rate)), null without dropout
        final double[][] m2;      // [layer] (n, H) dropout mask on the GLU output, or null
        final Disc[] disc;        // [layer]
        final double[] feat;      // (n, H)
        final double[] logp;      // (n, K)

        Tape(int n, int len, boolean dropout) {
            this.n = n;
            this.len = len;
            int e = n * len * h;
            x = new double[n * len * dIn];
            hIn = new double[nl + 1][];
            z = new double[nl][];
            normMean = new double[nl][];
            normRstd = new double[nl][];
            res = new double[nl][];
            xRe = new double[nl][];
            xIm = new double[nl][];
            s = new double[nl][];
            g = new double[nl][];
            sig = new double[nl][];
            a = new double[nl][];
            m1 = new double[nl][];
            m2 = new double[nl][];
            disc = new Disc[nl];
            S5Activation act = cfg.activation();
            for (int l = 0; l <= nl; l++) {
                hIn[l] = new double[e];
            }
            for (int l = 0; l < nl; l++) {
                int p = lay.layer(l).states();
                z[l] = cfg.prenorm() ? new double[e] : hIn[l];
                int stats = cfg.batchnorm() ? h : n * len;
                normMean[l] = new double[stats];
                normRstd[l] = new double[stats];
                res[l] = cfg.prenorm() ? hIn[l + 1] : new double[e];
                xRe[l] = new double[n * len * p];
                xIm[l] = new double[n * len * p];
                s[l] = new double[e];
                g[l] = new double[e];
                sig[l] = act.hasOut2() ? new double[e] : null;
                a[l] = act.hasOut1() ? new double[e] : null;
                m1[l] = dropout ? new double[n * h] : null;
                m2[l] = dropout && act != S5Activation.GELU ? new double[n * h] : null;
            }
            feat = new double[n * h];
            logp = new double[n * k];
        }
    }

    // ------------------------------------------------------------------ forward

    /**
     * Options of one forward pass.
     *
     * @param training     BatchNorm uses batch statistics and updates {@code bnRunning}; else running statistics
     * @param dropout      dropout rate (0 = off)
     * @param dropoutSeeds (n) one seed per window for its dropout masks, or null when the rate is 0
     */
    record Mode(boolean training, double dropout, long[] dropoutSeeds) {
        static final Mode EVAL = new Mode(false, 0, null);
    }

    /**
     * Runs n windows through the network.
     *
     * @param th        θ (not modified)
     * @param bnRunning [layer][2·H] BatchNorm running mean then variance (modified in training mode); null for LayerNorm
     * @param x         (n, T, d_input) normalized input windows
     */
    Tape forward(double[] th, double[][] bnRunning, double[] x, int n, int len, Mode mode, Parallel par) {
        Tape t = new Tape(n, len, mode.dropout() > 0);
        System.arraycopy(x, 0, t.x, 0, t.x.length);
        final int row = len * h;
        // encoder: h_k = x_k · W_enc + b_enc
        par.run(n, (w, from, to) -> {
            for (int b = from; b < to; b++) {
                for (int kk = 0; kk < len; kk++) {
                    affine(t.x, (b * len + kk) * dIn, dIn, th, lay.encK, lay.encB, h, t.hIn[0], (b * len + kk) * h);
                }
            }
        });
        for (int l = 0; l < nl; l++) {
            final int layer = l;
            ParamLayout.Layer L = lay.layer(l);
            if (mode.dropout() > 0) {
                masks(t, l, mode);
            }
            if (cfg.prenorm()) {
                normForward(th, bnRunning, t, l, t.hIn[l], t.z[l], mode.training());
            }
            Disc ds = discretize(th, l);
            t.disc[l] = ds;
            par.run(n, (w, from, to) -> {
                for (int b = from; b < to; b++) {
                    ssmForward(th, L, ds, t, layer, b);
                    actForward(th, L, t, layer, b);
                }
            });
            if (!cfg.prenorm()) {
                normForward(th, bnRunning, t, l, t.res[l], t.hIn[l + 1], mode.training());
            }
        }
        par.run(n, (w, from, to) -> {
            for (int b = from; b < to; b++) {
                head(th, t, b);
            }
        });
        return t;
    }

    /** Dropout masks of layer l, one per window and channel, shared by all time steps (as the S5 code's broadcast_dims). */
    private void masks(Tape t, int l, Mode mode) {
        double keep = 1 - mode.dropout();
        for (int b = 0; b < t.n; b++) {
            SplittableRandom r = new SplittableRandom(mode.dropoutSeeds()[b] * 1_000_003L + l);
            for (int j = 0; j < h; j++) {
                t.m1[l][b * h + j] = r.nextDouble() < keep ? 1 / keep : 0;
            }
            if (t.m2[l] != null) {
                for (int j = 0; j < h; j++) {
                    t.m2[l][b * h + j] = r.nextDouble() < keep ? 1 / keep : 0;
                }
            }
        }
    }

    /** out[o..o+m) = in[i..i+nIn) · K (nIn, m) + bias (m). */
    private static void affine(double[] in, int i, int nIn, double[] th, int kOff, int bOff, int m, double[] out, int o) {
        for (int j = 0; j < m; j++) {
            out[o + j] = th[bOff + j];
        }
        for (int q = 0; q < nIn; q++) {
            double v = in[i + q];
            int kr = kOff + q * m;
            for (int j = 0; j < m; j++) {
                out[o + j] += v * th[kr + j];
            }
        }
    }

    /**
     * The diagonal complex recurrence of one window:
     * <pre>
     *   x_k = λ̄ ⊙ x_{k−1} + B̄ z_k   (x_{−1} = 0)        s_k = c·Re(C̃ x_k) + D ⊙ z_k   (c = 2 with conj_sym)
     * </pre>
     */
    private void ssmForward(double[] th, ParamLayout.Layer L, Disc ds, Tape t, int l, int b) {
        int p = L.states();
        int len = t.len;
        double[] z = t.z[l];
        double[] xr = t.xRe[l];
        double[] xi = t.xIm[l];
        double[] s = t.s[l];
        for (int kk = 0; kk < len; kk++) {
            int zo = (b * len + kk) * h;
            int xo = (b * len + kk) * p;
            for (int i = 0; i < p; i++) {
                double ur = 0;
                double ui = 0;
                int bo = i * h;
                for (int j = 0; j < h; j++) {
                    ur += ds.bbRe[bo + j] * z[zo + j];
                    ui += ds.bbIm[bo + j] * z[zo + j];
                }
                double pr = kk == 0 ? 0 : xr[xo - p + i];
                double pi = kk == 0 ? 0 : xi[xo - p + i];
                xr[xo + i] = ds.lbRe[i] * pr - ds.lbIm[i] * pi + ur;
                xi[xo + i] = ds.lbRe[i] * pi + ds.lbIm[i] * pr + ui;
            }
            for (int j = 0; j < h; j++) {
                double acc = 0;
                int co = L.c() + j * p * 2;
                for (int i = 0; i < p; i++) {
                    acc += th[co + 2 * i] * xr[xo + i] - th[co + 2 * i + 1] * xi[xo + i];
                }
                s[zo + j] = cScale * acc + th[L.d() + j] * z[zo + j];
            }
        }
    }

    /**
     * Activation, dropout and residual of one window (S5 SequenceLayer):
     * <pre>
     *   g = drop₁(gelu(s))
     *   gelu:      y = g
     *   half_glu1: y = drop₂(g·σ(out2(g)))      half_glu2: y = drop₂(s·σ(out2(g)))
     *   full_glu:  y = drop₂(out1(g)·σ(out2(g)))
     *   res = skip + y
     * </pre>
     */
    private void actForward(double[] th, ParamLayout.Layer L, Tape t, int l, int b) {
        int len = t.len;
        double[] s = t.s[l];
        double[] gg = t.g[l];
        double[] skip = t.hIn[l];
        double[] res = t.res[l];
        double[] gd = new double[h];
        S5Activation act = cfg.activation();
        for (int kk = 0; kk < len; kk++) {
            int o = (b * len + kk) * h;
            for (int j = 0; j < h; j++) {
                gg[o + j] = gelu(s[o + j]);
                gd[j] = t.m1[l] == null ? gg[o + j] : gg[o + j] * t.m1[l][b * h + j];
            }
            if (act == S5Activation.GELU) {
                for (int j = 0; j < h; j++) {
                    res[o + j] = skip[o + j] + gd[j];
                }
                continue;
            }
            double[] sg = t.sig[l];
            affine(gd, 0, h, th, L.out2K(), L.out2B(), h, sg, o);
            if (act == S5Activation.FULL_GLU) {
                affine(gd, 0, h, th, L.out1K(), L.out1B(), h, t.a[l], o);
            }
            for (int j = 0; j < h; j++) {
                double sv = 1 / (1 + Math.exp(-sg[o + j]));
                sg[o + j] = sv;
                double y;
                if (act == S5Activation.HALF_GLU1) {
                    y = gd[j] * sv;
                } else if (act == S5Activation.HALF_GLU2) {
                    y = s[o + j] * sv;
                } else {
                    y = t.a[l][o + j] * sv;
                }
                if (t.m2[l] != null) {
                    y *= t.m2[l][b * h + j];
                }
                res[o + j] = skip[o + j] + y;
            }
        }
    }

    /** feat = mean_k h_k (pool) or h_{T−1} (last);  logp = log_softmax(feat·W_dec + b_dec). */
    private void head(double[] th, Tape t, int b) {
        int len = t.len;
        double[] hh = t.hIn[nl];
        int fo = b * h;
        if (cfg.mode() == HeadMode.POOL) {
            for (int j = 0; j < h; j++) {
                double acc = 0;
                for (int kk = 0; kk < len; kk++) {
                    acc += hh[(b * len + kk) * h + j];
                }
                t.feat[fo + j] = acc / len;
            }
        } else {
            System.arraycopy(hh, (b * len + len - 1) * h, t.feat, fo, h);
        }
        affine(t.feat, fo, h, th, lay.decK, lay.decB, k, t.logp, b * k);
        double max = Double.NEGATIVE_INFINITY;
        for (int c = 0; c < k; c++) {
            max = Math.max(max, t.logp[b * k + c]);
        }
        double sum = 0;
        for (int c = 0; c < k; c++) {
            sum += Math.exp(t.logp[b * k + c] - max);
        }
        double lse = max + Math.log(sum);
        for (int c = 0; c < k; c++) {
            t.logp[b * k + c] -= lse;
        }
    }

    /**
     * LayerNorm over the H features of each row (flax, ε 1e-6) or, with batchnorm, BatchNorm over all n·T rows
     * per feature (training: batch statistics, biased variance, running stats updated with momentum 0.9;
     * else the running statistics, ε 1e-5):  out = (in − μ)/√(σ² + ε) · scale + bias.
     */
    private void normForward(double[] th, double[][] bnRunning, Tape t, int l, double[] in, double[] out, boolean training) {
        ParamLayout.Layer L = lay.layer(l);
        int rows = t.n * t.len;
        double[] mean = t.normMean[l];
        double[] rstd = t.normRstd[l];
        if (!cfg.batchnorm()) {
            for (int r = 0; r < rows; r++) {
                int o = r * h;
                double mu = 0;
                for (int j = 0; j < h; j++) {
                    mu += in[o + j];
                }
                mu /= h;
                double var = 0;
                for (int j = 0; j < h; j++) {
                    double dv = in[o + j] - mu;
                    var += dv * dv;
                }
                var /= h;
                double rs = 1 / Math.sqrt(var + S5Config.LAYER_NORM_EPS);
                mean[r] = mu;
                rstd[r] = rs;
                for (int j = 0; j < h; j++) {
                    out[o + j] = (in[o + j] - mu) * rs * th[L.normScale() + j] + th[L.normBias() + j];
                }
            }
            return;
        }
        double[] run = bnRunning[l];
        for (int j = 0; j < h; j++) {
            double mu;
            double var;
            if (training) {
                mu = 0;
                for (int r = 0; r < rows; r++) {
                    mu += in[r * h + j];
                }
                mu /= rows;
                var = 0;
                for (int r = 0; r < rows; r++) {
                    double dv = in[r * h + j] - mu;
                    var += dv * dv;
                }
                var /= rows;
                run[j] = BN_MOMENTUM * run[j] + (1 - BN_MOMENTUM) * mu;
                run[h + j] = BN_MOMENTUM * run[h + j] + (1 - BN_MOMENTUM) * var;
            } else {
                mu = run[j];
                var = run[h + j];
            }
            mean[j] = mu;
            rstd[j] = 1 / Math.sqrt(var + S5Config.BATCH_NORM_EPS);
        }
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < h; j++) {
                out[r * h + j] = (in[r * h + j] - mean[j]) * rstd[j] * th[L.normScale() + j] + th[L.normBias() + j];
            }
        }
    }

    static double gelu(double x) {
        return 0.5 * x * (1 + Math.tanh(GELU_C * (x + 0.044715 * x * x * x)));
    }

    /** d/dx of the tanh GELU: 0.5(1 + th) + 0.5·x·(1 − th²)·c·(1 + 3·0.044715·x²), th = tanh(c(x + 0.044715x³)). */
    static double geluGrad(double x) {
        double th = Math.tanh(GELU_C * (x + 0.044715 * x * x * x));
        return 0.5 * (1 + th) + 0.5 * x * (1 - th * th) * GELU_C * (1 + 3 * 0.044715 * x * x);
    }

    // ------------------------------------------------------------------ loss and backward

    /**
     * Weighted cross-entropy against target distributions and its gradient:
     * <pre>
     *   L = Σ_b w_b·(−Σ_c q_bc·logp_bc) / Σ_b w_b          ∂L/∂logits_b = w_b/Σw · (softmax_b − q_b)
     * </pre>
     * With one-hot targets this is the usual (class-weighted) cross-entropy; with a teacher's probabilities
     * mixed in, it is distillation.
     *
     * @param targets (n, K) target probabilities per window (rows sum to 1)
     * @param weights (n) weight per window
     * @param grad    (θ size) written with ∂L/∂θ (not accumulated)
     * @return L
     */
    double lossAndGradient(double[] th, Tape t, double[] targets, double[] weights, double[] grad, Parallel par) {
        double wsum = 0;
        double loss = 0;
        for (int b = 0; b < t.n; b++) {
            wsum += weights[b];
            for (int c = 0; c < k; c++) {
                loss -= weights[b] * targets[b * k + c] * t.logp[b * k + c];
            }
        }
        double[] gLogits = new double[t.n * k];
        for (int b = 0; b < t.n; b++) {
            double sc = weights[b] / wsum;
            for (int c = 0; c < k; c++) {
                gLogits[b * k + c] = sc * (Math.exp(t.logp[b * k + c]) - targets[b * k + c]);
            }
        }
        backward(th, t, gLogits, grad, par);
        return loss / wsum;
    }

    /** {@link #lossAndGradient(double[], Tape, double[], double[], double[], Parallel)} with labels and class weights. */
    double lossAndGradient(double[] th, Tape t, int[] labels, double[] classWeights, double[] grad, Parallel par) {
        double[] q = new double[t.n * k];
        double[] w = new double[t.n];
        for (int b = 0; b < t.n; b++) {
            q[b * k + labels[b]] = 1;
            w[b] = classWeights[labels[b]];
        }
        return lossAndGradient(th, t, q, w, grad, par);
    }

    /** Per-worker gradient buffers and scratch. */
    private final class Work {
        final double[] g;        // (θ size)
        final double[][] gLbRe;  // [layer] (P) G_λ̄
        final double[][] gLbIm;
        final double[][] gBbRe;  // [layer] (P, H) G_B̄
        final double[][] gBbIm;

        Work() {
            g = new double[lay.size()];
            gLbRe = new double[nl][];
            gLbIm = new double[nl][];
            gBbRe = new double[nl][];
            gBbIm = new double[nl][];
            for (int l = 0; l < nl; l++) {
                int p = lay.layer(l).states();
                gLbRe[l] = new double[p];
                gLbIm[l] = new double[p];
                gBbRe[l] = new double[p * h];
                gBbIm[l] = new double[p * h];
            }
        }
    }

    /** Backpropagates ∂L/∂logits (n, K) to ∂L/∂θ, written into {@code grad}. */
    void backward(double[] th, Tape t, double[] gLogits, double[] grad, Parallel par) {
        int n = t.n;
        int len = t.len;
        int e = n * len * h;
        Work[] work = new Work[par.threads()];
        for (int w = 0; w < work.length; w++) {
            work[w] = new Work();
        }
        double[] gH = new double[e];      // ∂L/∂(current features)
        // head: feat = pool/last(h);  logits = feat·W + b  →  G_W += featᵀ·G, G_b += G, G_feat = G·Wᵀ
        par.run(n, (w, from, to) -> {
            double[] g = work[w].g;
            for (int b = from; b < to; b++) {
                double[] gFeat = new double[h];
                affineBackward(t.feat, b * h, h, th, lay.decK, lay.decB, k, gLogits, b * k, g, gFeat, 0);
                if (cfg.mode() == HeadMode.POOL) {
                    for (int kk = 0; kk < len; kk++) {
                        for (int j = 0; j < h; j++) {
                            gH[(b * len + kk) * h + j] = gFeat[j] / len;
                        }
                    }
                } else {
                    System.arraycopy(gFeat, 0, gH, (b * len + len - 1) * h, h);
                }
            }
        });
        double[] gRes = new double[e];
        double[] gZ = new double[e];
        for (int l = nl - 1; l >= 0; l--) {
            final int layer = l;
            ParamLayout.Layer L = lay.layer(l);
            // post-norm: h_{l+1} = norm(res)
            if (!cfg.prenorm()) {
                normBackward(th, t, l, t.res[l], gH, gRes, work[0].g);
            } else {
                System.arraycopy(gH, 0, gRes, 0, e);
            }
            java.util.Arrays.fill(gZ, 0);
            Disc ds = t.disc[l];
            par.run(n, (w, from, to) -> {
                for (int b = from; b < to; b++) {
                    actBackward(th, L, t, layer, b, gRes, gZ, work[w]);
                }
            });
            // gZ now holds ∂L/∂z from the SSM; gRes's skip part is ∂L/∂h_l directly
            if (cfg.prenorm()) {
                // z = norm(h_l): G_h = G_res (skip) + norm backward of G_z
                normBackward(th, t, l, t.hIn[l], gZ, gH, work[0].g);
                for (int i = 0; i < e; i++) {
                    gH[i] += gRes[i];
                }
            } else {
                for (int i = 0; i < e; i++) {
                    gH[i] = gRes[i] + gZ[i];
                }
            }
            // sum the workers' G_λ̄, G_B̄ in order, then through the discretization
            Work w0 = work[0];
            for (int w = 1; w < work.length; w++) {
                add(w0.gLbRe[l], work[w].gLbRe[l]);
                add(w0.gLbIm[l], work[w].gLbIm[l]);
                add(w0.gBbRe[l], work[w].gBbRe[l]);
                add(w0.gBbIm[l], work[w].gBbIm[l]);
            }
            discretizeBackward(th, l, ds, w0.gLbRe[l], w0.gLbIm[l], w0.gBbRe[l], w0.gBbIm[l], w0.g);
        }
        // encoder: h_0 = x·W_enc + b_enc
        par.run(n, (w, from, to) -> {
            double[] g = work[w].g;
            for (int b = from; b < to; b++) {
                for (int kk = 0; kk < len; kk++) {
                    int r = b * len + kk;
                    affineBackward(t.x, r * dIn, dIn, th, lay.encK, lay.encB, h, gH, r * h, g, null, 0);
                }
            }
        });
        System.arraycopy(work[0].g, 0, grad, 0, grad.length);
        for (int w = 1; w < work.length; w++) {
            add(grad, work[w].g);
        }
    }

    private static void add(double[] acc, double[] v) {
        for (int i = 0; i < acc.length; i++) {
            acc[i] += v[i];
        }
    }

    /**
     * Backward of out = in·K + bias for one row: G_K += inᵀ·G_out, G_bias += G_out, G_in = G_out·Kᵀ
     * (written to gIn at gi when gIn is not null).
     */
    private static void affineBackward(double[] in, int i, int nIn, double[] th, int kOff, int bOff, int m,
                                       double[] gOut, int go, double[] g, double[] gIn, int gi) {
        for (int j = 0; j < m; j++) {
            g[bOff + j] += gOut[go + j];
        }
        for (int q = 0; q < nIn; q++) {
            double v = in[i + q];
            int kr = kOff + q * m;
            double acc = 0;
            for (int j = 0; j < m; j++) {
                g[kr + j] += v * gOut[go + j];
                acc += th[kr + j] * gOut[go + j];
            }
            if (gIn != null) {
                gIn[gi + q] = acc;
            }
        }
    }

    /**
     * Backward of activation, dropout and the SSM of one window. In: gRes = ∂L/∂res (the skip branch passes
     * it on unchanged). Out: gZ = ∂L/∂z; parameter gradients into the worker's buffers.
     */
    private void actBackward(double[] th, ParamLayout.Layer L, Tape t, int l, int b, double[] gRes, double[] gZ, Work w) {
        int len = t.len;
        S5Activation act = cfg.activation();
        double[] s = t.s[l];
        double[] gg = t.g[l];
        double[] gS = new double[len * h];   // ∂L/∂s of this window
        double[] gd = new double[h];
        double[] gGd = new double[h];
        double[] gT = new double[h];
        double[] gA = new double[h];
        double[] tmp = new double[h];
        for (int kk = 0; kk < len; kk++) {
            int o = (b * len + kk) * h;
            int so = kk * h;
            for (int j = 0; j < h; j++) {
                gd[j] = t.m1[l] == null ? gg[o + j] : gg[o + j] * t.m1[l][b * h + j];
            }
            if (act == S5Activation.GELU) {
                System.arraycopy(gRes, o, gGd, 0, h);
            } else {
                double[] sg = t.sig[l];
                java.util.Arrays.fill(gGd, 0);
                for (int j = 0; j < h; j++) {
                    double gy = gRes[o + j] * (t.m2[l] == null ? 1 : t.m2[l][b * h + j]);
                    double sv = sg[o + j];
                    // y = v·σ(t):  G_v = G_y·σ,  G_t = G_y·v·σ(1 − σ)
                    double v = act == S5Activation.HALF_GLU1 ? gd[j] : act == S5Activation.HALF_GLU2 ? s[o + j] : t.a[l][o + j];
                    gT[j] = gy * v * sv * (1 - sv);
                    double gv = gy * sv;
                    if (act == S5Activation.HALF_GLU1) {
                        gGd[j] += gv;
                    } else if (act == S5Activation.HALF_GLU2) {
                        gS[so + j] += gv;
                    } else {
                        gA[j] = gv;
                    }
                }
                affineBackward(gd, 0, h, th, L.out2K(), L.out2B(), h, gT, 0, w.g, tmp, 0);
                add(gGd, tmp);
                if (act == S5Activation.FULL_GLU) {
                    affineBackward(gd, 0, h, th, L.out1K(), L.out1B(), h, gA, 0, w.g, tmp, 0);
                    add(gGd, tmp);
                }
            }
            // g_d = gelu(s)·m₁  →  G_s += G_gd·m₁·gelu′(s)
            for (int j = 0; j < h; j++) {
                double m = t.m1[l] == null ? 1 : t.m1[l][b * h + j];
                gS[so + j] += gGd[j] * m * geluGrad(s[o + j]);
            }
        }
        ssmBackward(th, L, t, l, b, gS, gZ, w);
    }

    /**
     * Backward of the recurrence of one window, given G_s (T, H):
     * <pre>
     *   G_D += Σ_k G_s,k ⊙ z_k                G_z,k += D ⊙ G_s,k
     *   G_C̃_hp += c·Σ_k G_s,kh·conj(x_kp)     direct G_x,k = c·conj(C̃)ᵀ G_s,k
     *   backwards in k:  Gt_k = G_x,k + conj(λ̄) ⊙ Gt_{k+1}
     *                    G_λ̄ += conj(x_{k−1}) ⊙ Gt_k      G_B̄ += Gt_k z_kᵀ      G_z,k += Re(B̄ᴴ Gt_k)
     * </pre>
     */
    private void ssmBackward(double[] th, ParamLayout.Layer L, Tape t, int l, int b, double[] gS, double[] gZ, Work w) {
        int p = L.states();
        int len = t.len;
        Disc ds = t.disc[l];
        double[] z = t.z[l];
        double[] xr = t.xRe[l];
        double[] xi = t.xIm[l];
        double[] g = w.g;
        double[] gLr = w.gLbRe[l];
        double[] gLi = w.gLbIm[l];
        double[] gBr = w.gBbRe[l];
        double[] gBi = w.gBbIm[l];
        double[] gtr = new double[p];   // Gt_{k+1}, then Gt_k
        double[] gti = new double[p];
        for (int kk = len - 1; kk >= 0; kk--) {
            int zo = (b * len + kk) * h;
            int xo = (b * len + kk) * p;
            int so = kk * h;
            for (int j = 0; j < h; j++) {
                double gs = gS[so + j];
                g[L.d() + j] += gs * z[zo + j];
                gZ[zo + j] += th[L.d() + j] * gs;
            }
            for (int i = 0; i < p; i++) {
                // carry: conj(λ̄)·Gt_{k+1}
                double cr = ds.lbRe[i] * gtr[i] + ds.lbIm[i] * gti[i];
                double ci = ds.lbRe[i] * gti[i] - ds.lbIm[i] * gtr[i];
                double dr = 0;
                double di = 0;
                double x0 = xr[xo + i];
                double x1 = xi[xo + i];
                for (int j = 0; j < h; j++) {
                    double gs = cScale * gS[so + j];
                    int co = L.c() + (j * p + i) * 2;
                    dr += th[co] * gs;
                    di -= th[co + 1] * gs;
                    g[co] += gs * x0;
                    g[co + 1] -= gs * x1;
                }
                gtr[i] = dr + cr;
                gti[i] = di + ci;
                if (kk > 0) {
                    double pr = xr[xo - p + i];
                    double pi = xi[xo - p + i];
                    gLr[i] += pr * gtr[i] + pi * gti[i];
                    gLi[i] += pr * gti[i] - pi * gtr[i];
                }
                int bo = i * h;
                double a = gtr[i];
                double c = gti[i];
                for (int j = 0; j < h; j++) {
                    double zv = z[zo + j];
                    gBr[bo + j] += a * zv;
                    gBi[bo + j] += c * zv;
                    gZ[zo + j] += ds.bbRe[bo + j] * a + ds.bbIm[bo + j] * c;
                }
            }
        }
    }

    /**
     * Backward of the norm of layer l: in → out; gOut = ∂L/∂out, writes gIn = ∂L/∂in.
     * <pre>
     *   x̂ = (in − μ)·r,  out = x̂·scale + bias:  G_scale += Σ G·x̂,  G_bias += Σ G,  G_x̂ = G·scale
     *   G_in = r·(G_x̂ − mean(G_x̂) − x̂·mean(G_x̂·x̂))   (mean over the normalized axis; training statistics)
     * </pre>
     */
    private void normBackward(double[] th, Tape t, int l, double[] in, double[] gOut, double[] gIn, double[] g) {
        ParamLayout.Layer L = lay.layer(l);
        int rows = t.n * t.len;
        double[] mean = t.normMean[l];
        double[] rstd = t.normRstd[l];
        if (!cfg.batchnorm()) {
            double[] xh = new double[h];
            double[] gx = new double[h];
            for (int r = 0; r < rows; r++) {
                int o = r * h;
                double m1 = 0;
                double m2 = 0;
                for (int j = 0; j < h; j++) {
                    xh[j] = (in[o + j] - mean[r]) * rstd[r];
                    g[L.normScale() + j] += gOut[o + j] * xh[j];
                    g[L.normBias() + j] += gOut[o + j];
                    gx[j] = gOut[o + j] * th[L.normScale() + j];
                    m1 += gx[j];
                    m2 += gx[j] * xh[j];
                }
                m1 /= h;
                m2 /= h;
                for (int j = 0; j < h; j++) {
                    gIn[o + j] = rstd[r] * (gx[j] - m1 - xh[j] * m2);
                }
            }
            return;
        }
        for (int j = 0; j < h; j++) {
            double m1 = 0;
            double m2 = 0;
            double sc = th[L.normScale() + j];
            for (int r = 0; r < rows; r++) {
                double xh = (in[r * h + j] - mean[j]) * rstd[j];
                double go = gOut[r * h + j];
                g[L.normScale() + j] += go * xh;
                g[L.normBias() + j] += go;
                m1 += go * sc;
                m2 += go * sc * xh;
            }
            m1 /= rows;
            m2 /= rows;
            for (int r = 0; r < rows; r++) {
                double xh = (in[r * h + j] - mean[j]) * rstd[j];
                gIn[r * h + j] = rstd[j] * (gOut[r * h + j] * sc - m1 - xh * m2);
            }
        }
    }
}
