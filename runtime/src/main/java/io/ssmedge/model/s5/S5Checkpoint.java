package io.ssmedge.model.s5;

import io.ssmedge.format.ModelFormatException;
import io.ssmedge.format.SafetensorsFile;
import io.ssmedge.format.SafetensorsWriter;
import io.ssmedge.format.Tensor;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The S5 checkpoint layout of the reference JAX code (flax parameter tree flattened with '/'):
 * reads it into {@link S5Params} with every shape checked, and writes it back.
 */
public final class S5Checkpoint {
    static final String ENC = "params/encoder/encoder/";
    static final String DEC = "params/decoder/";

    private S5Checkpoint() {
    }

    static String layer(int l) {
        return "params/encoder/layers_" + l + "/";
    }

    static String stats(int l) {
        return "batch_stats/encoder/layers_" + l + "/";
    }

    /** Reads and checks all tensors; per-layer P comes from the shape of {@code Lambda_re}. */
    public static S5Params read(SafetensorsFile f, S5Config cfg) {
        String src = f.source();
        int h = cfg.dModel();
        Set<String> unused = new LinkedHashSet<>(f.names());
        float[] encK = f.take(unused, ENC + "kernel", cfg.dInput(), h);
        float[] encB = f.take(unused, ENC + "bias", h);
        List<S5LayerParams> layers = new ArrayList<>();
        for (int l = 0; l < cfg.nLayers(); l++) {
            String p = layer(l) + "seq/";
            Tensor lre = f.get(p + "Lambda_re");
            if (lre.rank() != 1) {
                throw ModelFormatException.shape(src, p + "Lambda_re", new int[]{cfg.maxStates()}, lre.shape());
            }
            int n = lre.dim(0);
            if (n > cfg.maxStates()) {
                throw ModelFormatException.tensor(src, p + "Lambda_re", "has " + n + " states, but ssm_size "
                        + cfg.ssmSize() + (cfg.conjSym() ? " with conj_sym allows " : " allows ") + cfg.maxStates());
            }
            if (cfg.statesPerLayer() != null && cfg.statesPerLayer()[l] != n) {
                throw ModelFormatException.shape(src, p + "Lambda_re", new int[]{cfg.statesPerLayer()[l]}, lre.shape());
            }
            float[] lr = f.take(unused, p + "Lambda_re", n);
            float[] li = f.take(unused, p + "Lambda_im", n);
            float[] b = f.take(unused, p + "B", n, h, 2);
            float[] c = f.take(unused, p + "C", h, n, 2);
            float[] d = f.take(unused, p + "D", h);
            float[] ls = f.take(unused, p + "log_step", n, 1);
            String nm = layer(l) + "norm/";
            float[] scale = f.take(unused, nm + "scale", h);
            float[] bias = f.take(unused, nm + "bias", h);
            float[] mean = null;
            float[] var = null;
            if (cfg.batchnorm()) {
                mean = f.take(unused, stats(l) + "norm/mean", h);
                var = f.take(unused, stats(l) + "norm/var", h);
                for (int k = 0; k < h; k++) {
                    if (var[k] < 0) {
                        throw ModelFormatException.tensor(src, stats(l) + "norm/var", "element " + k + " is " + var[k]
                                + "; a variance must be ≥ 0");
                    }
                }
            }
            float[] o1k = null;
            float[] o1b = null;
            float[] o2k = null;
            float[] o2b = null;
            if (cfg.activation().hasOut1()) {
                o1k = f.take(unused, layer(l) + "out1/kernel", h, h);
                o1b = f.take(unused, layer(l) + "out1/bias", h);
            }
            if (cfg.activation().hasOut2()) {
                o2k = f.take(unused, layer(l) + "out2/kernel", h, h);
                o2b = f.take(unused, layer(l) + "out2/bias", h);
            }
            layers.add(new S5LayerParams(lr, li, b, c, d, ls, scale, bias, mean, var, o1k, o1b, o2k, o2b));
        }
        float[] decK = f.take(unused, DEC + "kernel", h, cfg.dOutput());
        float[] decB = f.take(unused, DEC + "bias", cfg.dOutput());
        if (!unused.isEmpty()) {
            throw new ModelFormatException(src + ": tensors not used by an S5 model with n_layers=" + cfg.nLayers()
                    + ", activation=" + cfg.activation().key() + ", batchnorm=" + cfg.batchnorm() + ": " + unused
                    + " (does config.json belong to this checkpoint?)");
        }
        return new S5Params(encK, encB, List.copyOf(layers), decK, decB);
    }


    /** Writes the parameters in the same layout. */
    public static SafetensorsWriter write(S5Params p, S5Config cfg) {
        SafetensorsWriter w = new SafetensorsWriter();
        int h = cfg.dModel();
        w.metadata("format", "ssm-edge s5");
        w.add(Tensor.f32(ENC + "kernel", p.encoderKernel(), cfg.dInput(), h));
        w.add(Tensor.f32(ENC + "bias", p.encoderBias(), h));
        for (int l = 0; l < p.layers().size(); l++) {
            S5LayerParams lp = p.layers().get(l);
            int n = lp.states();
            String s = layer(l) + "seq/";
            w.add(Tensor.f32(s + "Lambda_re", lp.lambdaRe(), n));
            w.add(Tensor.f32(s + "Lambda_im", lp.lambdaIm(), n));
            w.add(Tensor.f32(s + "B", lp.b(), n, h, 2));
            w.add(Tensor.f32(s + "C", lp.c(), h, n, 2));
            w.add(Tensor.f32(s + "D", lp.d(), h));
            w.add(Tensor.f32(s + "log_step", lp.logStep(), n, 1));
            w.add(Tensor.f32(layer(l) + "norm/scale", lp.normScale(), h));
            w.add(Tensor.f32(layer(l) + "norm/bias", lp.normBias(), h));
            if (lp.bnMean() != null) {
                w.add(Tensor.f32(stats(l) + "norm/mean", lp.bnMean(), h));
                w.add(Tensor.f32(stats(l) + "norm/var", lp.bnVar(), h));
            }
            if (lp.out1Kernel() != null) {
                w.add(Tensor.f32(layer(l) + "out1/kernel", lp.out1Kernel(), h, h));
                w.add(Tensor.f32(layer(l) + "out1/bias", lp.out1Bias(), h));
            }
            if (lp.out2Kernel() != null) {
                w.add(Tensor.f32(layer(l) + "out2/kernel", lp.out2Kernel(), h, h));
                w.add(Tensor.f32(layer(l) + "out2/bias", lp.out2Bias(), h));
            }
        }
        w.add(Tensor.f32(DEC + "kernel", p.decoderKernel(), h, cfg.dOutput()));
        w.add(Tensor.f32(DEC + "bias", p.decoderBias(), cfg.dOutput()));
        return w;
    }
}
