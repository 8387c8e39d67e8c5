package io.ssmedge.kernel;

/** Scalar nonlinearities, exact to float32 rounding (the reference's formulas). */
public final class Activations {
    private static final double SQRT_2_OVER_PI = Math.sqrt(2.0 / Math.PI);
    private static final double INV_SQRT_2 = 1.0 / Math.sqrt(2.0);

    private Activations() {
    }

    /** GELU, tanh approximation (flax/jax default): 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))). */
    public static float geluTanh(float x) {
        double xd = x;
        return (float) (0.5 * xd * (1.0 + Math.tanh(SQRT_2_OVER_PI * (xd + 0.044715 * xd * xd * xd))));
    }

    /** GELU, exact (PyTorch default): 0.5·x·(1 + erf(x/√2)). */
    public static float geluErf(float x) {
        double xd = x;
        return (float) (0.5 * xd * (1.0 + erf(xd * INV_SQRT_2)));
    }

    /** σ(x) = 1 / (1 + e^−x). */
    public static float sigmoid(float x) {
        return (float) (1.0 / (1.0 + Math.exp(-(double) x)));
    }

    /**
     * erf(x) with absolute error below 1e-7 (well inside float32 rounding): the Maclaurin series for
     * |x| < 0.5, above that 1 − erfc(x) with the Numerical Recipes Chebyshev fit of erfc (fractional
     * error below 1.2e-7).
     */
    public static double erf(double x) {
        double ax = Math.abs(x);
        if (ax < 0.5) {
            // Maclaurin series: erf(x) = 2/√π Σ (−1)^n x^(2n+1) / (n! (2n+1))
            double x2 = x * x;
            double term = x;
            double sum = x;
            for (int n = 1; n < 20; n++) {
                term *= -x2 / n;
                double add = term / (2 * n + 1);
                sum += add;
                if (Math.abs(add) < 1e-17 * Math.abs(sum)) {
                    break;
                }
            }
            return 2.0 / Math.sqrt(Math.PI) * sum;
        }
        double t = 1.0 / (1.0 + 0.5 * ax);
        double y = t * Math.exp(-ax * ax - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418
                + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587
                + t * (-0.82215223 + t * 0.17087277)))))))));
        double r = 1.0 - y;
        return x >= 0 ? r : -r;
    }
}
