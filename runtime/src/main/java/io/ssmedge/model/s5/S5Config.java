package io.ssmedge.model.s5;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ssmedge.model.ConfigReader;
import io.ssmedge.model.HeadMode;
import io.ssmedge.model.InputNormalization;

import java.util.List;

/**
 * Validated hyper-parameters of an S5 classifier, read from config.json (keys in brackets).
 *
 * @param dInput         [d_input] sensor channels per sample
 * @param dModel         [d_model] H, width of every layer
 * @param dOutput        [d_output] classes
 * @param ssmSize        [ssm_size] state size; with conj_sym only ssm_size/2 complex states are stored
 * @param nLayers        [n_layers] stacked S5 layers
 * @param activation     [activation] gelu, half_glu1, half_glu2 or full_glu
 * @param prenorm        [prenorm] norm before the SSM (else after the residual)
 * @param batchnorm      [batchnorm] BatchNorm with running statistics (else LayerNorm)
 * @param discretization [discretization] zoh or bilinear
 * @param conjSym        [conj_sym] states stand for conjugate pairs: y = 2·Re(C̃x)
 * @param clipEigs       [clip_eigs] Re(Λ) clamped to at most −1e-4 before discretizing
 * @param mode           [mode] pool or last
 * @param stepRescale    [step_rescale] optional factor on Δ (default 1)
 * @param normalization  [input_mean, input_std] optional per-channel input normalization
 * @param channels       [channels] optional channel names
 * @param classes        [classes] optional class names
 * @param seqLen         [seq_len] optional training window length (0 when absent)
 * @param statesPerLayer [states_per_layer] optional; written for pruned models and checked against tensor shapes
 * @param source         the file this came from (for error messages)
 * @param document       the full JSON document, kept so saving preserves keys ssm-edge does not use
 */
public record S5Config(int dInput, int dModel, int dOutput, int ssmSize, int nLayers, S5Activation activation,
                       boolean prenorm, boolean batchnorm, Discretization discretization, boolean conjSym,
                       boolean clipEigs, HeadMode mode, double stepRescale, InputNormalization normalization,
                       List<String> channels, List<String> classes, int seqLen, int[] statesPerLayer,
                       String source, ObjectNode document) {

    /** LayerNorm epsilon of flax's nn.LayerNorm. */
    public static final float LAYER_NORM_EPS = 1e-6f;
    /** BatchNorm epsilon of flax's nn.BatchNorm. */
    public static final double BATCH_NORM_EPS = 1e-5;

    /** Complex states stored per layer before pruning. */
    public int maxStates() {
        return conjSym ? ssmSize / 2 : ssmSize;
    }

    public static S5Config from(ConfigReader r) {
        String arch = r.optString("architecture", List.of("s5", "s4d"), "s5");
        if (!"s5".equals(arch)) {
            throw r.error("architecture", "s5", arch);
        }
        int dInput = r.requireInt("d_input", 1);
        int dModel = r.requireInt("d_model", 1);
        int dOutput = r.requireInt("d_output", 1);
        int ssmSize = r.requireInt("ssm_size", 1);
        int nLayers = r.requireInt("n_layers", 1);
        S5Activation act = S5Activation.parse(r.requireString("activation", S5Activation.KEYS));
        boolean prenorm = r.requireBool("prenorm");
        boolean batchnorm = r.requireBool("batchnorm");
        Discretization disc = Discretization.parse(r.requireString("discretization", Discretization.KEYS));
        boolean conjSym = r.requireBool("conj_sym");
        boolean clipEigs = r.requireBool("clip_eigs");
        HeadMode mode = HeadMode.parse(r.requireString("mode", List.of("pool", "last")));
        if (conjSym && ssmSize % 2 != 0) {
            throw r.error("ssm_size", "an even number when conj_sym is true (P = ssm_size/2 states are stored)", ssmSize);
        }
        if (r.has("bidirectional") && r.requireBool("bidirectional")) {
            throw r.error("bidirectional", "false (bidirectional S5 cannot stream)", true);
        }
        double stepRescale = r.optDouble("step_rescale", 1.0, 0.0);
        float[] mean = r.optFloatArray("input_mean", dInput, false);
        float[] std = r.optFloatArray("input_std", dInput, true);
        if ((mean == null) != (std == null)) {
            throw r.error(mean == null ? "input_mean" : "input_std", "both input_mean and input_std, or neither", "only one of them");
        }
        InputNormalization norm = mean == null ? InputNormalization.identity(dInput) : InputNormalization.of(mean, std);
        List<String> channels = r.optStringList("channels", dInput, ConfigReader.generatedNames("ch", dInput));
        List<String> classes = r.optStringList("classes", dOutput, ConfigReader.generatedNames("class", dOutput));
        int seqLen = r.optInt("seq_len", 1, 0);
        int maxP = conjSym ? ssmSize / 2 : ssmSize;
        int[] spl = r.optIntArray("states_per_layer", nLayers, 0);
        if (spl != null) {
            for (int l = 0; l < nLayers; l++) {
                if (spl[l] > maxP) {
                    throw r.error("states_per_layer[" + l + "]", "at most " + maxP + " (ssm_size" + (conjSym ? "/2" : "") + ")", spl[l]);
                }
            }
        }
        return new S5Config(dInput, dModel, dOutput, ssmSize, nLayers, act, prenorm, batchnorm, disc, conjSym, clipEigs,
                mode, stepRescale, norm, channels, classes, seqLen, spl, r.source(), r.root());
    }

    /** The model's interface to the outside (sizes, head, normalization, names, windows). */
    public io.ssmedge.model.ModelSpec spec() {
        return io.ssmedge.model.ModelSpec.of(dInput, dModel, dOutput, mode, normalization, channels, classes, seqLen, document);
    }

    /** The config document to save with a model whose layers hold {@code states} states. */
    public ObjectNode toJson(int[] states) {
        ObjectNode out = document.deepCopy();
        out.put("architecture", "s5");
        ArrayNode a = out.putArray("states_per_layer");
        for (int s : states) {
            a.add(s);
        }
        return out;
    }
}
