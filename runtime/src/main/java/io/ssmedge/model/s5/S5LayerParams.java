package io.ssmedge.model.s5;

import io.ssmedge.model.PrunableLayer;
/**
 * One S5 layer's trained parameters exactly as stored in the checkpoint (float32, continuous time).
 * P is this layer's number of stored complex states, H the model width. Optional parts are null.
 *
 * @param lambdaRe  (P) Re Λ
 * @param lambdaIm  (P) Im Λ
 * @param b         (P, H, 2) B̃ = b[..., 0] + i·b[..., 1]
 * @param c         (H, P, 2) C̃ = c[..., 0] + i·c[..., 1]
 * @param d         (H) feed-through D
 * @param logStep   (P) log Δ per state (stored as (P, 1))
 * @param normScale (H) LayerNorm/BatchNorm scale
 * @param normBias  (H) LayerNorm/BatchNorm bias
 * @param bnMean    (H) BatchNorm running mean, null for LayerNorm
 * @param bnVar     (H) BatchNorm running variance, null for LayerNorm
 * @param out1Kernel (H, H) full_glu value projection, else null
 * @param out1Bias  (H) or null
 * @param out2Kernel (H, H) GLU gate projection, null for plain gelu
 * @param out2Bias  (H) or null
 */
public record S5LayerParams(float[] lambdaRe, float[] lambdaIm, float[] b, float[] c, float[] d, float[] logStep,
                            float[] normScale, float[] normBias, float[] bnMean, float[] bnVar,
                            float[] out1Kernel, float[] out1Bias, float[] out2Kernel, float[] out2Bias) implements PrunableLayer<S5LayerParams> {

    /** The same layer with other real parts of Λ (e.g. poles moved inside the unit circle). */
    public S5LayerParams withLambdaRe(float[] re) {
        return new S5LayerParams(re, lambdaIm, b, c, d, logStep, normScale, normBias, bnMean, bnVar, out1Kernel,
                out1Bias, out2Kernel, out2Bias);
    }

    /** P: stored complex states. */
    public int states() {
        return lambdaRe.length;
    }

    /** H: width. */
    public int width() {
        return d.length;
    }

    /** Trainable parameters (BatchNorm running statistics excluded). */
    public long parameterCount() {
        long n = lambdaRe.length + lambdaIm.length + b.length + c.length + d.length + logStep.length
                + normScale.length + normBias.length;
        n += len(out1Kernel) + len(out1Bias) + len(out2Kernel) + len(out2Bias);
        return n;
    }

    private static long len(float[] a) {
        return a == null ? 0 : a.length;
    }

    /** The same layer with only the given states (sorted, distinct indices): modal truncation. */
    @Override
    public S5LayerParams select(int[] kept) {
        int p = states();
        int h = width();
        int k = kept.length;
        float[] lr = new float[k];
        float[] li = new float[k];
        float[] ls = new float[k];
        float[] nb = new float[k * h * 2];
        float[] nc = new float[h * k * 2];
        for (int j = 0; j < k; j++) {
            int i = kept[j];
            lr[j] = lambdaRe[i];
            li[j] = lambdaIm[i];
            ls[j] = logStep[i];
            System.arraycopy(b, i * h * 2, nb, j * h * 2, h * 2);
            for (int row = 0; row < h; row++) {
                nc[(row * k + j) * 2] = c[(row * p + i) * 2];
                nc[(row * k + j) * 2 + 1] = c[(row * p + i) * 2 + 1];
            }
        }
        return new S5LayerParams(lr, li, nb, nc, d, ls, normScale, normBias, bnMean, bnVar,
                out1Kernel, out1Bias, out2Kernel, out2Bias);
    }

    /** The same layer, same size, with B̃ rows and C̃ columns of states not in {@code kept} set to zero. */
    @Override
    public S5LayerParams mask(int[] kept) {
        int p = states();
        int h = width();
        boolean[] keep = new boolean[p];
        for (int i : kept) {
            keep[i] = true;
        }
        float[] nb = b.clone();
        float[] nc = c.clone();
        for (int i = 0; i < p; i++) {
            if (!keep[i]) {
                java.util.Arrays.fill(nb, i * h * 2, (i + 1) * h * 2, 0f);
                for (int row = 0; row < h; row++) {
                    nc[(row * p + i) * 2] = 0f;
                    nc[(row * p + i) * 2 + 1] = 0f;
                }
            }
        }
        return new S5LayerParams(lambdaRe, lambdaIm, nb, nc, d, logStep, normScale, normBias, bnMean, bnVar,
                out1Kernel, out1Bias, out2Kernel, out2Bias);
    }
}
