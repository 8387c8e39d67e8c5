package io.ssmedge.bench;

import io.ssmedge.kernel.Kernels;
import io.ssmedge.model.LayerSystem;
import io.ssmedge.model.ModelLoader;
import io.ssmedge.model.RandomModels;
import io.ssmedge.model.RandomModels.S4DSpec;
import io.ssmedge.model.RandomModels.S5Spec;
import io.ssmedge.model.SsmModel;
import io.ssmedge.pruning.PruningMethod;
import io.ssmedge.pruning.Pruner;

import java.util.SplittableRandom;

/** The models every benchmark uses, by name, and their analytic FLOP counts. */
public final class BenchModels {
    /** S5, H = 128, P = 64 stored complex states, 6 layers, half_glu1, post-LayerNorm, last (fixture settings). */
    public static final S5Spec S5_LARGE = S5Spec.like(8, 128, 64, 6, 2);
    /** S4D, H = 128, d_state = 64 (32 stored complex states per channel), 6 layers, post-LayerNorm, pool. */
    public static final S4DSpec S4D_LARGE = new S4DSpec(8, 128, 64, 6, 2, false, "pool");

    private BenchModels() {
    }

    /** s5-skab, s4d-skab (embedded conformance models), s5-large, s4d-large (seeded random). */
    public static SsmModel load(String name) {
        switch (name) {
            case "s5-skab":
            case "s4d-skab":
                return ModelLoader.loadEmbedded(name);
            case "s5-large":
                return RandomModels.s5(S5_LARGE, 1);
            case "s4d-large":
                return RandomModels.s4d(S4D_LARGE, 1);
            default:
                throw new IllegalArgumentException("unknown benchmark model " + name);
        }
    }

    /** dense, pruned30, masked30, pruned50, masked50 (LAST). */
    public static SsmModel variant(SsmModel m, String variant) {
        if (variant.equals("dense")) {
            return m;
        }
        int ratio = Integer.parseInt(variant.replaceAll("\\D", ""));
        var plan = Pruner.plan(m, PruningMethod.LAST, ratio);
        if (variant.startsWith("pruned")) {
            return Pruner.apply(m, plan);
        }
        if (variant.startsWith("masked")) {
            return m.masked(plan.kept());
        }
        throw new IllegalArgumentException("unknown variant " + variant);
    }

    public static Kernels kernel(String name) {
        if (name.equals("scalar")) {
            return Kernels.scalar();
        }
        Kernels v = Kernels.vector();
        if (v == null) {
            throw new IllegalStateException("the vector kernel needs --add-modules jdk.incubator.vector");
        }
        return v;
    }

    /** n normalized-looking samples (N(0, 1)), flat (n, d). */
    public static float[] inputs(int n, int d, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] u = new float[n * d];
        for (int i = 0; i < u.length; i++) {
            u[i] = (float) r.nextGaussian();
        }
        return u;
    }

    /**
     * FLOPs of one sample (one stream, one step), counting multiply and add separately; nonlinearities
     * (GELU, σ, 1/√) count 0, so the rate is a lower bound of the arithmetic done.
     * <pre>
     *   S5 layer (P states, H width): Λ̄x 6P (complex mul) + B̄u 4PH (re, im) + 2P (add) + C̃x 4PH + D⊙z, +: 2H
     *                                 + LayerNorm 7H + GLU out2 2H² + H (bias) + gate H + residual H
     *   S4D layer (U units):           per unit 6 (λ̄x) + 4 (B̄z) + 4 (2·Re(Cx), acc) = 14U + D⊙z, +: 2H
     *                                 + GLU 1×1 conv 2·H·2H + 2H + gate H + residual H + LayerNorm 7H
     *   model: encoder 2·d_in·H + H, decoder 2·H·d_out + d_out (+ H for pool)
     * </pre>
     */
    public static double flopsPerSample(SsmModel m) {
        int h = m.width();
        int[] units = m.unitsPerLayer();
        double f = 2.0 * m.inputSize() * h + h + 2.0 * h * m.outputSize() + m.outputSize();
        boolean s5 = m.architecture().equals("s5");
        if (!s5) {
            f += h; // pool running sum
        }
        for (int l = 0; l < units.length; l++) {
            double u = units[l];
            if (s5) {
                f += 8 * u + 8 * u * h + 2 * h + 7 * h + 2.0 * h * h + 3 * h;
            } else {
                f += 14 * u + 2 * h + 4.0 * h * h + 2 * h + 2 * h + 7 * h;
            }
        }
        return f;
    }

    /** FLOPs of the SSM core only (what {@code ssmCoreBlock} runs), per sample. */
    public static double coreFlopsPerSample(SsmModel m) {
        int h = m.width();
        double f = 0;
        for (LayerSystem s : m.layerSystems()) {
            double u = s.units();
            f += m.architecture().equals("s5") ? 8 * u + 8 * u * h + 2 * h : 14 * u + 2 * h;
        }
        return f;
    }
}
