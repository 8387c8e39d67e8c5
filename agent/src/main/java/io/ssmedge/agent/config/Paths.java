package io.ssmedge.agent.config;

import java.nio.file.Files;
import java.nio.file.Path;

/** File settings: relative paths are read relative to the config file's folder. */
final class Paths {
    private Paths() {
    }

    static Path under(Path base, Path p) {
        return p == null ? null : base.resolve(p).normalize();
    }

    /** Fails naming the key when a configured file cannot be read. */
    static void readable(String key, Path p) {
        if (p != null && Files.isDirectory(p)) {
            throw new IllegalArgumentException(key + ": " + p + " is a folder; give the file inside it");
        }
        if (p != null && !Files.isReadable(p)) {
            throw new IllegalArgumentException(key + ": cannot read file " + p
                    + (Files.exists(p) ? " (permission denied)" : " (no such file)"));
        }
    }
}
