package io.ssmedge.bench;

import io.ssmedge.model.LayerSystem;
import io.ssmedge.model.s5.S5Activation;
import io.ssmedge.model.s5.S5LayerParams;
import io.ssmedge.model.s5.S5Model;
import org.ejml.data.DMatrixRMaj;
import org.ejml.data.ZMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.CommonOps_ZDRM;

import java.util.List;

/**
 * The S5 step as a Java developer would first write it with EJML: complex matrices for B̄ and C̃,
 * one stream at a time, double precision, matrices allocated once. Covers the configuration of the
 * benchmark models (half_glu1, post-LayerNorm, conj_sym, last); the baseline of EjmlBaselineBench.
 */
final class EjmlS5 {
    private final int h;
    private final DMatrixRMaj encW;      // (d_in, H)
    private final DMatrixRMaj encB;      // (1, H)
    private final ZMatrixRMaj[] lambda;  // [layer] (P, 1) λ̄
    private final ZMatrixRMaj[] b;       // [layer] (P, H) B̄
    private final ZMatrixRMaj[] c;       // [layer] (H, P) C̃
    private final DMatrixRMaj[] d;       // [layer] (1, H)
    private final DMatrixRMaj[] out2W;   // [layer] (H, H)
    private final DMatrixRMaj[] out2B;   // [layer] (1, H)
    private final DMatrixRMaj[] normS;   // [layer] (1, H)
    private final DMatrixRMaj[] normB;   // [layer] (1, H)
    private final DMatrixRMaj decW;      // (H, d_out)
    private final DMatrixRMaj decB;      // (1, d_out)

    /** Per-stream state and work matrices. */
    final class Stream {
        final ZMatrixRMaj[] x;           // [layer] (P, 1)
        final DMatrixRMaj u;             // (1, d_in)
        final DMatrixRMaj hv = new DMatrixRMaj(1, h);
        final ZMatrixRMaj zc = new ZMatrixRMaj(h, 1);
        final ZMatrixRMaj[] bu;          // [layer] (P, 1)
        final ZMatrixRMaj cx = new ZMatrixRMaj(h, 1);
        final DMatrixRMaj g = new DMatrixRMaj(1, h);
        final DMatrixRMaj t = new DMatrixRMaj(1, h);
        final DMatrixRMaj logits;

        Stream() {
            x = new ZMatrixRMaj[lambda.length];
            bu = new ZMatrixRMaj[lambda.length];
            for (int l = 0; l < x.length; l++) {
                x[l] = new ZMatrixRMaj(lambda[l].numRows, 1);
                bu[l] = new ZMatrixRMaj(lambda[l].numRows, 1);
            }
            u = new DMatrixRMaj(1, encW.numRows);
            logits = new DMatrixRMaj(1, decW.numCols);
        }
    }

    EjmlS5(S5Model m) {
        var cfg = m.config();
        if (cfg.activation() != S5Activation.HALF_GLU1 || cfg.prenorm() || cfg.batchnorm() || !cfg.conjSym()) {
            throw new IllegalArgumentException("the EJML baseline covers half_glu1, post-LayerNorm, conj_sym models");
        }
        h = m.width();
        encW = dense(cfg.dInput(), h, m.params().encoderKernel());
        encB = dense(1, h, m.params().encoderBias());
        decW = dense(h, cfg.dOutput(), m.params().decoderKernel());
        decB = dense(1, cfg.dOutput(), m.params().decoderBias());
        List<LayerSystem> sys = m.layerSystems();
        int n = sys.size();
        lambda = new ZMatrixRMaj[n];
        b = new ZMatrixRMaj[n];
        c = new ZMatrixRMaj[n];
        d = new DMatrixRMaj[n];
        out2W = new DMatrixRMaj[n];
        out2B = new DMatrixRMaj[n];
        normS = new DMatrixRMaj[n];
        normB = new DMatrixRMaj[n];
        for (int l = 0; l < n; l++) {
            LayerSystem s = sys.get(l);
            S5LayerParams p = m.params().layers().get(l);
            int units = s.units();
            lambda[l] = new ZMatrixRMaj(units, 1);
            b[l] = new ZMatrixRMaj(units, h);
            c[l] = new ZMatrixRMaj(h, units);
            for (int i = 0; i < units; i++) {
                lambda[l].set(i, 0, s.lambdaRe()[i], s.lambdaIm()[i]);
                for (int k = 0; k < h; k++) {
                    b[l].set(i, k, s.bRe()[i * h + k], s.bIm()[i * h + k]);
                    c[l].set(k, i, s.cRe()[k * units + i], s.cIm()[k * units + i]);
                }
            }
            d[l] = new DMatrixRMaj(1, h, true, s.d());
            out2W[l] = dense(h, h, p.out2Kernel());
            out2B[l] = dense(1, h, p.out2Bias());
            normS[l] = dense(1, h, p.normScale());
            normB[l] = dense(1, h, p.normBias());
        }
    }

