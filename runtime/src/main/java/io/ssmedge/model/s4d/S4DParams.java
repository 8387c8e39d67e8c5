package io.ssmedge.model.s4d;

import java.util.List;

/**
 * All trained parameters of an S4D classifier (PyTorch layout: Linear weights are (out, in)).
 *
 * @param encoderWeight (H, d_input)
 * @param encoderBias   (H)
 * @param layers        one per block
 * @param decoderWeight (d_output, H)
 * @param decoderBias   (d_output)
 */
public record S4DParams(float[] encoderWeight, float[] encoderBias, List<S4DLayerParams> layers,
                        float[] decoderWeight, float[] decoderBias) {

    /** The same model with other layers (pruned, or with moved poles). */
    public S4DParams withLayers(List<S4DLayerParams> newLayers) {
        return new S4DParams(encoderWeight, encoderBias, newLayers, decoderWeight, decoderBias);
    }

    public long parameterCount() {
        long n = encoderWeight.length + encoderBias.length + decoderWeight.length + decoderBias.length;
        for (S4DLayerParams l : layers) {
            n += l.parameterCount();
        }
        return n;
    }

    public int[] unitsPerLayer() {
        return layers.stream().mapToInt(S4DLayerParams::units).toArray();
    }
}
