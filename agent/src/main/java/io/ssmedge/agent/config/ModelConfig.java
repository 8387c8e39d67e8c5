package io.ssmedge.agent.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;

import java.nio.file.Path;
import java.util.List;

/**
 * Which model runs (section {@code model}).
 *
 * @param path    a model folder (config.json + model.safetensors) or embedded:s5-skab / embedded:s4d-skab
 * @param stage   free text copied into every prediction (e.g. production, canary)
 * @param version free text copied into every prediction as {@code model.release} (the prediction's
 *                {@code model.version} is always the fingerprint of the model that made it); null = none
 * @param window  windowing of each stream
 * @param stabilize what to do with unstable states (|λ̄| ≥ 1, from training without clip_eigs): "none" (allowed
 *                  only with fixed windows, which reset every window) or "clip" (move them just inside the unit
 *                  circle; needed for continuous mode)
 */
public record ModelConfig(String path, String stage, String version, WindowConfig window, String stabilize) {
    public static final String DEFAULT_MODEL = "embedded:s5-skab";
    public static final List<String> STABILIZE = List.of("none", "clip");

    public ModelConfig {
        Check.text("path", path, null);
        Check.text("stage", stage, null);
        if (!STABILIZE.contains(stabilize)) {
            throw new ConfigException("model.stabilize: expected one of " + STABILIZE + ", got '" + stabilize + "'");
        }
    }

    public ModelConfig(String path, String stage, String version, WindowConfig window) {
        this(path, stage, version, window, "none");
    }

    /** model.stabilize: clip. */
    public boolean clipUnstable() {
        return "clip".equals(stabilize);
    }

    @JsonCreator
    static ModelConfig fromYaml(@JsonProperty("path") String path, @JsonProperty("stage") String stage,
                                @JsonProperty("version") String version, @JsonProperty("window") WindowConfig window,
                                @JsonProperty("stabilize") String stabilize) {
        return new ModelConfig(Check.text("path", path, DEFAULT_MODEL), Check.text("stage", stage, "production"),
                Check.optional(version), window == null ? WindowConfig.defaults() : window,
                stabilize == null ? "none" : stabilize);
    }

    public static ModelConfig defaults() {
        return fromYaml(null, null, null, null, null);
    }

    public boolean embedded() {
        return path.startsWith("embedded:");
    }

    /** A relative model folder is read relative to the config file's folder. */
    ModelConfig resolve(Path base) {
        return embedded() ? this : new ModelConfig(base.resolve(path).normalize().toString(), stage, version, window,
                stabilize);
    }
}
