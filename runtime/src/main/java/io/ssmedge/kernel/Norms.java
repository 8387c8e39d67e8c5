package io.ssmedge.kernel;

/** Normalizations over one feature vector. */
public final class Norms {
    private Norms() {
    }

    /**
     * LayerNorm: y = (x − μ) / √(σ² + ε) · scale + bias, μ and σ² (biased) over the n features.
     * {@code y} may be {@code x}.
     */
    public static void layerNorm(float[] x, int n, float[] scale, float[] bias, float eps, float[] y) {
        Rows.layerNorm(1, x, n, scale, bias, eps, y);
    }

    /** Per-feature affine map y = a ⊙ x + b (BatchNorm at inference, folded). {@code y} may be {@code x}. */
    public static void affine(float[] x, int n, float[] a, float[] b, float[] y) {
        for (int i = 0; i < n; i++) {
            y[i] = a[i] * x[i] + b[i];
        }
    }

    /** log-softmax: out = l − max − log Σ exp(l − max). {@code out} may be {@code logits}. */
    public static void logSoftmax(float[] logits, int n, float[] out) {
        Rows.logSoftmax(1, logits, n, out);
    }
}
