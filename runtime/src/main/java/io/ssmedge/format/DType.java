package io.ssmedge.format;

import java.util.Locale;

/** Element types ssm-edge reads and writes in safetensors files (all little-endian). */
public enum DType {
    F32(4), F64(8), I32(4), I64(8);

    private final int bytes;

    DType(int bytes) {
        this.bytes = bytes;
    }

    /** Bytes per element. */
    public int bytes() {
        return bytes;
    }

    /** Parses the safetensors dtype string, or returns null when it is not one we support. */
    public static DType parse(String s) {
        if (s == null) {
            return null;
        }
        try {
            return valueOf(s.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    public boolean isFloat() {
        return this == F32 || this == F64;
    }
}
