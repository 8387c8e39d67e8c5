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
        float mean = 0f;
        for (int i = 0; i < n; i++) {
            mean += x[i];
        }
        mean /= n;
        float var = 0f;
        for (int i = 0; i < n; i++) {
            float dlt = x[i] - mean;
            var += dlt * dlt;
        }
        var /= n;
        float inv = (float) (1.0 / Math.sqrt(var + eps));
        for (int i = 0; i < n; i++) {
            y[i] = (x[i] - mean) * inv * scale[i] + bias[i];
        }
    }

    /** Per-feature affine map y = a ⊙ x + b (BatchNorm at inference, folded). {@code y} may be {@code x}. */
    public static void affine(float[] x, int n, float[] a, float[] b, float[] y) {
        for (int i = 0; i < n; i++) {
            y[i] = a[i] * x[i] + b[i];
        }
    }

    /** log-softmax: out = l − max − log Σ exp(l − max). {@code out} may be {@code logits}. */
    public static void logSoftmax(float[] logits, int n, float[] out) {
        float max = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            max = Math.max(max, logits[i]);
        }
        double sum = 0;
        for (int i = 0; i < n; i++) {
            sum += Math.exp(logits[i] - max);
        }
        float lse = (float) (max + Math.log(sum));
        for (int i = 0; i < n; i++) {
            out[i] = logits[i] - lse;
        }
    }
}
