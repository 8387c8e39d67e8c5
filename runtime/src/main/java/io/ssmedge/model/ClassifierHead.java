package io.ssmedge.model;

import io.ssmedge.kernel.Dense;
import io.ssmedge.kernel.Kernels;
import io.ssmedge.kernel.Norms;
import io.ssmedge.kernel.Rows;

/**
 * The part after the layers: pool or last, then the decoder dense and log-softmax.
 * <pre>
 *   pool: feat = (Σ_{k ≤ t} h_k) / t            for t ≤ N (the reference: mean over the window)
 *         S_t = S_{t-1}·(1 − 1/N) + h_t,  feat = S_t / N   for t > N (exponential mean, time constant N)
 *   last: feat = h_t
 *   logp = log_softmax(feat @ W + b)
 * </pre>
 * N = {@link #POOL_HORIZON}. Windows are far shorter than N, so windowed results are the reference's; a
 * continuous stream (never reset) keeps a bounded sum instead of one that grows until float32 stops absorbing
 * new samples (after about 1.7·10⁷ steps), and step counts are longs.
 */
public final class ClassifierHead {
    /** N: steps after which the pool mean becomes an exponential mean (2²⁰, about 12 days at 1 sample/s). */
    public static final int POOL_HORIZON = 1 << 20;
    private static final float DECAY = 1f - 1f / POOL_HORIZON;

    private final HeadMode mode;
    private final int width;      // H
    private final int classes;    // d_output
    private final float[] kernel; // (H, d_output)
    private final float[] bias;   // (d_output)
    private final float[] diff;   // (H) W[:, 1] − W[:, 0] for two classes (the block path's one-exp log-softmax), else null
    private final float diffBias; // b₁ − b₀ for two classes

    public ClassifierHead(HeadMode mode, int width, int classes, float[] kernel, float[] bias) {
        this.mode = mode;
        this.width = width;
        this.classes = classes;
        this.kernel = kernel;
        this.bias = bias;
        if (classes == 2) {
            diff = new float[width];
            for (int k = 0; k < width; k++) {
                diff[k] = kernel[k * 2 + 1] - kernel[k * 2];
            }
            diffBias = bias[1] - bias[0];
        } else {
            diff = null;
            diffBias = 0f;
        }
    }

    public long bytes() {
        return 4L * (kernel.length + bias.length); // the checkpoint's weights; the two-class diff (H floats) is not counted
    }

    /**
     * @param h      (H) this step's features (not modified)
     * @param pool   (H) running feature sum, updated in pool mode (modified)
     * @param steps  steps since reset, this one included
     * @param feat   (H) scratch
     * @param logits (d_output) scratch
     * @param logp   (d_output) result
     */
    public void readout(float[] h, float[] pool, long steps, float[] feat, float[] logits, float[] logp) {
        float[] f = h;
        if (mode == HeadMode.POOL) {
            pool(h, pool, 0, steps, feat);
            f = feat;
        }
        Dense.affine(f, width, kernel, bias, classes, logits);
        Norms.logSoftmax(logits, classes, logp);
    }

    /** The pool rule of the class comment for one stream's row at offset o; t = steps since reset. */
    private void pool(float[] h, float[] pool, int o, long t, float[] feat) {
        if (t <= POOL_HORIZON) {
            float inv = 1f / t;
            for (int k = o; k < o + width; k++) {
                pool[k] += h[k];
                feat[k] = pool[k] * inv;
            }
        } else {
            float inv = 1f / POOL_HORIZON;
            for (int k = o; k < o + width; k++) {
                pool[k] = pool[k] * DECAY + h[k];
                feat[k] = pool[k] * inv;
            }
        }
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
    public void readoutBlock(Kernels kernels, int m, float[] h, float[] pool, long[] steps, float[] feat, float[] logits,
                             float[] logp) {
        float[] f = h;
        if (mode == HeadMode.POOL) {
            for (int s = 0; s < m; s++) {
                pool(h, pool, s * width, steps[s], feat);
            }
            f = feat;
        }
        if (diff != null) { // two classes: logits difference, one exp per stream (Kernels#binaryLogSoftmax)
            kernels.binaryLogSoftmax(m, width, f, diff, diffBias, logp);
            return;
        }
        Rows.affine(kernels, m, f, width, kernel, bias, classes, logits);
        Rows.logSoftmax(m, logits, classes, logp);
    }
}
