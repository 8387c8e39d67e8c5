package io.ssmedge.model;

import java.util.Arrays;
import java.util.List;

/**
 * Whether a model is a pruned copy of another: what {@link SsmModel#retain} of some kept units gives. A stream's
 * state may only be carried from a model to such a copy ({@link io.ssmedge.inference.WindowedStream#carryTo});
 * carried into any other model it would be a meaningless vector.
 *
 * <p>The check has two parts. (1) Per layer, unit j of the target is the one-state subsystem (λ̄, row of B̄,
 * column of C̃) of source unit kept[j], and D is equal ({@link LayerSystem}: retain copies these per unit, so
 * they are equal to the last bit). (2) The parts outside the layers (normalization, encoder, head, norms) cannot
 * be compared through {@link SsmModel}, so the target must give the outputs of {@code source.masked(kept)}
 * (equal to retain's by contract) on a fixed probe sequence. Results are cached per (source, target) pair.
 */
public final class PrunedCopy {
    /** Relative tolerance on λ̄, B̄, C̃, D (retain copies them bit for bit; the slack only absorbs -0.0 vs 0.0). */
    private static final double REL_TOL = 1e-9;
    /** Absolute tolerance on probe log-probabilities (float32 sums in a different order, fast exp/tanh). */
    private static final float PROBE_TOL = 2e-3f;
    private static final int PROBE_STEPS = 24;

    private record Verified(SsmModel source, SsmModel target, int[][] kept) {
    }

    private static volatile Verified last;

    private PrunedCopy() {
    }

    /**
     * The kept units (per layer, sorted indices into the source's units) that make {@code target} from
     * {@code source}, found by matching each target unit to the next equal source unit.
     *
     * @throws IllegalArgumentException when {@code target} is not a pruned copy of {@code source}; the message
     *                                  names the first layer and unit that differ
     */
    public static int[][] match(SsmModel source, SsmModel target) {
        Verified v = last;
        if (v != null && v.source == source && v.target == target) {
            return v.kept;
        }
        checkInterface(source, target);
        List<LayerSystem> a = source.layerSystems();
        List<LayerSystem> b = target.layerSystems();
        int[][] kept = new int[a.size()][];
        for (int l = 0; l < a.size(); l++) {
            LayerSystem sa = a.get(l);
            LayerSystem sb = b.get(l);
            checkD(l, sa, sb);
            kept[l] = new int[sb.units()];
            int next = 0;
            for (int j = 0; j < sb.units(); j++) {
                while (next < sa.units() && !sameUnit(sa, next, sb, j)) {
                    next++;
                }
                if (next == sa.units()) {
                    throw new IllegalArgumentException("not a pruned copy: layer " + l + " unit " + j + " of the target"
                            + " (λ̄ = " + sb.lambdaRe()[j] + " + " + sb.lambdaIm()[j] + "i) equals no remaining unit of the"
                            + " source");
                }
                kept[l][j] = next++;
            }
        }
        checkProbe(source, kept, target);
        last = new Verified(source, target, kept);
        return kept;
    }

    /**
     * Checks that {@code target} is {@code source.retain(kept)}.
     *
     * @throws IllegalArgumentException naming the first difference
     */
    public static void check(SsmModel source, int[][] kept, SsmModel target) {
        Verified v = last;
        if (v != null && v.source == source && v.target == target && Arrays.deepEquals(v.kept, kept)) {
            return;
        }
        KeptUnits.check(kept, source.unitsPerLayer());
        checkInterface(source, target);
        List<LayerSystem> a = source.layerSystems();
        List<LayerSystem> b = target.layerSystems();
        for (int l = 0; l < a.size(); l++) {
            LayerSystem sa = a.get(l);
            LayerSystem sb = b.get(l);
            if (sb.units() != kept[l].length) {
                throw new IllegalArgumentException("not a pruned copy: layer " + l + " of the target has " + sb.units()
                        + " units, the plan keeps " + kept[l].length);
            }
            checkD(l, sa, sb);
            for (int j = 0; j < kept[l].length; j++) {
                if (!sameUnit(sa, kept[l][j], sb, j)) {
                    throw new IllegalArgumentException("not a pruned copy: layer " + l + " unit " + j + " of the target"
                            + " differs from source unit " + kept[l][j] + " (λ̄, B̄ row or C̃ column)");
                }
            }
        }
        checkProbe(source, kept, target);
        last = new Verified(source, target, kept);
    }

