package io.ssmedge.oracle;

import io.ssmedge.model.s4d.S4DConfig;
import io.ssmedge.model.s4d.S4DLayerParams;
import io.ssmedge.model.s4d.S4DParams;

/**
 * A plain float64 S4D classifier written from ../shared/docs/s4d-checkpoint.md. It computes the SSM
 * as the reference code does, as a causal convolution with K_h[l] = 2·Re(Σ_n C·B̄·λ̄^l), not as a
 * recurrence, so it checks the runtime's recurrence independently.
 */
public final class S4DOracle extends ClassifierOracle {
    private final S4DConfig cfg;
    private final S4DParams p;

    public S4DOracle(S4DConfig cfg, S4DParams p) {
        this.cfg = cfg;
        this.p = p;
    }

    @Override
    double[] encode(double[] x) {
        return OracleMath.linear(x, p.encoderWeight(), p.encoderBias(), cfg.dModel());
    }

    @Override
    int layers() {
        return p.layers().size();
    }

    @Override
    double[][] layer(int l, double[][] seq) {
        return block(p.layers().get(l), seq);
    }

    @Override
    io.ssmedge.model.HeadMode mode() {
        return cfg.mode();
    }

    @Override
    double[] decode(double[] feat) {
        return OracleMath.linear(feat, p.decoderWeight(), p.decoderBias(), cfg.dOutput());
    }

    private double[][] block(S4DLayerParams lp, double[][] in) {
        int len = in.length;
        int h = cfg.dModel();
        double eps = cfg.normEps();
        double[][] z = new double[len][];
        for (int t = 0; t < len; t++) {
            z[t] = cfg.prenorm() ? OracleMath.layerNorm(in[t], lp.normWeight(), lp.normBias(), eps) : in[t];
        }
        // kernel K[h][l]
        double[][] k = new double[h][len];
        for (int ch = 0; ch < h; ch++) {
            double dt = Math.exp(lp.logDt()[ch]);
            for (int u = lp.offset()[ch]; u < lp.offset()[ch + 1]; u++) {
                Cx a = new Cx(-Math.exp(lp.logAReal()[u]), lp.aImag()[u]);
                Cx lam = a.times(dt).exp();
                Cx cb = new Cx(lp.c()[2 * u], lp.c()[2 * u + 1]).times(lam.minus(Cx.ONE).div(a));
                for (int l = 0; l < len; l++) {
                    k[ch][l] += 2 * cb.times(lam.pow(l)).re();
                }
            }
        }
        double[][] out = new double[len][];
        for (int t = 0; t < len; t++) {
            double[] y = new double[h];
            for (int ch = 0; ch < h; ch++) {
                double s = 0;
                for (int l = 0; l <= t; l++) {
                    s += k[ch][l] * z[t - l][ch];
                }
                double v = s + lp.d()[ch] * z[t][ch];
                y[ch] = cfg.geluApproximate() ? OracleMath.geluTanh(v) : OracleMath.geluErf(v);
            }
            double[] o = OracleMath.linear(y, lp.gluWeight(), lp.gluBias(), 2 * h);
            double[] res = new double[h];
            for (int ch = 0; ch < h; ch++) {
                res[ch] = in[t][ch] + o[ch] * OracleMath.sigmoid(o[h + ch]);
            }
            out[t] = cfg.prenorm() ? res : OracleMath.layerNorm(res, lp.normWeight(), lp.normBias(), eps);
        }
        return out;
    }
}
