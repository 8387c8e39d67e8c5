package io.ssmedge.agent.control;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * Models a signed configuration names, kept verified in {@code DATA_DIR/models/sha256-HEX/}. A model is copied
 * there first and the copy is hashed, so the bytes that run are the bytes that were checked (a file changed
 * after the check cannot slip in); earlier models stay for rollback until no kept configuration names them.
 *
 * <p>Folder hash (what {@code model.sha256} holds), the same as {@code cd FOLDER && sha256sum * | sha256sum}
 * in the C locale: SHA-256 over the lines {@code HEX(SHA-256(file)) + "  " + name + "\n"} of every file in the
 * folder, sorted by name (bytewise). Subfolders are not allowed.
 */
public final class ModelStore {
    static final String PREFIX = "sha256-";
    private final Path dir;

    ModelStore(Path dataDir) {
        this.dir = dataDir.resolve("models");
    }

    /** Where a verified model with this hash lives (whether or not it is there yet). */
    Path location(String sha256) {
        return dir.resolve(PREFIX + sha256);
    }

    /**
     * A verified copy of {@code source} (a model folder on this gateway).
     *
     * @throws Refusal MODEL_MISMATCH when the folder is missing or its hash differs
     */
    Path verifiedCopy(Path source, String sha256) {
        Path target = location(sha256);
        if (Files.isDirectory(target) && sha256.equals(hashOrNull(target))) {
            return target;
        }
        if (!Files.isDirectory(source)) {
            throw new Refusal(Refusal.Code.MODEL_MISMATCH, "settings.model.path: no model folder " + source
                    + " on this gateway");
        }
        Path incoming = dir.resolve(".incoming-" + UUID.randomUUID());
        try {
            Files.createDirectories(incoming);
            for (Path f : files(source)) {
                Files.copy(f, incoming.resolve(f.getFileName()), StandardCopyOption.COPY_ATTRIBUTES);
            }
            String actual = folderHash(incoming);
            if (!actual.equals(sha256)) {
                throw new Refusal(Refusal.Code.MODEL_MISMATCH, "settings.model.sha256: the model folder " + source
                        + " has SHA-256 " + actual + ", the configuration says " + sha256 + " (changed or wrong file)");
            }
            for (Path f : files(incoming)) {
                try (var ch = java.nio.channels.FileChannel.open(f, java.nio.file.StandardOpenOption.WRITE)) {
                    ch.force(true);
                }
            }
            deleteTree(target);
            Files.move(incoming, target, StandardCopyOption.ATOMIC_MOVE);
            AtomicFiles.syncDir(dir);
            return target;
        } catch (IOException e) {
            throw new Refusal(Refusal.Code.MODEL_MISMATCH, "settings.model.path: cannot copy " + source + ": "
                    + e.getMessage());
        } finally {
            deleteTree(incoming);
        }
    }

    /** A model delivered before (only its hash named); checked again before use. */
    Path delivered(String sha256) {
        Path p = location(sha256);
        if (!Files.isDirectory(p) || !sha256.equals(hashOrNull(p))) {
            throw new Refusal(Refusal.Code.MODEL_MISMATCH, "settings.model.sha256: no verified model " + sha256
                    + " on this gateway; give model.path too");
        }
        return p;
    }

    /** A verified model with this hash, or null when there is none (yet). */
    Path deliveredOrNull(String sha256) {
        Path p = location(sha256);
        return Files.isDirectory(p) && sha256.equals(hashOrNull(p)) ? p : null;
    }

    /** Checks a kept model again (before a reload); false when it was changed or removed. */
    boolean intact(Path modelDir) {
        String name = modelDir.getFileName().toString();
        return !name.startsWith(PREFIX) || name.substring(PREFIX.length()).equals(hashOrNull(modelDir));
    }

    /** Removes kept models other than these (a crash half-way leaves only unused folders). */
    void keepOnly(Set<Path> keep) {
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : s.toList()) {
                if (!keep.contains(p.toAbsolutePath().normalize()) && !p.getFileName().toString().startsWith(".download-")) {
                    deleteTree(p);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A folder for the chunks of one download. */
    Path downloadDir(String sha256) {
        return dir.resolve(".download-" + sha256);
    }

    /** Removes the leftovers of downloads (at start, when none runs). */
    void removeDownloads() {
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : s.toList()) {
                if (p.getFileName().toString().startsWith(".download-")) {
                    deleteTree(p);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The folder hash described in the class comment. */
    public static String folderHash(Path folder) throws IOException {
        StringBuilder manifest = new StringBuilder();
        for (Path f : files(folder)) {
            manifest.append(HexFormat.of().formatHex(fileHash(f))).append("  ").append(f.getFileName()).append('\n');
        }
        return Ed25519Keys.sha256Hex(manifest.toString().getBytes(StandardCharsets.UTF_8));
    }

    private static String hashOrNull(Path folder) {
        try {
            return folderHash(folder);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static List<Path> files(Path folder) throws IOException {
        List<Path> out = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(folder)) {
            for (Path p : ds) {
                if (Files.isDirectory(p)) {
                    throw new IOException("a model folder holds only files, found the folder " + p.getFileName());
                }
                out.add(p);
            }
        }
        out.sort((a, b) -> compareBytes(a.getFileName().toString(), b.getFileName().toString()));
        if (out.isEmpty()) {
            throw new IOException(folder + " is empty");
        }
        return out;
    }

    private static int compareBytes(String a, String b) {
        return java.util.Arrays.compareUnsigned(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] fileHash(Path f) throws IOException {
        try (InputStream in = Files.newInputStream(f)) {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) {
                sha.update(buf, 0, n);
            }
            return sha.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static void deleteTree(Path p) {
        if (!Files.exists(p)) {
            return;
        }
        try (Stream<Path> s = Files.walk(p)) {
            for (Path q : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(q);
            }
        } catch (IOException e) {
            // leftovers are removed at the next start
        }
    }
}
