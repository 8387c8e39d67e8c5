package io.ssmedge.agent.daemon;

import io.ssmedge.agent.config.ModelConfig;
import io.ssmedge.model.ModelFiles;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * What every prediction says about the model that made it: name (path or embedded:NAME), stage (from the config)
 * and version (from the config, else "sha256:" and the first 12 hex digits of the hash of config.json and
 * model.safetensors, so two gateways running the same files report the same version).
 */
public record ModelIdentity(String name, String stage, String version) {
    private static final String EMBEDDED_ROOT = "/io/ssmedge/models/";

    public static ModelIdentity of(ModelConfig cfg) {
        return new ModelIdentity(cfg.path(), cfg.stage(), cfg.version() != null ? cfg.version() : fingerprint(cfg));
    }

    static String fingerprint(ModelConfig cfg) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (String f : new String[]{ModelFiles.CONFIG, ModelFiles.WEIGHTS}) {
                try (InputStream in = open(cfg, f)) {
                    if (in == null) {
                        return "unknown";
                    }
                    byte[] buf = new byte[1 << 16];
                    for (int n; (n = in.read(buf)) > 0; ) {
                        sha.update(buf, 0, n);
                    }
                }
            }
            return "sha256:" + HexFormat.of().formatHex(sha.digest()).substring(0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static InputStream open(ModelConfig cfg, String file) throws IOException {
        if (cfg.embedded()) {
            return ModelIdentity.class.getResourceAsStream(EMBEDDED_ROOT + cfg.path().substring("embedded:".length())
                    + "/" + file);
        }
        Path p = Path.of(cfg.path());
        Path dir = Files.isRegularFile(p) ? p.toAbsolutePath().getParent() : p;
        Path f = dir.resolve(file);
        return Files.isReadable(f) ? Files.newInputStream(f) : null;
    }
}
