package io.ssmedge.agent.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * How each stream is cut into windows (section {@code model.window}).
 *
 * @param length     samples per window; 0 = the window the model was trained on
 * @param stride     samples between window starts (= between predictions); 0 = the model's test stride
 * @param continuous never reset the state; predict every {@code stride} samples ({@code length} unused)
 */
public record WindowConfig(int length, int stride, boolean continuous) {
    public WindowConfig {
        Check.range("length", length, 0, 0, 1_000_000);
        Check.range("stride", stride, 0, 0, 1_000_000);
    }

    @JsonCreator
    static WindowConfig fromYaml(@JsonProperty("length") Integer length, @JsonProperty("stride") Integer stride,
                                 @JsonProperty("continuous") Boolean continuous) {
        return new WindowConfig(length == null ? 0 : length, stride == null ? 0 : stride,
                continuous != null && continuous);
    }

    public static WindowConfig defaults() {
        return new WindowConfig(0, 0, false);
    }
}
