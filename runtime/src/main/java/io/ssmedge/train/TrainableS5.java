package io.ssmedge.train;

import io.ssmedge.model.s5.S5Config;
import io.ssmedge.model.s5.S5Discretizer;
import io.ssmedge.model.s5.S5LayerParams;
import io.ssmedge.model.s5.S5Model;
import io.ssmedge.model.s5.S5Params;

import java.util.ArrayList;
import java.util.List;

/**
 * An S5 classifier while it trains: the config, the flat float64 parameter vector θ (see {@link ParamLayout})
 * and the BatchNorm running statistics. Converts to and from the float32 checkpoint parameters, so a
 * trained model is an ordinary {@link S5Model} that every command loads.
 */
public final class TrainableS5 {
    final S5Config config;
    final ParamLayout layout;
    final double[] theta;       // (layout.size())
    final double[][] bnRunning; // [layer] (2H) running mean then variance; null for LayerNorm

    TrainableS5(S5Config config, ParamLayout layout, double[] theta, double[][] bnRunning) {
        this.config = config;
        this.layout = layout;
        this.theta = theta;
        this.bnRunning = bnRunning;
    }

    public S5Config config() {
        return config;
    }

    public ParamLayout layout() {
        return layout;
    }

    /** A deep copy (θ and running statistics). */
    public TrainableS5 copy() {
        double[][] bn = null;
        if (bnRunning != null) {
            bn = new double[bnRunning.length][];
            for (int l = 0; l < bn.length; l++) {
                bn[l] = bnRunning[l].clone();
            }
        }
        return new TrainableS5(config, layout, theta.clone(), bn);
    }

    /**
     * From a loaded model (for fine-tuning). Re Λ ≥ −1e-4 (only possible with clip_eigs, where the model uses
     * −1e-4 anyway) becomes −1e-4 so that ρ = log(−Re Λ) exists.
     */
    public static TrainableS5 of(S5Model model) {
        S5Config cfg = model.config();
        S5Params p = model.params();
        ParamLayout lay = new ParamLayout(cfg.dInput(), cfg.dModel(), cfg.dOutput(), p.statesPerLayer(), cfg.activation());
        double[] th = new double[lay.size()];
        copy(p.encoderKernel(), th, lay.encK);
        copy(p.encoderBias(), th, lay.encB);
        copy(p.decoderKernel(), th, lay.decK);
        copy(p.decoderBias(), th, lay.decB);
        double[][] bn = cfg.batchnorm() ? new double[p.layers().size()][] : null;
        for (int l = 0; l < p.layers().size(); l++) {
            S5LayerParams lp = p.layers().get(l);
            ParamLayout.Layer L = lay.layer(l);
            for (int i = 0; i < lp.states(); i++) {
                double re = Math.min(lp.lambdaRe()[i], S5Discretizer.CLIP_MAX_RE);
                th[L.rho() + i] = Math.log(-re);
            }
            copy(lp.lambdaIm(), th, L.lamIm());
            copy(lp.b(), th, L.b());
            copy(lp.c(), th, L.c());
            copy(lp.d(), th, L.d());
            copy(lp.logStep(), th, L.logStep());
            copy(lp.normScale(), th, L.normScale());
            copy(lp.normBias(), th, L.normBias());
            if (L.out1K() >= 0) {
                copy(lp.out1Kernel(), th, L.out1K());
                copy(lp.out1Bias(), th, L.out1B());
            }
            if (L.out2K() >= 0) {
                copy(lp.out2Kernel(), th, L.out2K());
                copy(lp.out2Bias(), th, L.out2B());
            }
            if (bn != null) {
                int h = cfg.dModel();
                bn[l] = new double[2 * h];
                for (int j = 0; j < h; j++) {
                    bn[l][j] = lp.bnMean()[j];
                    bn[l][h + j] = lp.bnVar()[j];
                }
            }
        }
        return new TrainableS5(cfg, lay, th, bn);
    }

    private static void copy(float[] src, double[] dst, int off) {
        for (int i = 0; i < src.length; i++) {
            dst[off + i] = src[i];
        }
    }

    private float[] slice(int off, int n) {
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            out[i] = (float) theta[off + i];
        }
        return out;
    }

    /** The float32 checkpoint parameters (Lambda_re = −exp(ρ)). */
    public S5Params toParams() {
        int h = config.dModel();
        List<S5LayerParams> ls = new ArrayList<>();
        for (int l = 0; l < layout.layerCount(); l++) {
            ParamLayout.Layer L = layout.layer(l);
            int p = L.states();
            float[] re = new float[p];
            for (int i = 0; i < p; i++) {
                re[i] = (float) -Math.exp(theta[L.rho() + i]);
            }
            float[] mean = null;
            float[] var = null;
            if (bnRunning != null) {
                mean = new float[h];
                var = new float[h];
                for (int j = 0; j < h; j++) {
                    mean[j] = (float) bnRunning[l][j];
                    var[j] = (float) bnRunning[l][h + j];
                }
            }
            ls.add(new S5LayerParams(re, slice(L.lamIm(), p), slice(L.b(), p * h * 2), slice(L.c(), h * p * 2), slice(L.d(), h),
                    slice(L.logStep(), p), slice(L.normScale(), h), slice(L.normBias(), h), mean, var,
                    L.out1K() < 0 ? null : slice(L.out1K(), h * h), L.out1B() < 0 ? null : slice(L.out1B(), h),
                    L.out2K() < 0 ? null : slice(L.out2K(), h * h), L.out2B() < 0 ? null : slice(L.out2B(), h)));
        }
        return new S5Params(slice(layout.encK, config.dInput() * h), slice(layout.encB, h), List.copyOf(ls),
                slice(layout.decK, h * config.dOutput()), slice(layout.decB, config.dOutput()));
    }

    /** The inference model of the current parameters. */
    public S5Model toModel() {
        return new S5Model(config, toParams());
    }
}
