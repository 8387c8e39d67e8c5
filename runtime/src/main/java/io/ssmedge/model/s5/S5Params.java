package io.ssmedge.model.s5;

import java.util.List;

/**
 * All trained parameters of an S5 classifier as stored in the checkpoint.
 *
 * @param encoderKernel (d_input, H) input projection, u = x @ kernel + bias
 * @param encoderBias   (H)
 * @param layers        one entry per layer
 * @param decoderKernel (H, d_output)
 * @param decoderBias   (d_output)
 */
public record S5Params(float[] encoderKernel, float[] encoderBias, List<S5LayerParams> layers,
                       float[] decoderKernel, float[] decoderBias) {

    /** The same model with other layers (pruned, or with moved poles). */
    public S5Params withLayers(List<S5LayerParams> newLayers) {
        return new S5Params(encoderKernel, encoderBias, newLayers, decoderKernel, decoderBias);
    }

    public long parameterCount() {
        long n = encoderKernel.length + encoderBias.length + decoderKernel.length + decoderBias.length;
        for (S5LayerParams l : layers) {
            n += l.parameterCount();
        }
        return n;
    }

    public int[] statesPerLayer() {
        return layers.stream().mapToInt(S5LayerParams::states).toArray();
    }
}
