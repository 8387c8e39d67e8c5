package io.ssmedge.model;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ssmedge.model.s4d.S4DConfig;
import io.ssmedge.model.s4d.S4DLayerParams;
import io.ssmedge.model.s4d.S4DModel;
import io.ssmedge.model.s4d.S4DParams;
import io.ssmedge.model.s5.S5Activation;
import io.ssmedge.model.s5.S5Config;
import io.ssmedge.model.s5.S5LayerParams;
import io.ssmedge.model.s5.S5Model;
import io.ssmedge.model.s5.S5Params;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Randomly initialized models (seeded) for tests and benchmarks, with the reference codes' usual
 * initialization scales: Re Λ ∈ [−1, −0.1], Im Λ ∈ [0, π·P), Δ log-uniform in [0.001, 0.1],
 * dense weights ~ N(0, 1/fan_in).
 */
public final class RandomModels {
    private RandomModels() {
    }

    /**
     * Settings of a random S5 model (config.json keys).
     *
     * @param states stored complex states per layer (ssm_size = 2·states with conj_sym)
     */
    public record S5Spec(int dInput, int width, int states, int layers, int dOutput, String activation, boolean prenorm,
                         boolean batchnorm, String discretization, boolean conjSym, boolean clipEigs, String mode) {
        /** The conformance fixture's settings at another size. */
        public static S5Spec like(int dInput, int width, int states, int layers, int dOutput) {
            return new S5Spec(dInput, width, states, layers, dOutput, "half_glu1", false, false, "zoh", true, true, "last");
        }

        public S5Spec withActivation(String a) {
            return new S5Spec(dInput, width, states, layers, dOutput, a, prenorm, batchnorm, discretization, conjSym, clipEigs, mode);
        }

        public S5Spec withNorm(boolean pre, boolean batch) {
            return new S5Spec(dInput, width, states, layers, dOutput, activation, pre, batch, discretization, conjSym, clipEigs, mode);
        }

        public S5Spec withDiscretization(String d) {
            return new S5Spec(dInput, width, states, layers, dOutput, activation, prenorm, batchnorm, d, conjSym, clipEigs, mode);
        }

        public S5Spec withConjSym(boolean c) {
            return new S5Spec(dInput, width, states, layers, dOutput, activation, prenorm, batchnorm, discretization, c, clipEigs, mode);
        }

        public S5Spec withClipEigs(boolean c) {
            return new S5Spec(dInput, width, states, layers, dOutput, activation, prenorm, batchnorm, discretization, conjSym, c, mode);
        }

        public S5Spec withMode(String m) {
            return new S5Spec(dInput, width, states, layers, dOutput, activation, prenorm, batchnorm, discretization, conjSym, clipEigs, m);
        }

        public ObjectNode configJson() {
            ObjectNode o = ConfigReader.JSON.createObjectNode();
            o.put("architecture", "s5");
            o.put("d_input", dInput);
            o.put("d_model", width);
            o.put("d_output", dOutput);
            o.put("ssm_size", conjSym ? 2 * states : states);
            o.put("n_layers", layers);
            o.put("activation", activation);
            o.put("prenorm", prenorm);
            o.put("batchnorm", batchnorm);
            o.put("discretization", discretization);
            o.put("conj_sym", conjSym);
            o.put("clip_eigs", clipEigs);
            o.put("mode", mode);
            return o;
        }
    }

