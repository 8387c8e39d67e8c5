package io.ssmedge.model;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ssmedge.format.SafetensorsWriter;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** Names and writing of the two files of a model directory. */
public final class ModelFiles {
    public static final String WEIGHTS = "model.safetensors";
    public static final String CONFIG = "config.json";

    private ModelFiles() {
    }

    /** Writes model.safetensors and config.json into {@code dir} (created if needed), each atomically. */
    public static void save(Path dir, SafetensorsWriter weights, ObjectNode config) {
        try {
            Files.createDirectories(dir);
            weights.write(dir.resolve(WEIGHTS));
            Path tmp = Files.createTempFile(dir, CONFIG, ".tmp");
            try {
                Files.writeString(tmp, ConfigReader.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(config) + "\n");
                Files.move(tmp, dir.resolve(CONFIG), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot save model to " + dir + ": " + e.getMessage(), e);
        }
    }
}
