package io.ssmedge.kernel;

/**
 * Branch-free float32 approximations of the nonlinearities, written so that C2 vectorizes the array
 * loops below (only +, ×, ÷, min, max). Errors against {@link Math} (checked in FastMathTest on seeded
 * random inputs): tanh and erf below 1e-6 absolute, far inside the 2e-4 conformance tolerance.
 *
 * <pre>
 *   tanh(x) ≈ x·p(x²)/q(x²),  x clamped to ±7.905 (tanh is ±1 to float32 beyond)   (Eigen's rational fit)
 *   erf(x)  ≈ x·p(x²)/q(x²),  x clamped to ±4                                       (Eigen's rational fit)
 *   σ(x)    = ½ + ½·tanh(x/2)
 *   gelu_tanh(x) = ½·x·(1 + tanh(√(2/π)·(x + 0.044715·x³)))
 *   gelu_erf(x)  = ½·x·(1 + erf(x/√2))
 * </pre>
 */
public final class FastMath {
    static final float SQRT_2_OVER_PI = (float) Math.sqrt(2.0 / Math.PI);
    static final float INV_SQRT_2 = (float) (1.0 / Math.sqrt(2.0));
    static final float TANH_CLAMP = 7.90531110763549805f;
    // tanh: odd numerator p (x·(A1 + A3 x² + … + A13 x¹²)), even denominator q (B0 + B2 x² + … + B6 x⁶)
    static final float TANH_A13 = -2.76076847742355e-16f;
    static final float TANH_A11 = 2.00018790482477e-13f;
    static final float TANH_A9 = -8.60467152213735e-11f;
    static final float TANH_A7 = 5.12229709037114e-08f;
    static final float TANH_A5 = 1.48572235717979e-05f;
    static final float TANH_A3 = 6.37261928875436e-04f;
    static final float TANH_A1 = 4.89352455891786e-03f;
    static final float TANH_B6 = 1.19825839466702e-06f;
    static final float TANH_B4 = 1.18534705686654e-04f;
    static final float TANH_B2 = 2.26843463243900e-03f;
    static final float TANH_B0 = 4.89352518554385e-03f;
    // erf: the same shape, x clamped to ±4
    static final float ERF_A13 = -2.72614225801306e-10f;
    static final float ERF_A11 = 2.77068142495902e-08f;
    static final float ERF_A9 = -2.10102402082508e-06f;
    static final float ERF_A7 = -5.69250639462346e-05f;
    static final float ERF_A5 = -7.34990630326855e-04f;
    static final float ERF_A3 = -2.95459980854025e-03f;
    static final float ERF_A1 = -1.60960333262415e-02f;
    static final float ERF_B8 = -1.45660718464996e-05f;
    static final float ERF_B6 = -2.13374055278905e-04f;
    static final float ERF_B4 = -1.68282697438203e-03f;
    static final float ERF_B2 = -7.37332916720468e-03f;
    static final float ERF_B0 = -1.42647390514189e-02f;

    private FastMath() {
    }

    /** tanh(x), absolute error below 1e-6. */
    public static float tanh(float x) {
        float c = Math.max(-TANH_CLAMP, Math.min(TANH_CLAMP, x));
        float x2 = c * c;
        float p = x2 * TANH_A13 + TANH_A11;
        p = x2 * p + TANH_A9;
        p = x2 * p + TANH_A7;
        p = x2 * p + TANH_A5;
        p = x2 * p + TANH_A3;
        p = x2 * p + TANH_A1;
        p = c * p;
        float q = x2 * TANH_B6 + TANH_B4;
        q = x2 * q + TANH_B2;
        q = x2 * q + TANH_B0;
        return p / q;
    }

    /** erf(x), absolute error below 1e-6. */
    public static float erf(float x) {
        float c = Math.max(-4f, Math.min(4f, x));
        float x2 = c * c;
        float p = x2 * ERF_A13 + ERF_A11;
        p = x2 * p + ERF_A9;
        p = x2 * p + ERF_A7;
        p = x2 * p + ERF_A5;
        p = x2 * p + ERF_A3;
        p = x2 * p + ERF_A1;
        p = c * p;
        float q = x2 * ERF_B8 + ERF_B6;
        q = x2 * q + ERF_B4;
        q = x2 * q + ERF_B2;
        q = x2 * q + ERF_B0;
        return p / q;
    }

    /** σ(x) = ½ + ½·tanh(x/2). */
    public static float sigmoid(float x) {
        return 0.5f + 0.5f * tanh(0.5f * x);
    }

    public static float geluTanh(float x) {
        return 0.5f * x * (1f + tanh(SQRT_2_OVER_PI * (x + 0.044715f * x * x * x)));
    }

    public static float geluErf(float x) {
        return 0.5f * x * (1f + erf(x * INV_SQRT_2));
    }

    /** y[i] = gelu_tanh(x[i]) for i &lt; n; {@code y} may be {@code x}. */
    public static void geluTanh(float[] x, int n, float[] y) {
        for (int i = 0; i < n; i++) {
            y[i] = geluTanh(x[i]);
        }
    }

    /** y[i] = gelu_erf(x[i]) for i &lt; n; {@code y} may be {@code x}. */
    public static void geluErf(float[] x, int n, float[] y) {
        for (int i = 0; i < n; i++) {
            y[i] = geluErf(x[i]);
        }
    }

    /** y[i] = a[i]·σ(g[i]) for i &lt; n (the GLU gate); {@code y} may alias {@code a}. */
    public static void gate(float[] a, float[] g, int n, float[] y) {
        for (int i = 0; i < n; i++) {
            y[i] = a[i] * sigmoid(g[i]);
        }
    }
}
