package io.ssmedge.agent.control;

import io.ssmedge.SsmEdgeException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The files of the remote control in {@code DATA_DIR/control/}: {@code trusted-state.json} (the
 * {@link TrustedState}) and {@code documents/SHA256.json} (the signed payloads of the applied and the previous
 * configuration). Every file is written atomically ({@link AtomicFiles}); a document is written before the state
 * that names it, so the state is the single commit point: after a crash the gateway finds either the old state
 * with the old document or the new state with the new document.
 */
final class TrustedStateStore {
    private final Path dir;
    private final Path stateFile;
    private final Path documents;
    private final CrashPoints crash;

    TrustedStateStore(Path dataDir, CrashPoints crash) {
        this.dir = dataDir.resolve("control");
        this.stateFile = dir.resolve("trusted-state.json");
        this.documents = dir.resolve("documents");
        this.crash = crash;
    }

    /**
     * The stored state, or a new one from the local trusted keys file; the local file wins when it has a higher key
     * version than the stored keys (an operator installed newer keys by hand).
     */
    TrustedState load(TrustedKeys local) {
        removeTemporaries();
        byte[] b;
        try {
            b = Files.readAllBytes(stateFile);
        } catch (NoSuchFileException e) {
            return TrustedState.initial(local);
        } catch (IOException e) {
            throw new UncheckedIOException(stateFile + ": cannot read", e);
        }
        TrustedState s;
        try {
            s = TrustedState.fromJson(ControlJson.object(b, Refusal.Code.MALFORMED, stateFile.toString()));
        } catch (RuntimeException e) {
            // written atomically, so only a disk fault or a hand edit gets here: refusing to start is safer
            // than forgetting versions (which would let old configurations be replayed)
            throw new SsmEdgeException(stateFile + ": damaged (" + e.getMessage() + "); restore it from a backup, or "
                    + "delete it to trust only control.trusted_keys again (old configurations could then be replayed)");
        }
        return local.version() > s.keys().version() ? s.withKeys(local) : s;
    }

    void save(TrustedState s) {
        try {
            AtomicFiles.write(stateFile, ControlJson.pretty(s.toJson()).getBytes(java.nio.charset.StandardCharsets.UTF_8),
                    crash);
        } catch (IOException e) {
            throw new UncheckedIOException(stateFile + ": cannot write", e);
        }
    }

    void writeDocument(String sha256, byte[] payload) {
        try {
            AtomicFiles.write(documents.resolve(sha256 + ".json"), payload, crash);
        } catch (IOException e) {
            throw new UncheckedIOException(documents + ": cannot write", e);
        }
    }

    byte[] readDocument(String sha256) {
        Path p = documents.resolve(sha256 + ".json");
        try {
            byte[] b = Files.readAllBytes(p);
            if (!Ed25519Keys.sha256Hex(b).equals(sha256)) {
                throw new SsmEdgeException(p + ": damaged (its SHA-256 does not match its name)");
            }
            return b;
        } catch (IOException e) {
            throw new UncheckedIOException(p + ": cannot read", e);
        }
    }

    /** Deletes documents other than these hashes. */
    void keepDocuments(Set<String> keep) {
        if (!Files.isDirectory(documents)) {
            return;
        }
        try (Stream<Path> s = Files.list(documents)) {
            for (Path p : s.toList()) {
                String n = p.getFileName().toString();
                if (!keep.contains(n.replace(".json", ""))) {
                    Files.deleteIfExists(p);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void removeTemporaries() {
        for (Path d : new Path[]{dir, documents}) {
            if (!Files.isDirectory(d)) {
                continue;
            }
            try (Stream<Path> s = Files.list(d)) {
                for (Path p : s.toList()) {
                    if (p.getFileName().toString().endsWith(AtomicFiles.TMP)) {
                        Files.deleteIfExists(p);
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
