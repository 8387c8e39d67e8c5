package io.ssmedge.model;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.Arrays;
import java.util.List;

/**
 * The facts {@code ssm-edge info} reports about a model.
 *
 * @param architecture     s5 or s4d
 * @param summary          one readable line of settings
 * @param inputs           d_input
 * @param channels         channel names
 * @param classes          class names
 * @param layers           number of layers
 * @param width            H
 * @param unitsPerLayer    states (S5) or (channel, state) units (S4D) per layer
 * @param parameters       trainable parameters
 * @param weightBytes      bytes of float32 weights held for inference
 * @param stateBytes       bytes a stream keeps between samples (recurrent state + pooling sum)
 * @param stateBytesTotal  bytes of one stream state object including its scratch buffers
 * @param maxPole          max |λ̄| over all states
 * @param normalizedInputs true when raw sensor values are normalized by the model's input_mean/input_std
 * @param unstableStates   states with |λ̄| ≥ 1 (see {@link UnstableState}); empty for a stable model
 * @param window           samples per window the growth of unstable states is reported over (the training window)
 */
public record ModelInfo(String architecture, String summary, int inputs, List<String> channels, List<String> classes,
                        int layers, int width, int[] unitsPerLayer, long parameters, long weightBytes, long stateBytes,
                        long stateBytesTotal, double maxPole, boolean normalizedInputs,
                        List<UnstableState> unstableStates, int window) {

    public static ModelInfo of(SsmModel m) {
        StreamState s = m.newState();
        return new ModelInfo(m.architecture(), m.summary(), m.inputSize(), m.channels(), m.classes(), m.layers(), m.width(),
                m.unitsPerLayer(), m.parameterCount(), m.weightBytes(), s.recurrentBytes(), s.totalBytes(),
                m.maxPoleMagnitude(), !m.normalization().isIdentity(), m.unstableStates(),
                m.trainingWindow() > 0 ? m.trainingWindow() : 1000);
    }

    public int totalUnits() {
        return Arrays.stream(unitsPerLayer).sum();
    }

    /** 1 − max|λ̄|: how far the slowest state is from instability. */
    public double stabilityMargin() {
        return 1.0 - maxPole;
    }

    public ObjectNode toJson() {
        ObjectNode o = new ObjectMapper().createObjectNode();
        o.put("architecture", architecture);
        o.put("summary", summary);
        o.put("inputs", inputs);
        channels.forEach(o.putArray("channels")::add);
        classes.forEach(o.putArray("classes")::add);
        o.put("layers", layers);
        o.put("width", width);
        ArrayNode u = o.putArray("states_per_layer");
        Arrays.stream(unitsPerLayer).forEach(u::add);
        o.put("total_states", totalUnits());
        o.put("parameters", parameters);
        o.put("weight_bytes", weightBytes);
        o.put("state_bytes_per_stream", stateBytes);
        o.put("state_object_bytes_per_stream", stateBytesTotal);
        o.put("max_pole_magnitude", maxPole);
        o.put("stability_margin", stabilityMargin());
        o.put("input_normalization", normalizedInputs);
        ArrayNode un = o.putArray("unstable_states");
        for (UnstableState st : unstableStates) {
            ObjectNode e = un.addObject();
            e.put("layer", st.layer());
            e.put("state", st.unit());
            e.put("pole_magnitude", st.magnitude());
            e.put("growth_per_window", st.growth(window));
            e.put("window", window);
        }
        return o;
    }
}