    private static DMatrixRMaj dense(int rows, int cols, float[] v) {
        DMatrixRMaj a = new DMatrixRMaj(rows, cols);
        for (int i = 0; i < v.length; i++) {
            a.data[i] = v[i];
        }
        return a;
    }

    Stream newStream() {
        return new Stream();
    }

    /** One step; writes log-probabilities into logp (d_out). */
    void step(Stream s, float[] u, float[] logp) {
        for (int i = 0; i < u.length; i++) {
            s.u.data[i] = u[i];
        }
        CommonOps_DDRM.mult(s.u, encW, s.hv);
        CommonOps_DDRM.addEquals(s.hv, encB);
        for (int l = 0; l < lambda.length; l++) {
            layer(s, l);
        }
        CommonOps_DDRM.mult(s.hv, decW, s.logits);
        CommonOps_DDRM.addEquals(s.logits, decB);
        double max = CommonOps_DDRM.elementMax(s.logits);
        double sum = 0;
        for (int k = 0; k < s.logits.numCols; k++) {
            sum += Math.exp(s.logits.data[k] - max);
        }
        double lse = max + Math.log(sum);
        for (int k = 0; k < logp.length; k++) {
            logp[k] = (float) (s.logits.data[k] - lse);
        }
    }

    private void layer(Stream s, int l) {
        DMatrixRMaj hv = s.hv;
        for (int k = 0; k < h; k++) {
            s.zc.set(k, 0, hv.data[k], 0);
        }
        // x = λ̄ ⊙ x + B̄ u
        CommonOps_ZDRM.mult(b[l], s.zc, s.bu[l]);
        ZMatrixRMaj x = s.x[l];
        for (int i = 0; i < x.numRows; i++) {
            double xr = x.getReal(i, 0);
            double xi = x.getImag(i, 0);
            double lr = lambda[l].getReal(i, 0);
            double li = lambda[l].getImag(i, 0);
            x.set(i, 0, lr * xr - li * xi + s.bu[l].getReal(i, 0), lr * xi + li * xr + s.bu[l].getImag(i, 0));
        }
        // y = 2·Re(C̃ x) + D ⊙ u;  g = gelu(y);  y = g·σ(g W2 + b2);  h = LayerNorm(h + y)
        CommonOps_ZDRM.mult(c[l], x, s.cx);
        for (int k = 0; k < h; k++) {
            double y = 2 * s.cx.getReal(k, 0) + d[l].data[k] * hv.data[k];
            s.g.data[k] = 0.5 * y * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (y + 0.044715 * y * y * y)));
        }
        CommonOps_DDRM.mult(s.g, out2W[l], s.t);
        CommonOps_DDRM.addEquals(s.t, out2B[l]);
        for (int k = 0; k < h; k++) {
            hv.data[k] += s.g.data[k] / (1 + Math.exp(-s.t.data[k]));
        }
        double mean = CommonOps_DDRM.elementSum(hv) / h;
        double var = 0;
        for (int k = 0; k < h; k++) {
            var += (hv.data[k] - mean) * (hv.data[k] - mean);
        }
        double inv = 1 / Math.sqrt(var / h + 1e-6);
        for (int k = 0; k < h; k++) {
            hv.data[k] = (hv.data[k] - mean) * inv * normS[l].data[k] + normB[l].data[k];
        }
    }
}
