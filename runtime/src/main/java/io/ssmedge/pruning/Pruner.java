package io.ssmedge.pruning;

import io.ssmedge.model.LayerSystem;
import io.ssmedge.model.SsmModel;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Chooses units to remove and removes them.
 *
 * <pre>
 *   global methods (LAST, global H∞, magnitude, LAMP):
 *     keep = max(⌊N·(100 − r)/100⌋, 1) over all N units of all layers
 *     threshold = the keep-th largest score;  a unit stays iff score ≥ threshold   (ties stay)
 *   uniform H∞: the same rule inside each layer, with N = that layer's units
 *   random:     keep units chosen uniformly at random (seeded), same global count
 * </pre>
 * Removing units is modal truncation: the kept poles are unchanged, so a stable model stays stable.
 */
public final class Pruner {
    private Pruner() {
    }

    /** keep = max(⌊n·(100 − r)/100⌋, 1), computed exactly for integer ratios. */
    public static int keepCount(int n, double ratio) {
        if (ratio < 0 || ratio > 100 || Double.isNaN(ratio)) {
            throw new IllegalArgumentException("pruning ratio must be within 0..100 %, got " + ratio);
        }
        if (n == 0) {
            return 0;
        }
        long k = ratio == Math.rint(ratio) ? (long) n * (100 - (long) ratio) / 100 : (long) Math.floor(n * (100 - ratio) / 100);
        return (int) Math.max(k, 1);
    }

    public static PruningPlan plan(SsmModel model, PruningMethod method, double ratio) {
        return plan(model, method, ratio, 0);
    }

    public static PruningPlan plan(SsmModel model, PruningMethod method, double ratio, long seed) {
        return plan(model.layerSystems(), method, ratio, seed);
    }

    public static PruningPlan plan(List<LayerSystem> systems, PruningMethod method, double ratio, long seed) {
        int layers = systems.size();
        int[] units = systems.stream().mapToInt(LayerSystem::units).toArray();
        double[][] hinf = new double[layers][];
        double[][] scores = new double[layers][];
        for (int l = 0; l < layers; l++) {
            LayerSystem s = systems.get(l);
            hinf[l] = StateScores.hinfSquared(s);
            switch (method) {
                case LAST:
                    scores[l] = StateScores.energyNormalized(hinf[l]);
                    break;
                case UNIFORM_HINF:
                case GLOBAL_HINF:
                    scores[l] = hinf[l].clone();
                    break;
                case MAGNITUDE:
                    scores[l] = StateScores.magnitude(s);
                    break;
                case LAMP:
                    scores[l] = StateScores.lamp(s);
                    break;
                default: // RANDOM: scores filled below
                    scores[l] = new double[units[l]];
            }
            if (method == PruningMethod.LAST || method == PruningMethod.UNIFORM_HINF
                    || method == PruningMethod.GLOBAL_HINF) {
                // an unstable unit (|λ̄| ≥ 1) has no finite H∞ norm: removing it changes the output without bound,
                // so the H∞ methods keep it whatever the ratio (hᵢ's 1e-8 guard would rank it like a slow stable one)
                for (int i = 0; i < units[l]; i++) {
                    if (!(s.poleMagnitude(i) < 1.0)) {
                        scores[l][i] = Double.POSITIVE_INFINITY;
                    }
                }
            }
        }
        int total = Arrays.stream(units).sum();
        int keep = keepCount(total, ratio);
        boolean[][] mask = new boolean[layers][];
        double threshold = Double.NaN;
        if (method == PruningMethod.UNIFORM_HINF) {
            for (int l = 0; l < layers; l++) {
                double th = kthLargest(scores[l], keepCount(units[l], ratio));
                mask[l] = atLeast(scores[l], th);
            }
        } else if (method == PruningMethod.RANDOM) {
            // a seeded random permutation of all units; the first `keep` stay. The score of a unit is its rank.
            int[] perm = permutation(total, seed);
            int[] offset = offsets(units);
            for (int l = 0; l < layers; l++) {
                mask[l] = new boolean[units[l]];
            }
            for (int r = 0; r < total; r++) {
                int g = perm[r];
                int l = layerOf(offset, g);
                scores[l][g - offset[l]] = total - r;
                if (r < keep) {
                    mask[l][g - offset[l]] = true;
                }
            }
        } else {
            double[] all = new double[total];
            int p = 0;
            for (double[] s : scores) {
                System.arraycopy(s, 0, all, p, s.length);
                p += s.length;
            }
            threshold = kthLargest(all, keep);
            for (int l = 0; l < layers; l++) {
                mask[l] = atLeast(scores[l], threshold);
            }
        }
        int[][] kept = new int[layers][];
        double[] energy = new double[layers];
        for (int l = 0; l < layers; l++) {
            List<Integer> k = new ArrayList<>();
            double sum = 0;
            double keptSum = 0;
            for (int i = 0; i < units[l]; i++) {
                sum += hinf[l][i];
                if (mask[l][i]) {
                    k.add(i);
                    keptSum += hinf[l][i];
                }
            }
            kept[l] = k.stream().mapToInt(Integer::intValue).toArray();
            energy[l] = sum == 0 ? 1.0 : keptSum / sum;
        }
        return new PruningPlan(method, ratio, seed, threshold, units, kept, scores, energy);
    }

    /** Applies a plan: a new, physically smaller model. */
    public static SsmModel apply(SsmModel model, PruningPlan plan) {
        if (!Arrays.equals(model.unitsPerLayer(), plan.unitsPerLayer())) {
            throw new IllegalArgumentException("plan is for a model with units per layer " + Arrays.toString(plan.unitsPerLayer())
                    + ", this model has " + Arrays.toString(model.unitsPerLayer()));
        }
        return model.retain(plan.kept());
    }

    /** The k-th largest value (k ≥ 1); +∞ when k = 0 so that nothing passes. */
    static double kthLargest(double[] v, int k) {
        if (k <= 0 || v.length == 0) {
            return Double.POSITIVE_INFINITY;
        }
        double[] s = v.clone();
        Arrays.sort(s);
        return s[s.length - Math.min(k, s.length)];
    }

    private static boolean[] atLeast(double[] v, double th) {
        boolean[] m = new boolean[v.length];
        for (int i = 0; i < v.length; i++) {
            m[i] = v[i] >= th;
        }
        return m;
    }

    private static int[] permutation(int n, long seed) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        SplittableRandom rnd = new SplittableRandom(seed);
        for (int i = n - 1; i > 0; i--) { // Fisher–Yates
            int j = rnd.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }

    private static int[] offsets(int[] units) {
        int[] o = new int[units.length + 1];
        for (int l = 0; l < units.length; l++) {
            o[l + 1] = o[l] + units[l];
        }
        return o;
    }

    private static int layerOf(int[] offset, int g) {
        int l = 0;
        while (offset[l + 1] <= g) {
            l++;
        }
        return l;
    }
}
