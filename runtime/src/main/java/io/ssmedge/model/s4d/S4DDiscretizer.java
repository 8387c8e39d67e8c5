package io.ssmedge.model.s4d;

import io.ssmedge.model.DiscreteLayer;

/**
 * Zero-order hold per (channel h, state n) unit, in float64, with B fixed to 1:
 * <pre>
 *   Δ_h = exp(log_dt[h]);   A = −exp(log_A_real) + i·A_imag
 *   λ̄  = exp(Δ_h·A);        B̄ = (λ̄ − 1) / A
 * </pre>
 */
public final class S4DDiscretizer {
    private S4DDiscretizer() {
    }


    public static DiscreteLayer discretize(S4DLayerParams p) {
        int u = p.units();
        double[] lr = new double[u];
        double[] li = new double[u];
        double[] br = new double[u];
        double[] bi = new double[u];
        int[] chan = p.channelOfUnit();
        for (int j = 0; j < u; j++) {
            double dt = Math.exp(p.logDt()[chan[j]]);
            double aRe = -Math.exp(p.logAReal()[j]);
            double aIm = p.aImag()[j];
            double mag = Math.exp(aRe * dt);
            lr[j] = mag * Math.cos(aIm * dt);
            li[j] = mag * Math.sin(aIm * dt);
            // (λ̄ − 1) / A
            double nr = lr[j] - 1.0;
            double den = aRe * aRe + aIm * aIm;
            br[j] = (nr * aRe + li[j] * aIm) / den;
            bi[j] = (li[j] * aRe - nr * aIm) / den;
        }
        return new DiscreteLayer(lr, li, br, bi);
    }
}
