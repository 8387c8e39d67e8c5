package io.ssmedge.model.s4d;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ssmedge.model.ConfigReader;
import io.ssmedge.model.HeadMode;
import io.ssmedge.model.InputNormalization;

import java.util.List;

/**
 * Validated hyper-parameters of an S4D classifier (the state-spaces/s4 example backbone), from
 * config.json with {@code "architecture": "s4d"} (keys in brackets).
 *
 * @param dInput          [d_input] sensor channels per sample
 * @param dModel          [d_model] H, channels of every layer
 * @param dState          [d_state] N; N/2 complex states per channel are stored (conjugate pairs)
 * @param nLayers         [n_layers]
 * @param dOutput         [d_output] classes
 * @param prenorm         [prenorm] norm before the S4D block (else after the residual)
 * @param mode            [mode] pool (the reference) or last
 * @param geluApproximate [gelu_approximate] tanh GELU instead of the exact erf one (default false)
 * @param normEps         [norm_eps] LayerNorm ε (default 1e-5)
 * @param normalization   [input_mean, input_std] optional input normalization
 * @param channels        [channels] optional names
 * @param classes         [classes] optional names
 * @param seqLen          [seq_len] optional training window (0 when absent)
 * @param unitsPerLayer   [states_per_layer] optional (channel, state) units per layer, written for pruned models
 * @param source          file name for error messages
 * @param document        the full JSON document, kept for saving
 */
public record S4DConfig(int dInput, int dModel, int dState, int nLayers, int dOutput, boolean prenorm, HeadMode mode,
                        boolean geluApproximate, float normEps, InputNormalization normalization,
                        List<String> channels, List<String> classes, int seqLen, int[] unitsPerLayer,
                        String source, ObjectNode document) {

    /** N/2: complex states stored per channel before pruning. */
    public int statesPerChannel() {
        return dState / 2;
    }

    public static S4DConfig from(ConfigReader r) {
        r.requireString("architecture", List.of("s4d"));
        int dInput = r.requireInt("d_input", 1);
        int dModel = r.requireInt("d_model", 1);
        int dState = r.requireInt("d_state", 2);
        if (dState % 2 != 0) {
            throw r.error("d_state", "an even number (N/2 complex states per channel are stored)", dState);
        }
        int nLayers = r.requireInt("n_layers", 1);
        int dOutput = r.requireInt("d_output", 1);
        boolean prenorm = r.requireBool("prenorm");
        HeadMode mode = HeadMode.parse(r.optString("mode", List.of("pool", "last"), "pool"));
        r.optString("activation", List.of("gelu"), "gelu");
        r.optString("norm", List.of("layernorm"), "layernorm");
        r.optString("discretization", List.of("zoh"), "zoh");
        boolean approx = r.optBool("gelu_approximate", false);
        float eps = (float) r.optDouble("norm_eps", 1e-5, 0.0);
        float[] mean = r.optFloatArray("input_mean", dInput, false);
        float[] std = r.optFloatArray("input_std", dInput, true);
        if ((mean == null) != (std == null)) {
            throw r.error(mean == null ? "input_mean" : "input_std", "both input_mean and input_std, or neither", "only one of them");
        }
        InputNormalization norm = mean == null ? InputNormalization.identity(dInput) : InputNormalization.of(mean, std);
        List<String> channels = r.optStringList("channels", dInput, ConfigReader.generatedNames("ch", dInput));
        List<String> classes = r.optStringList("classes", dOutput, ConfigReader.generatedNames("class", dOutput));
        int seqLen = r.optInt("seq_len", 1, 0);
        int[] upl = r.optIntArray("states_per_layer", nLayers, 0);
        if (upl != null) {
            for (int l = 0; l < nLayers; l++) {
                if (upl[l] > dModel * dState / 2) {
                    throw r.error("states_per_layer[" + l + "]", "at most d_model·d_state/2 = " + dModel * dState / 2, upl[l]);
                }
            }
        }
        return new S4DConfig(dInput, dModel, dState, nLayers, dOutput, prenorm, mode, approx, eps, norm, channels, classes,
                seqLen, upl, r.source(), r.root());
    }

    /** The model's interface to the outside (sizes, head, normalization, names, windows). */
    public io.ssmedge.model.ModelSpec spec() {
        return io.ssmedge.model.ModelSpec.of(dInput, dModel, dOutput, mode, normalization, channels, classes, seqLen, document);
    }

    /** The config document to save with a model whose layers hold {@code units} (channel, state) units. */
    public ObjectNode toJson(int[] units) {
        ObjectNode out = document.deepCopy();
        ArrayNode a = out.putArray("states_per_layer");
        for (int s : units) {
            a.add(s);
        }
        return out;
    }
}
