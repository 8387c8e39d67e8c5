package io.ssmedge.train;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ssmedge.model.ConfigReader;
import io.ssmedge.model.s5.S5Config;

import java.util.List;

/**
 * The shape of an S5 classifier to train (config.json keys in brackets).
 *
 * @param width          [d_model] H
 * @param ssmSize        [ssm_size] states before conjugate symmetry (P = ssm_size/2 stored with conj_sym)
 * @param blocks         [blocks] HiPPO-N blocks
 * @param layers         [n_layers]
 * @param activation     [activation] gelu, half_glu1, half_glu2, full_glu
 * @param prenorm        [prenorm]
 * @param batchnorm      [batchnorm]
 * @param discretization [discretization] zoh or bilinear
 * @param conjSym        [conj_sym]
 * @param clipEigs       [clip_eigs]
 * @param mode           [mode] pool or last
 */
public record S5Architecture(int width, int ssmSize, int blocks, int layers, String activation, boolean prenorm,
                             boolean batchnorm, String discretization, boolean conjSym, boolean clipEigs, String mode) {

    /** The SKAB conformance model's settings (H 32, ssm_size 32 → P 16, 2 blocks, 4 layers, half_glu1, post-LayerNorm, ZOH, last). */
    public static S5Architecture conformance() {
        return new S5Architecture(32, 32, 2, 4, "half_glu1", false, false, "zoh", true, true, "last");
    }

    /**
     * The config document of a model with this shape for the given data.
     *
     * @param mean (d_input) per-channel mean of the training split   std likewise
     */
    public ObjectNode configJson(List<String> channels, List<String> classes, float[] mean, float[] std, int window,
                                 int trainStride, int testStride) {
        ObjectNode o = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
        o.put("architecture", "s5");
        o.put("d_input", channels.size());
        o.put("d_model", width);
        o.put("d_output", classes.size());
        o.put("ssm_size", ssmSize);
        o.put("blocks", blocks);
        o.put("n_layers", layers);
        o.put("activation", activation);
        o.put("prenorm", prenorm);
        o.put("batchnorm", batchnorm);
        o.put("discretization", discretization);
        o.put("conj_sym", conjSym);
        o.put("clip_eigs", clipEigs);
        o.put("mode", mode);
        o.put("seq_len", window);
        ArrayNode m = o.putArray("input_mean");
        ArrayNode s = o.putArray("input_std");
        for (int i = 0; i < mean.length; i++) {
            m.add(mean[i]);
            s.add(std[i]);
        }
        ArrayNode ch = o.putArray("channels");
        channels.forEach(ch::add);
        ArrayNode cl = o.putArray("classes");
        classes.forEach(cl::add);
        ObjectNode w = o.putObject("windowing");
        w.put("length", window);
        w.put("train_stride", trainStride);
        w.put("test_stride", testStride);
        w.put("label", "label of the last sample");
        return o;
    }

    /** The validated config of {@link #configJson}. */
    public S5Config config(List<String> channels, List<String> classes, float[] mean, float[] std, int window,
                           int trainStride, int testStride) {
        return S5Config.from(new ConfigReader("trained model config", configJson(channels, classes, mean, std, window,
                trainStride, testStride)));
    }
}
