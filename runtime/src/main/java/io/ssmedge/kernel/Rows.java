package io.ssmedge.kernel;

/**
 * Row-wise versions of {@link Dense} and {@link Norms} for a block of m feature vectors stored
 * row-major (m, n): the same formulas applied to every row.
 */
public final class Rows {
    private Rows() {
    }

    /**
     * y = x @ W + b for every row.
     *
     * @param x (m, in) (not modified)
     * @param w (in, out) (not modified)
     * @param b (out) or null (not modified)
     * @param y (m, out) (written; must not alias x)
     */
    public static void affine(Kernels kernels, int m, float[] x, int in, float[] w, float[] b, int out, float[] y) {
        kernels.affine(m, in, out, x, w, b, y);
    }

    /** LayerNorm of every row of x (m, n) into y; {@code y} may be {@code x}. See {@link Norms#layerNorm}. */
    public static void layerNorm(int m, float[] x, int n, float[] scale, float[] bias, float eps, float[] y) {
        for (int i = 0; i < m; i++) {
            int o = i * n;
            float mean = 0f;
            for (int j = 0; j < n; j++) {
                mean += x[o + j];
            }
            mean /= n;
            float var = 0f;
            for (int j = 0; j < n; j++) {
                float d = x[o + j] - mean;
                var += d * d;
            }
            var /= n;
            float inv = (float) (1.0 / Math.sqrt(var + eps));
            for (int j = 0; j < n; j++) {
                y[o + j] = (x[o + j] - mean) * inv * scale[j] + bias[j];
            }
        }
    }

    /** y = a ⊙ x + b on every row; {@code y} may be {@code x}. */
    public static void scaleShift(int m, float[] x, int n, float[] a, float[] b, float[] y) {
        for (int i = 0; i < m; i++) {
            int o = i * n;
            for (int j = 0; j < n; j++) {
                y[o + j] = a[j] * x[o + j] + b[j];
            }
        }
    }

    /** y = a ⊙ x on every row (no shift). */
    public static void scale(int m, float[] x, int n, float[] a, float[] y) {
        for (int i = 0; i < m; i++) {
            int o = i * n;
            for (int j = 0; j < n; j++) {
                y[o + j] = a[j] * x[o + j];
            }
        }
    }

    /** log-softmax of every row; {@code out} may be {@code logits}. */
    public static void logSoftmax(int m, float[] logits, int n, float[] out) {
        for (int i = 0; i < m; i++) {
            int o = i * n;
            float max = Float.NEGATIVE_INFINITY;
            for (int j = 0; j < n; j++) {
                max = Math.max(max, logits[o + j]);
            }
            double sum = 0;
            for (int j = 0; j < n; j++) {
                sum += Math.exp(logits[o + j] - max);
            }
            float lse = (float) (max + Math.log(sum));
            for (int j = 0; j < n; j++) {
                out[o + j] = logits[o + j] - lse;
            }
        }
    }

    /** t (cols, rows) = sᵀ for the first {@code rows} rows of s (rows, cols); the row stride of t is {@code tStride}. */
    public static void transpose(float[] s, int rows, int cols, float[] t, int tStride) {
        for (int r = 0; r < rows; r++) {
            int o = r * cols;
            for (int c = 0; c < cols; c++) {
                t[c * tStride + r] = s[o + c];
            }
        }
    }

    /** s (rows, cols) = tᵀ, reading t (cols, ·) with row stride {@code tStride}. */
    public static void transposeBack(float[] t, int tStride, int rows, int cols, float[] s) {
        for (int r = 0; r < rows; r++) {
            int o = r * cols;
            for (int c = 0; c < cols; c++) {
                s[o + c] = t[c * tStride + r];
            }
        }
    }
}
