package io.ssmedge.model.s4d;

import io.ssmedge.model.PrunableLayer;
import java.util.Arrays;

/**
 * One S4D block's trained parameters, with the (channel, state) units stored ragged: channel h owns
 * units {@code offset[h] ≤ u < offset[h+1]} of the flat arrays (U units in all). Unpruned, every
 * channel has N/2 units and the arrays are the checkpoint's (H, N/2) tensors flattened.
 *
 * @param logDt      (H) log Δ per channel
 * @param logAReal   (U) A = −exp(log_A_real) + i·A_imag per unit
 * @param aImag      (U)
 * @param c          (U, 2) C = c[..., 0] + i·c[..., 1]
 * @param offset     (H + 1) channel h's units start at offset[h]
 * @param d          (H) feed-through
 * @param gluWeight  (2H, H) the 1×1 convolution H → 2H (kernel dimension dropped)
 * @param gluBias    (2H)
 * @param normWeight (H) LayerNorm
 * @param normBias   (H)
 */
public record S4DLayerParams(float[] logDt, float[] logAReal, float[] aImag, float[] c, int[] offset, float[] d,
                             float[] gluWeight, float[] gluBias, float[] normWeight, float[] normBias) implements PrunableLayer<S4DLayerParams> {

    public int width() {
        return d.length;
    }

    /** U: (channel, state) units. */
    public int units() {
        return logAReal.length;
    }

    public int statesOf(int channel) {
        return offset[channel + 1] - offset[channel];
    }

    /** Channel of every unit (U). */
    public int[] channelOfUnit() {
        int[] ch = new int[units()];
        for (int h = 0; h < width(); h++) {
            Arrays.fill(ch, offset[h], offset[h + 1], h);
        }
        return ch;
    }

    /** True when every channel holds the same number of units (saved in the reference (H, N/2) layout). */
    public boolean isRectangular() {
        for (int h = 1; h < width(); h++) {
            if (statesOf(h) != statesOf(0)) {
                return false;
            }
        }
        return true;
    }

    public long parameterCount() {
        return logDt.length + logAReal.length + aImag.length + c.length + d.length + gluWeight.length + gluBias.length
                + normWeight.length + normBias.length;
    }

    /** Keeps the listed units (sorted, distinct flat indices): the kept ones stay with their channel. */
    @Override
    public S4DLayerParams select(int[] kept) {
        int k = kept.length;
        float[] lar = new float[k];
        float[] ai = new float[k];
        float[] cc = new float[2 * k];
        int[] off = new int[width() + 1];
        int[] chan = channelOfUnit();
        for (int j = 0; j < k; j++) {
            int u = kept[j];
            lar[j] = logAReal[u];
            ai[j] = aImag[u];
            cc[2 * j] = c[2 * u];
            cc[2 * j + 1] = c[2 * u + 1];
            off[chan[u] + 1]++;
        }
        for (int h = 0; h < width(); h++) {
            off[h + 1] += off[h];
        }
        return new S4DLayerParams(logDt, lar, ai, cc, off, d, gluWeight, gluBias, normWeight, normBias);
    }

    /** Same size, C of units not in {@code kept} set to zero (the reference's masking). */
    @Override
    public S4DLayerParams mask(int[] kept) {
        boolean[] keep = new boolean[units()];
        for (int u : kept) {
            keep[u] = true;
        }
        float[] cc = c.clone();
        for (int u = 0; u < keep.length; u++) {
            if (!keep[u]) {
                cc[2 * u] = 0f;
                cc[2 * u + 1] = 0f;
            }
        }
        return new S4DLayerParams(logDt, logAReal, aImag, cc, offset, d, gluWeight, gluBias, normWeight, normBias);
    }
}
