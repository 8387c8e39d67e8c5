package io.ssmedge.model;

import io.ssmedge.kernel.Dense;
import io.ssmedge.kernel.Kernels;
import io.ssmedge.kernel.Norms;
import io.ssmedge.kernel.Rows;

/**
 * The part after the layers: pool or last, then the decoder dense and log-softmax.
 * <pre>
 *   pool: feat = (Σ_{k ≤ t} h_k) / t      last: feat = h_t
 *   logp = log_softmax(feat @ W + b)
 * </pre>
 */
public final class ClassifierHead {
    private final HeadMode mode;
    private final int width;      // H
    private final int classes;    // d_output
    private final float[] kernel; // (H, d_output)
    private final float[] bias;   // (d_output)

    public ClassifierHead(HeadMode mode, int width, int classes, float[] kernel, float[] bias) {
        this.mode = mode;
        this.width = width;
        this.classes = classes;
        this.kernel = kernel;
        this.bias = bias;
    }

    public long bytes() {
        return 4L * (kernel.length + bias.length);
    }

    /**
     * @param h      (H) this step's features (not modified)
     * @param pool   (H) running feature sum, updated in pool mode (modified)
     * @param steps  steps since reset, this one included
     * @param feat   (H) scratch
     * @param logits (d_output) scratch
     * @param logp   (d_output) result
     */
    public void readout(float[] h, float[] pool, int steps, float[] feat, float[] logits, float[] logp) {
        float[] f = h;
        if (mode == HeadMode.POOL) {
            float inv = 1f / steps;
            for (int k = 0; k < width; k++) {
                pool[k] += h[k];
                feat[k] = pool[k] * inv;
            }
            f = feat;
        }
        Dense.affine(f, width, kernel, bias, classes, logits);
        Norms.logSoftmax(logits, classes, logp);
    }

    /**
     * {@link #readout} for the first m streams of a block, rows s of (·, H) and (·, d_output) arrays.
     *
     * @param h      (m, H) this step's features (not modified)
     * @param pool   (m, H) running feature sums, updated in pool mode (modified)
     * @param steps  (m) steps since each stream's reset, this one included
     * @param feat   (m, H) scratch
     * @param logits (m, d_output) scratch
     * @param logp   (m, d_output) result
     */
    public void readoutBlock(Kernels kernels, int m, float[] h, float[] pool, int[] steps, float[] feat, float[] logits,
                             float[] logp) {
        float[] f = h;
        if (mode == HeadMode.POOL) {
            for (int s = 0; s < m; s++) {
                float inv = 1f / steps[s];
                int o = s * width;
                for (int k = 0; k < width; k++) {
                    pool[o + k] += h[o + k];
                    feat[o + k] = pool[o + k] * inv;
                }
            }
            f = feat;
        }
        Rows.affine(kernels, m, f, width, kernel, bias, classes, logits);
        Rows.logSoftmax(m, logits, classes, logp);
    }
}
