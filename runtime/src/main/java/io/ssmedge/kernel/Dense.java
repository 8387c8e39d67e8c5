package io.ssmedge.kernel;

/** Dense (fully connected) layers on float arrays; outputs go into caller-supplied arrays. */
public final class Dense {
    private Dense() {
    }

    /**
     * y = x @ W + b, the flax {@code nn.Dense} convention.
     *
     * @param x   (in) input (not modified)
     * @param w   (in, out) row-major kernel (not modified)
     * @param b   (out) bias, or null for none (not modified)
     * @param y   (out) result (modified; must not alias x)
     */
    public static void affine(float[] x, int in, float[] w, float[] b, int out, float[] y) {
        if (b != null) {
            System.arraycopy(b, 0, y, 0, out);
        } else {
            java.util.Arrays.fill(y, 0, out, 0f);
        }
        for (int i = 0; i < in; i++) {
            float xi = x[i];
            int row = i * out;
            for (int j = 0; j < out; j++) {
                y[j] += xi * w[row + j];
            }
        }
    }
}
