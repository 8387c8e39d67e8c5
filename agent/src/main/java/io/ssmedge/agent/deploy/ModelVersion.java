package io.ssmedge.agent.deploy;

import io.ssmedge.model.SsmModel;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

/**
 * A model as it is deployed: the loaded model and who it is. Two versions are the same when their {@code version}
 * strings are (the same bytes), whatever else they say.
 *
 * @param model        the loaded, immutable model
 * @param version      "sha256:" + hex of the bytes the model was loaded from ({@link #fingerprint})
 * @param ratio        share of the original model's states pruned away: 0 = original, 0.33 = 33 % pruned
 * @param method       pruning method ("last", …), "original" for an unpruned model
 * @param keptPerLayer states kept per layer (the model's {@link SsmModel#unitsPerLayer()} when null)
 */
public record ModelVersion(SsmModel model, String version, double ratio, String method, int[] keptPerLayer) {
    public ModelVersion {
        Objects.requireNonNull(model, "model");
        if (version == null || version.isBlank()) {
            throw new IllegalArgumentException("a model version needs its fingerprint (\"sha256:…\"), got " + version);
        }
        if (!(ratio >= 0 && ratio < 1)) {
            throw new IllegalArgumentException("pruning ratio must be within [0, 1), got " + ratio + " for " + version);
        }
        method = method == null ? "original" : method;
        keptPerLayer = keptPerLayer == null ? model.unitsPerLayer().clone() : keptPerLayer.clone();
    }

    /** An unpruned model loaded from the given bytes (weights, then config). */
    public static ModelVersion original(SsmModel model, byte[] weights, byte[] config) {
        return new ModelVersion(model, fingerprint(weights, config), 0, "original", null);
    }

    /**
     * "sha256:" + the hex SHA-256 of the weights bytes followed by the config bytes, exactly as loaded (so the
     * fingerprint is of what runs, not of a file that may have changed since).
     */
    public static String fingerprint(byte[] weights, byte[] config) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(weights);
            sha.update(config);
            return "sha256:" + HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }

    /** "sha256:" and the first 12 hex digits, for logs and pages. */
    public String shortVersion() {
        return version.length() > 19 ? version.substring(0, 19) : version;
    }

    @Override
    public int[] keptPerLayer() {
        return keptPerLayer.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ModelVersion v && v.version.equals(version);
    }

    @Override
    public int hashCode() {
        return version.hashCode();
    }

    @Override
    public String toString() {
        return shortVersion() + (ratio == 0 ? " (original)" : String.format(java.util.Locale.ROOT, " (%s %.0f %%, kept %s)",
                method, ratio * 100, Arrays.toString(keptPerLayer)));
    }
}