    private static void checkInterface(SsmModel source, SsmModel target) {
        if (!source.architecture().equals(target.architecture()) || source.width() != target.width()
                || source.layers() != target.layers() || source.inputSize() != target.inputSize()
                || source.outputSize() != target.outputSize() || source.mode() != target.mode()) {
            throw new IllegalArgumentException("not a pruned copy: source is " + source.summary() + ", target is "
                    + target.summary() + " (architecture, width, layers, inputs, classes and head must be equal)");
        }
    }

    private static void checkD(int l, LayerSystem sa, LayerSystem sb) {
        if (!close(sa.d(), 0, sb.d(), 0, sa.width())) {
            throw new IllegalArgumentException("not a pruned copy: layer " + l + " feed-through D differs");
        }
    }

    private static boolean sameUnit(LayerSystem a, int i, LayerSystem b, int j) {
        int h = a.width();
        if (!near(a.lambdaRe()[i], b.lambdaRe()[j]) || !near(a.lambdaIm()[i], b.lambdaIm()[j])
                || !close(a.bRe(), i * h, b.bRe(), j * h, h) || !close(a.bIm(), i * h, b.bIm(), j * h, h)) {
            return false;
        }
        for (int row = 0; row < h; row++) { // C̃ is (H, P): column i
            if (!near(a.cRe()[row * a.units() + i], b.cRe()[row * b.units() + j])
                    || !near(a.cIm()[row * a.units() + i], b.cIm()[row * b.units() + j])) {
                return false;
            }
        }
        return true;
    }

    private static boolean close(double[] x, int xo, double[] y, int yo, int n) {
        for (int k = 0; k < n; k++) {
            if (!near(x[xo + k], y[yo + k])) {
                return false;
            }
        }
        return true;
    }

    private static boolean near(double x, double y) {
        return Math.abs(x - y) <= REL_TOL * Math.max(1.0, Math.max(Math.abs(x), Math.abs(y)));
    }

    /** Encoder, head and normalization: the target must answer like source.masked(kept) on a fixed input. */
    private static void checkProbe(SsmModel source, int[][] kept, SsmModel target) {
        SsmModel masked = source.masked(kept);
        StreamState sm = masked.newState();
        StreamState st = target.newState();
        int d = source.inputSize();
        float[] u = new float[d];
        float[] pm = new float[source.outputSize()];
        float[] pt = new float[source.outputSize()];
        for (int t = 0; t < PROBE_STEPS; t++) {
            for (int i = 0; i < d; i++) {
                u[i] = (float) Math.sin(0.7 * t + 1.3 * i); // any fixed input that excites every channel
            }
            masked.step(sm, u, pm);
            target.step(st, u, pt);
            for (int k = 0; k < pm.length; k++) {
                if (!(Math.abs(pm[k] - pt[k]) <= PROBE_TOL)) {
                    throw new IllegalArgumentException("not a pruned copy: the layers match but the outputs differ"
                            + " (step " + t + ", class " + k + ": " + pt[k] + " vs " + pm[k]
                            + "), so its encoder, head or normalization is another model's");
                }
            }
        }
        if (!Arrays.equals(normalizationOf(source), normalizationOf(target))) {
            throw new IllegalArgumentException("not a pruned copy: input normalization (input_mean/input_std) differs");
        }
    }

    private static float[] normalizationOf(SsmModel m) {
        InputNormalization n = m.normalization();
        float[] f = new float[2 * n.size()];
        for (int i = 0; i < n.size(); i++) {
            f[2 * i] = n.mean(i);
            f[2 * i + 1] = n.std(i);
        }
        return f;
    }
}
