package io.ssmedge.model;

import io.ssmedge.format.ModelFormatException;
import io.ssmedge.format.SafetensorsFile;
import io.ssmedge.model.s4d.S4DCheckpoint;
import io.ssmedge.model.s4d.S4DConfig;
import io.ssmedge.model.s4d.S4DModel;
import io.ssmedge.model.s5.S5Checkpoint;
import io.ssmedge.model.s5.S5Config;
import io.ssmedge.model.s5.S5Model;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Loads a model directory (config.json + model.safetensors); the architecture comes from the config's
 * {@code architecture} key ({@code s5} when absent).
 */
public final class ModelLoader {
    /** Models bundled in the runtime jar. */
    public static final List<String> EMBEDDED = List.of("s5-skab", "s4d-skab");
    private static final String RESOURCE_ROOT = "/io/ssmedge/models/";

    private ModelLoader() {
    }

    /** Loads from a directory, or from the directory of a given model.safetensors/config.json file. */
    public static SsmModel load(Path path) {
        Path dir = Files.isRegularFile(path) ? path.toAbsolutePath().getParent() : path;
        if (!Files.isDirectory(dir)) {
            throw new ModelFormatException(path + ": not a model directory (expected a folder with "
                    + ModelFiles.CONFIG + " and " + ModelFiles.WEIGHTS + ")");
        }
        ConfigReader cfg = ConfigReader.read(dir.resolve(ModelFiles.CONFIG));
        Path weights = dir.resolve(ModelFiles.WEIGHTS);
        if (!Files.exists(weights)) {
            throw new ModelFormatException(weights + ": file not found (a model directory needs "
                    + ModelFiles.CONFIG + " and " + ModelFiles.WEIGHTS + ")");
        }
        return build(cfg, SafetensorsFile.read(weights));
    }

    /** Loads one of {@link #EMBEDDED}. */
    public static SsmModel loadEmbedded(String name) {
        if (!EMBEDDED.contains(name)) {
            throw new IllegalArgumentException("no embedded model '" + name + "'; embedded: " + EMBEDDED);
        }
        String base = RESOURCE_ROOT + name + "/";
        try (InputStream c = resource(base + ModelFiles.CONFIG); InputStream w = resource(base + ModelFiles.WEIGHTS)) {
            ConfigReader cfg = ConfigReader.parse("embedded:" + name + "/" + ModelFiles.CONFIG,
                    new String(c.readAllBytes(), StandardCharsets.UTF_8));
            return build(cfg, SafetensorsFile.read(w, "embedded:" + name + "/" + ModelFiles.WEIGHTS));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The config.json of an embedded model (e.g. for its list of test recordings). */
    public static com.fasterxml.jackson.databind.node.ObjectNode embeddedConfig(String name) {
        if (!EMBEDDED.contains(name)) {
            throw new IllegalArgumentException("no embedded model '" + name + "'; embedded: " + EMBEDDED);
        }
        try (InputStream c = resource(RESOURCE_ROOT + name + "/" + ModelFiles.CONFIG)) {
            return ConfigReader.parse("embedded:" + name, new String(c.readAllBytes(), StandardCharsets.UTF_8)).root();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static InputStream resource(String path) {
        InputStream in = ModelLoader.class.getResourceAsStream(path);
        if (in == null) {
            throw new IllegalStateException("resource " + path + " missing from the runtime jar");
        }
        return in;
    }

    /**
     * Builds a model from an already-read config and checkpoint. A model with unstable states (|λ̄| ≥ 1, see
     * {@link UnstableState}) loads with a warning that names them and their growth over one training window.
     */
    public static SsmModel build(ConfigReader cfg, SafetensorsFile weights) {
        String arch = cfg.optString("architecture", List.of("s5", "s4d"), "s5");
        SsmModel m;
        if ("s4d".equals(arch)) {
            S4DConfig c = S4DConfig.from(cfg);
            m = new S4DModel(c, S4DCheckpoint.read(weights, c));
        } else {
            S5Config c = S5Config.from(cfg);
            m = new S5Model(c, S5Checkpoint.read(weights, c));
        }
        List<UnstableState> unstable = m.unstableStates();
        if (!unstable.isEmpty()) {
            int window = m.trainingWindow() > 0 ? m.trainingWindow() : 1000;
            System.getLogger(ModelLoader.class.getName()).log(System.Logger.Level.WARNING,
                    "{0}: {1} unstable state(s) (|λ̄| ≥ 1; trained without clip_eigs?): {2}. Windows are evaluated as "
                            + "usual; continuous mode needs model.stabilize: clip", weights.source(), unstable.size(),
                    UnstableState.describe(unstable, window));
        }
        return m;
    }
}
