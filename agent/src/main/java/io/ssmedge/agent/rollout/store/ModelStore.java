package io.ssmedge.agent.rollout.store;

import io.ssmedge.model.ModelFiles;
import io.ssmedge.model.ModelLoader;
import io.ssmedge.model.SsmModel;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.stream.Stream;

/**
 * The rollout's model folders under {@code <data_dir>/rollout/models/NAME/}: config.json, model.safetensors and
 * SHA256 (the hex SHA-256 of model.safetensors' bytes followed by config.json's bytes, as the deployment
 * fingerprints a loaded model). A folder is written under a temporary name, fsynced and renamed into place, so
 * NAME either holds a complete model or does not exist. Loading recomputes the hash from the bytes and refuses a model that does not match.
 */
public final class ModelStore {
    public static final String HASH_FILE = "SHA256";
    private final Path root;
    private final CrashHook crash;

    public ModelStore(Path root, CrashHook crash) {
        this.root = root;
        this.crash = crash;
    }

    public Path folder(String name) {
        return root.resolve(name);
    }

    /** Saves a model as NAME (replacing an unverifiable leftover); returns its version "sha256:HEX". */
    public String save(String name, SsmModel model) {
        Path dir = folder(name);
        Path tmp = root.resolve(name + ".tmp");
        try {
            Files.createDirectories(root);
            deleteTree(tmp);
            model.save(tmp);
            AtomicFiles.syncFile(tmp.resolve(ModelFiles.CONFIG));
            AtomicFiles.syncFile(tmp.resolve(ModelFiles.WEIGHTS));
            String hex = hash(tmp);
            crash.at("model-hash:" + name);
            AtomicFiles.write(tmp.resolve(HASH_FILE), (hex + "\n").getBytes(StandardCharsets.US_ASCII), CrashHook.NONE);
            AtomicFiles.syncDir(tmp);
            crash.at("model-rename:" + name);
            deleteTree(dir);
            AtomicFiles.move(tmp, dir);
            AtomicFiles.syncDir(root);
            return "sha256:" + hex;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot store model " + dir + ": " + e.getMessage(), e);
        }
    }

    /**
     * Loads NAME after checking its bytes against {@code expectedVersion} (and its own SHA256 file).
     *
     * @throws ModelVerificationException when the folder is missing, incomplete or its bytes do not match
     */
    public SsmModel load(String name, String expectedVersion) {
        Path dir = folder(name);
        if (!Files.isRegularFile(dir.resolve(ModelFiles.WEIGHTS)) || !Files.isRegularFile(dir.resolve(ModelFiles.CONFIG))
                || !Files.isRegularFile(dir.resolve(HASH_FILE))) {
            throw new ModelVerificationException(dir + ": stored model incomplete (expected " + ModelFiles.CONFIG + ", "
                    + ModelFiles.WEIGHTS + " and " + HASH_FILE + ")");
        }
        try {
            String recorded = Files.readString(dir.resolve(HASH_FILE)).trim();
            String actual = hash(dir);
            if (!actual.equals(recorded) || (expectedVersion != null && !expectedVersion.equals("sha256:" + actual))) {
                throw new ModelVerificationException(dir + ": SHA-256 of the stored model is " + actual + ", expected "
                        + (expectedVersion != null ? expectedVersion : recorded));
            }
            return ModelLoader.load(dir);
        } catch (IOException e) {
            throw new ModelVerificationException(dir + ": cannot read stored model: " + e.getMessage());
        }
    }

    /** "sha256:HEX" of a model as it would be stored (for the original model, which is stored the same way). */
    public static String hash(Path dir) throws IOException {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            // same order as the deployment's fingerprint (ModelVersion.fingerprint): weights, then config
            sha.update(Files.readAllBytes(dir.resolve(ModelFiles.WEIGHTS)));
            sha.update(Files.readAllBytes(dir.resolve(ModelFiles.CONFIG)));
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) {
            return;
        }
        try (Stream<Path> s = Files.walk(p)) {
            for (Path q : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(q);
            }
        }
    }
}
