package io.ssmedge.model.s5;

import java.util.List;

/** How the continuous-time Λ, B̃ become the discrete Λ̄, B̄ (config key {@code discretization}). */
public enum Discretization {
    /** Zero-order hold: Λ̄ = exp(ΛΔ), B̄ = ((Λ̄ − 1)/Λ)·B̃. */
    ZOH("zoh"),
    /** Bilinear (Tustin): Λ̄ = (1 − ΔΛ/2)⁻¹(1 + ΔΛ/2), B̄ = (1 − ΔΛ/2)⁻¹Δ·B̃. */
    BILINEAR("bilinear");

    public static final List<String> KEYS = List.of("zoh", "bilinear");
    private final String key;

    Discretization(String key) {
        this.key = key;
    }

    public String key() {
        return key;
    }

    public static Discretization parse(String key) {
        return "zoh".equals(key) ? ZOH : BILINEAR;
    }
}
