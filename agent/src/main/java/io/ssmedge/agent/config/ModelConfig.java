package io.ssmedge.agent.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;

import java.nio.file.Path;

/**
 * Which model runs (section {@code model}).
 *
 * @param path    a model folder (config.json + model.safetensors) or embedded:s5-skab / embedded:s4d-skab
 * @param stage   free text copied into every prediction (e.g. production, canary)
 * @param version free text copied into every prediction as {@code model.release} (the prediction's
 *                {@code model.version} is always the fingerprint of the model that made it); null = none
 * @param window  windowing of each stream
 */
public record ModelConfig(String path, String stage, String version, WindowConfig window) {
    public static final String DEFAULT_MODEL = "embedded:s5-skab";

    public ModelConfig {
        Check.text("path", path, null);
        Check.text("stage", stage, null);
    }

    @JsonCreator
    static ModelConfig fromYaml(@JsonProperty("path") String path, @JsonProperty("stage") String stage,
                                @JsonProperty("version") String version, @JsonProperty("window") WindowConfig window) {
        return new ModelConfig(Check.text("path", path, DEFAULT_MODEL), Check.text("stage", stage, "production"),
                Check.optional(version), window == null ? WindowConfig.defaults() : window);
    }

    public static ModelConfig defaults() {
        return fromYaml(null, null, null, null);
    }

    public boolean embedded() {
        return path.startsWith("embedded:");
    }

    /** A relative model folder is read relative to the config file's folder. */
    ModelConfig resolve(Path base) {
        return embedded() ? this : new ModelConfig(base.resolve(path).normalize().toString(), stage, version, window);
    }
}
