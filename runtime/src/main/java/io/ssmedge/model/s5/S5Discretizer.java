package io.ssmedge.model.s5;

import io.ssmedge.model.DiscreteLayer;

/**
 * Turns a layer's continuous-time parameters into the discrete system the recurrence runs, in float64.
 *
 * <pre>
 *   Λ   = min(Re Λ, −1e-4) + i·Im Λ        (only with clip_eigs)
 *   Δ   = step_rescale · exp(log_step)       per state
 *   ZOH:      Λ̄ = exp(ΛΔ)                    B̄ = ((Λ̄ − 1) / Λ) · B̃
 *   bilinear: Λ̄ = (1 − ΔΛ/2)⁻¹ (1 + ΔΛ/2)    B̄ = (1 − ΔΛ/2)⁻¹ Δ · B̃
 * </pre>
 * Each state's row of B̃ is scaled by one complex factor.
 */
public final class S5Discretizer {
    /** Largest real part allowed by clip_eigs. */
    public static final double CLIP_MAX_RE = -1e-4;

    private S5Discretizer() {
    }


    public static DiscreteLayer discretize(S5LayerParams p, S5Config cfg) {
        int n = p.states();
        int h = p.width();
        double[] lr = new double[n];
        double[] li = new double[n];
        double[] br = new double[n * h];
        double[] bi = new double[n * h];
        for (int i = 0; i < n; i++) {
            double re = p.lambdaRe()[i];
            double im = p.lambdaIm()[i];
            if (cfg.clipEigs()) {
                re = Math.min(re, CLIP_MAX_RE);
            }
            double delta = cfg.stepRescale() * Math.exp(p.logStep()[i]);
            double fRe;   // Re of the factor multiplying row i of B̃
            double fIm;
            double lbRe;  // λ̄
            double lbIm;
            if (cfg.discretization() == Discretization.ZOH) {
                // Λ̄ = exp(ΛΔ) = e^{ReΛ·Δ}(cos(ImΛ·Δ) + i sin(ImΛ·Δ))
                double mag = Math.exp(re * delta);
                lbRe = mag * Math.cos(im * delta);
                lbIm = mag * Math.sin(im * delta);
                // (Λ̄ − 1) / Λ
                double nr = lbRe - 1.0;
                double den = re * re + im * im;
                fRe = (nr * re + lbIm * im) / den;
                fIm = (lbIm * re - nr * im) / den;
            } else {
                // BL = 1 / (1 − ΔΛ/2);  Λ̄ = BL (1 + ΔΛ/2);  factor = BL·Δ
                double ar = 1.0 - delta / 2 * re;
                double ai = -delta / 2 * im;
                double den = ar * ar + ai * ai;
                double blRe = ar / den;
                double blIm = -ai / den;
                double pr = 1.0 + delta / 2 * re;
                double pi = delta / 2 * im;
                lbRe = blRe * pr - blIm * pi;
                lbIm = blRe * pi + blIm * pr;
                fRe = blRe * delta;
                fIm = blIm * delta;
            }
            lr[i] = lbRe;
            li[i] = lbIm;
            for (int k = 0; k < h; k++) {
                double bRe = p.b()[(i * h + k) * 2];
                double bIm = p.b()[(i * h + k) * 2 + 1];
                br[i * h + k] = fRe * bRe - fIm * bIm;
                bi[i * h + k] = fRe * bIm + fIm * bRe;
            }
        }
        return new DiscreteLayer(lr, li, br, bi);
    }
}