    public static S5Model s5(S5Spec spec, long seed) {
        S5Config cfg = S5Config.from(new ConfigReader("random-s5.json", spec.configJson()));
        SplittableRandom r = new SplittableRandom(seed);
        int h = spec.width();
        int p = spec.states();
        List<S5LayerParams> layers = new ArrayList<>();
        for (int l = 0; l < spec.layers(); l++) {
            float[] lre = new float[p];
            float[] lim = new float[p];
            float[] ls = new float[p];
            for (int i = 0; i < p; i++) {
                lre[i] = (float) -(0.1 + 0.9 * r.nextDouble());
                lim[i] = (float) (Math.PI * (i + r.nextDouble()));
                ls[i] = (float) (Math.log(0.001) + r.nextDouble() * (Math.log(0.1) - Math.log(0.001)));
            }
            boolean bn = spec.batchnorm();
            S5Activation act = S5Activation.parse(spec.activation());
            float[] var = bn ? uniform(r, h, 0.5, 2.0) : null;
            layers.add(new S5LayerParams(lre, lim, normal(r, p * h * 2, 1.0 / Math.sqrt(h)), normal(r, h * p * 2, 1.0 / Math.sqrt(p)),
                    normal(r, h, 1.0), ls, uniform(r, h, 0.8, 1.2), normal(r, h, 0.1), bn ? normal(r, h, 0.3) : null, var,
                    act.hasOut1() ? normal(r, h * h, 1.0 / Math.sqrt(h)) : null, act.hasOut1() ? normal(r, h, 0.1) : null,
                    act.hasOut2() ? normal(r, h * h, 1.0 / Math.sqrt(h)) : null, act.hasOut2() ? normal(r, h, 0.1) : null));
        }
        S5Params params = new S5Params(normal(r, spec.dInput() * h, 1.0 / Math.sqrt(spec.dInput())), normal(r, h, 0.1),
                List.copyOf(layers), normal(r, h * spec.dOutput(), 1.0 / Math.sqrt(h)), normal(r, spec.dOutput(), 0.1));
        return new S5Model(cfg, params);
    }

    /**
     * Settings of a random S4D model.
     *
     * @param dState N (N/2 complex states per channel are stored)
     */
    public record S4DSpec(int dInput, int width, int dState, int layers, int dOutput, boolean prenorm, String mode) {
        public ObjectNode configJson() {
            ObjectNode o = ConfigReader.JSON.createObjectNode();
            o.put("architecture", "s4d");
            o.put("d_input", dInput);
            o.put("d_model", width);
            o.put("d_state", dState);
            o.put("n_layers", layers);
            o.put("d_output", dOutput);
            o.put("prenorm", prenorm);
            o.put("mode", mode);
            return o;
        }
    }

    public static S4DModel s4d(S4DSpec spec, long seed) {
        S4DConfig cfg = S4DConfig.from(new ConfigReader("random-s4d.json", spec.configJson()));
        SplittableRandom r = new SplittableRandom(seed);
        int h = spec.width();
        int n2 = spec.dState() / 2;
        List<S4DLayerParams> layers = new ArrayList<>();
        for (int l = 0; l < spec.layers(); l++) {
            float[] logDt = new float[h];
            for (int k = 0; k < h; k++) {
                logDt[k] = (float) (Math.log(0.001) + r.nextDouble() * (Math.log(0.1) - Math.log(0.001)));
            }
            float[] lar = new float[h * n2];
            float[] ai = new float[h * n2];
            for (int k = 0; k < h; k++) {
                for (int n = 0; n < n2; n++) {
                    lar[k * n2 + n] = (float) Math.log(0.3 + 0.4 * r.nextDouble());
                    ai[k * n2 + n] = (float) (Math.PI * (n + 0.2 * r.nextDouble()));
                }
            }
            int[] off = new int[h + 1];
            for (int k = 0; k <= h; k++) {
                off[k] = k * n2;
            }
            layers.add(new S4DLayerParams(logDt, lar, ai, normal(r, h * n2 * 2, Math.sqrt(0.5)), off, normal(r, h, 1.0),
                    normal(r, 2 * h * h, 1.0 / Math.sqrt(h)), normal(r, 2 * h, 0.1), uniform(r, h, 0.8, 1.2), normal(r, h, 0.1)));
        }
        S4DParams params = new S4DParams(normal(r, h * spec.dInput(), 1.0 / Math.sqrt(spec.dInput())), normal(r, h, 0.1),
                List.copyOf(layers), normal(r, spec.dOutput() * h, 1.0 / Math.sqrt(h)), normal(r, spec.dOutput(), 0.1));
        return new S4DModel(cfg, params);
    }

    static float[] normal(SplittableRandom r, int n, double std) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            // Box–Muller
            double u1 = 1.0 - r.nextDouble();
            double u2 = r.nextDouble();
            a[i] = (float) (std * Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2));
        }
        return a;
    }

    static float[] uniform(SplittableRandom r, int n, double lo, double hi) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) (lo + (hi - lo) * r.nextDouble());
        }
        return a;
    }
}
