package io.ssmedge.oracle;

import io.ssmedge.model.s5.Discretization;
import io.ssmedge.model.s5.S5Config;
import io.ssmedge.model.s5.S5LayerParams;
import io.ssmedge.model.s5.S5Params;

/**
 * A plain float64 S5 classifier written from ../shared/docs/s5-checkpoint.md, working on whole
 * sequences with complex numbers as objects: the oracle the runtime's float32 step is checked against.
 */
public final class S5Oracle extends ClassifierOracle {
    private final S5Config cfg;
    private final S5Params p;

    public S5Oracle(S5Config cfg, S5Params p) {
        this.cfg = cfg;
        this.p = p;
    }

    @Override
    double[] encode(double[] x) {
        return OracleMath.dense(x, p.encoderKernel(), p.encoderBias(), cfg.dModel());
    }

    @Override
    int layers() {
        return p.layers().size();
    }

    @Override
    double[][] layer(int l, double[][] seq) {
        return layer(p.layers().get(l), seq);
    }

    @Override
    io.ssmedge.model.HeadMode mode() {
        return cfg.mode();
    }

    @Override
    double[] decode(double[] feat) {
        return OracleMath.dense(feat, p.decoderKernel(), p.decoderBias(), cfg.dOutput());
    }

    private double[] norm(S5LayerParams lp, double[] v) {
        if (!cfg.batchnorm()) {
            return OracleMath.layerNorm(v, lp.normScale(), lp.normBias(), 1e-6);
        }
        double[] y = new double[v.length];
        for (int k = 0; k < v.length; k++) {
            y[k] = (v[k] - lp.bnMean()[k]) / Math.sqrt(lp.bnVar()[k] + 1e-5) * lp.normScale()[k] + lp.normBias()[k];
        }
        return y;
    }

    private double[][] layer(S5LayerParams lp, double[][] in) {
        int len = in.length;
        int h = cfg.dModel();
        int n = lp.states();
        Cx[] lamBar = new Cx[n];
        Cx[][] bBar = new Cx[n][h];
        for (int i = 0; i < n; i++) {
            double re = cfg.clipEigs() ? Math.min(lp.lambdaRe()[i], -1e-4) : lp.lambdaRe()[i];
            Cx lam = new Cx(re, lp.lambdaIm()[i]);
            double delta = cfg.stepRescale() * Math.exp(lp.logStep()[i]);
            Cx factor;
            if (cfg.discretization() == Discretization.ZOH) {
                lamBar[i] = lam.times(delta).exp();
                factor = lamBar[i].minus(Cx.ONE).div(lam);
            } else {
                Cx bl = Cx.ONE.div(Cx.ONE.minus(lam.times(delta / 2)));
                lamBar[i] = bl.times(Cx.ONE.plus(lam.times(delta / 2)));
                factor = bl.times(delta);
            }
            for (int k = 0; k < h; k++) {
                bBar[i][k] = factor.times(new Cx(lp.b()[(i * h + k) * 2], lp.b()[(i * h + k) * 2 + 1]));
            }
        }
        double[][] out = new double[len][];
        Cx[] state = new Cx[n];
        java.util.Arrays.fill(state, Cx.ZERO);
        for (int t = 0; t < len; t++) {
            double[] skip = in[t];
            double[] z = cfg.prenorm() ? norm(lp, in[t]) : in[t];
            for (int i = 0; i < n; i++) {
                Cx bu = Cx.ZERO;
                for (int k = 0; k < h; k++) {
                    bu = bu.plus(bBar[i][k].times(z[k]));
                }
                state[i] = lamBar[i].times(state[i]).plus(bu);
            }
            double[] y = new double[h];
            for (int k = 0; k < h; k++) {
                Cx cx = Cx.ZERO;
                for (int i = 0; i < n; i++) {
                    cx = cx.plus(new Cx(lp.c()[(k * n + i) * 2], lp.c()[(k * n + i) * 2 + 1]).times(state[i]));
                }
                y[k] = (cfg.conjSym() ? 2 : 1) * cx.re() + lp.d()[k] * z[k];
            }
            double[] g = new double[h];
            for (int k = 0; k < h; k++) {
                g[k] = OracleMath.geluTanh(y[k]);
            }
            double[] act = new double[h];
            switch (cfg.activation()) {
                case GELU:
                    act = g;
                    break;
                case HALF_GLU1: {
                    double[] gate = OracleMath.dense(g, lp.out2Kernel(), lp.out2Bias(), h);
                    for (int k = 0; k < h; k++) {
                        act[k] = g[k] * OracleMath.sigmoid(gate[k]);
                    }
                    break;
                }
                case HALF_GLU2: {
                    double[] gate = OracleMath.dense(g, lp.out2Kernel(), lp.out2Bias(), h);
                    for (int k = 0; k < h; k++) {
                        act[k] = y[k] * OracleMath.sigmoid(gate[k]);
                    }
                    break;
                }
                default: {
                    double[] val = OracleMath.dense(g, lp.out1Kernel(), lp.out1Bias(), h);
                    double[] gate = OracleMath.dense(g, lp.out2Kernel(), lp.out2Bias(), h);
                    for (int k = 0; k < h; k++) {
                        act[k] = val[k] * OracleMath.sigmoid(gate[k]);
                    }
                }
            }
            double[] res = new double[h];
            for (int k = 0; k < h; k++) {
                res[k] = skip[k] + act[k];
            }
            out[t] = cfg.prenorm() ? res : norm(lp, res);
        }
        return out;
    }
}
