package io.ssmedge.pruning;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** How units are chosen for removal. The first is the method of the paper; the others are its baselines. */
public enum PruningMethod {
    /** LAST: layer-wise energy-normalized H∞ scores, one global threshold. */
    LAST("last", "LAST (layer-adaptive H∞)"),
    /** Each layer keeps its own top share by raw H∞ norm. */
    UNIFORM_HINF("uniform-hinf", "Uniform H∞"),
    /** One global threshold on raw H∞ norms. */
    GLOBAL_HINF("global-hinf", "Global H∞"),
    /** Units kept at random (seeded), same total as the others. */
    RANDOM("random", "Random"),
    /** One global threshold on ‖B̄ᵢ‖·‖C̃ᵢ‖ (no pole term). */
    MAGNITUDE("magnitude", "Global magnitude"),
    /** LAMP: the LAST normalization applied to squared magnitudes, one global threshold. */
    LAMP("lamp", "LAMP (magnitude)");

    private final String key;
    private final String label;

    PruningMethod(String key, String label) {
        this.key = key;
        this.label = label;
    }

    /** Command-line and JSON name. */
    public String key() {
        return key;
    }

    /** Name for charts and reports. */
    public String label() {
        return label;
    }

    public static List<String> keys() {
        return Arrays.stream(values()).map(PruningMethod::key).toList();
    }

    public static PruningMethod parse(String s) {
        String k = s.trim().toLowerCase(Locale.ROOT).replace('_', '-');
        for (PruningMethod m : values()) {
            if (m.key.equals(k)) {
                return m;
            }
        }
        throw new IllegalArgumentException("unknown pruning method '" + s + "'; choose one of " + keys());
    }
}
