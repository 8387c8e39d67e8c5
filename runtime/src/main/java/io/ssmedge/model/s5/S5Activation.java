package io.ssmedge.model.s5;

import java.util.List;

/** The S5 layer's output nonlinearity (config key {@code activation}); GELU is the tanh approximation. */
public enum S5Activation {
    /** y = gelu(y). */
    GELU("gelu"),
    /** g = gelu(y); y = g·σ(out2(g)). */
    HALF_GLU1("half_glu1"),
    /** y = y·σ(out2(gelu(y))). */
    HALF_GLU2("half_glu2"),
    /** g = gelu(y); y = out1(g)·σ(out2(g)). */
    FULL_GLU("full_glu");

    public static final List<String> KEYS = List.of("gelu", "half_glu1", "half_glu2", "full_glu");
    private final String key;

    S5Activation(String key) {
        this.key = key;
    }

    public String key() {
        return key;
    }

    public boolean hasOut1() {
        return this == FULL_GLU;
    }

    public boolean hasOut2() {
        return this != GELU;
    }

    public static S5Activation parse(String key) {
        for (S5Activation a : values()) {
            if (a.key.equals(key)) {
                return a;
            }
        }
        throw new IllegalArgumentException(key);
    }
}
