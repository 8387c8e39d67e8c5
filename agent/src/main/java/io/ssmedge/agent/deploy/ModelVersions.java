package io.ssmedge.agent.deploy;

import io.ssmedge.format.ModelFormatException;
import io.ssmedge.format.SafetensorsFile;
import io.ssmedge.model.ConfigReader;
import io.ssmedge.model.ModelFiles;
import io.ssmedge.model.ModelLoader;
import io.ssmedge.model.SsmModel;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Loads a model and its {@link ModelVersion} from one read of its bytes: the fingerprint is of the bytes that were
 * parsed, never of a second read of the files.
 */
public final class ModelVersions {
    private static final String EMBEDDED_ROOT = "/io/ssmedge/models/";

    private ModelVersions() {
    }

    /**
     * A model folder (config.json + model.safetensors, or one of those files) or {@code embedded:NAME}, as the
     * original (unpruned) model.
     */
    public static ModelVersion load(String path) {
        if (path.startsWith("embedded:")) {
            String name = path.substring("embedded:".length());
            if (!ModelLoader.EMBEDDED.contains(name)) {
                throw new IllegalArgumentException("no embedded model '" + name + "'; embedded models: "
                        + ModelLoader.EMBEDDED);
            }
            return fromBytes(path, resource(name, ModelFiles.CONFIG), resource(name, ModelFiles.WEIGHTS), 0, "original");
        }
        return load(Path.of(path), 0, "original");
    }

    /** A model folder, with what is known about how it was pruned from the original. */
    public static ModelVersion load(Path path, double ratio, String method) {
        Path dir = Files.isRegularFile(path) ? path.toAbsolutePath().getParent() : path;
        if (!Files.isDirectory(dir)) {
            throw new ModelFormatException(path + ": not a model directory (expected a folder with "
                    + ModelFiles.CONFIG + " and " + ModelFiles.WEIGHTS + ")");
        }
        return fromBytes(dir.toString(), read(dir.resolve(ModelFiles.CONFIG)), read(dir.resolve(ModelFiles.WEIGHTS)),
                ratio, method);
    }

    /** A model from the bytes of its config.json and model.safetensors ({@code source} names them in errors). */
    public static ModelVersion fromBytes(String source, byte[] config, byte[] weights, double ratio, String method) {
        SsmModel model = ModelLoader.build(ConfigReader.parse(source + "/" + ModelFiles.CONFIG,
                new String(config, StandardCharsets.UTF_8)), SafetensorsFile.parse(source + "/" + ModelFiles.WEIGHTS, weights));
        return new ModelVersion(model, ModelVersion.fingerprint(weights, config), ratio, method, null);
    }

    private static byte[] read(Path f) {
        if (!Files.isRegularFile(f)) {
            throw new ModelFormatException(f + ": file not found (a model directory needs " + ModelFiles.CONFIG + " and "
                    + ModelFiles.WEIGHTS + ")");
        }
        try {
            return Files.readAllBytes(f);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + f + ": " + e.getMessage(), e);
        }
    }

    private static byte[] resource(String name, String file) {
        try (InputStream in = ModelVersions.class.getResourceAsStream(EMBEDDED_ROOT + name + "/" + file)) {
            if (in == null) {
                throw new IllegalStateException("resource " + EMBEDDED_ROOT + name + "/" + file + " missing from the runtime jar");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
