package io.ssmedge.pruning;

import io.ssmedge.model.LayerSystem;

import java.util.Arrays;

/**
 * The scores LAST and its baselines rank units by, for one layer. Unit i of a layer is the one-state
 * subsystem (λ̄ᵢ, B̄[i, :], C̃[:, i]).
 *
 * <pre>
 *   squared H∞ norm     hᵢ = ‖C̃[:, i]‖² · ‖B̄[i, :]‖² / ((1 − |λ̄ᵢ|)² + 1e-8)
 *   LAST score          sort h ascending: h₍₁₎ ≤ … ≤ h₍ₚ₎;  score₍ⱼ₎ = h₍ⱼ₎ / Σ_{k ≥ j} h₍ₖ₎
 *   magnitude           mᵢ = ‖B̄[i, :]‖ · ‖C̃[:, i]‖
 *   LAMP                the LAST normalization applied to mᵢ²
 * </pre>
 * The factor 2 of conjugate-symmetric states is not in hᵢ (as in the reference code); the 1e-8 keeps a
 * pole on the unit circle finite. Ties in the sort keep index order (a stable sort, like jnp.argsort),
 * so of two equal values the lower index gets the smaller score.
 */
public final class StateScores {
    /** The reference code's guard in the denominator of hᵢ. */
    public static final double EPS = 1e-8;

    private StateScores() {
    }

    /** hᵢ for every unit of the layer. */
    public static double[] hinfSquared(LayerSystem s) {
        double[] h = new double[s.units()];
        for (int i = 0; i < h.length; i++) {
            double gap = 1.0 - s.poleMagnitude(i);
            h[i] = s.cColNorm2(i) * s.bRowNorm2(i) / (gap * gap + EPS);
        }
        return h;
    }

    /** mᵢ = ‖B̄ᵢ‖·‖C̃ᵢ‖ for every unit. */
    public static double[] magnitude(LayerSystem s) {
        double[] m = new double[s.units()];
        for (int i = 0; i < m.length; i++) {
            m[i] = Math.sqrt(s.cColNorm2(i) * s.bRowNorm2(i));
        }
        return m;
    }

    /** Layer-wise energy normalization: each value divided by the sum of itself and all larger ones. */
    public static double[] energyNormalized(double[] v) {
        int n = v.length;
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Double.compare(v[a], v[b])); // stable: ties keep index order
        double[] out = new double[n];
        double tail = 0; // Σ of sorted values from position j to the end
        for (int j = n - 1; j >= 0; j--) {
            tail += v[order[j]];
            out[order[j]] = tail == 0 ? 0 : v[order[j]] / tail;
        }
        return out;
    }

    /** LAST scores of a layer. */
    public static double[] last(LayerSystem s) {
        return energyNormalized(hinfSquared(s));
    }

    /** LAMP scores of a layer. */
    public static double[] lamp(LayerSystem s) {
        double[] m = magnitude(s);
        for (int i = 0; i < m.length; i++) {
            m[i] *= m[i];
        }
        return energyNormalized(m);
    }
}
