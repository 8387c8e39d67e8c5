package io.ssmedge.agent.stream;

/**
 * Reads the plain decimal numbers sensors send ("-12.5", "0.0312", "1732800000123.456", "3e-2") without the JDK's
 * general algorithm, and gives exactly what {@link Float#parseFloat} / {@link Double#parseDouble} give.
 * <p>Clinger's fast path (W. D. Clinger, "How to read floating point numbers accurately", PLDI 1990): write the
 * number as w · 10^e with an integer w. When w is exactly representable (w ≤ 2^24 for float, ≤ 2^53 for double) and
 * so is 10^|e| (|e| ≤ 10 for float: 5^10 &lt; 2^24; |e| ≤ 22 for double: 5^22 &lt; 2^53), then w · 10^e or w / 10^−e
 * is a single IEEE operation on exact operands, hence the correctly rounded value of the decimal: the same as the
 * JDK's. Everything else (more digits, larger exponents, "NaN", "Infinity", hexadecimal, a 'f'/'d' suffix, blanks,
 * malformed text) goes to the JDK, which also decides what is not a number.
 * <p>Why: on the sensor path {@code Float.parseFloat} allocated a quarter of the agent's garbage at 10,000
 * messages/s (its {@code FloatingDecimal} buffers and big integers; JFR, issue #12).
 */
final class FastDecimal {
    private static final float[] POW10F = {1e0f, 1e1f, 1e2f, 1e3f, 1e4f, 1e5f, 1e6f, 1e7f, 1e8f, 1e9f, 1e10f};
    private static final double[] POW10 = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13,
        1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
    private static final int MAX_DIGITS = 16; // w < 10^16 < 2^54: packed with the sign and exponent in a long
    private static final long NOT_FAST = Long.MIN_VALUE;

    private FastDecimal() {
    }

    /** As {@link Float#parseFloat}. */
    static float parseFloat(String s) {
        long packed = decompose(s);
        if (packed != NOT_FAST) {
            long w = packed >>> 9;
            int e = (byte) packed;
            boolean negative = (packed & 0x100) != 0;
            if (w <= (1L << 24) && e >= -10 && e <= 10) {
                float f = e >= 0 ? (float) w * POW10F[e] : (float) w / POW10F[-e];
                return negative ? -f : f;
            }
        }
        return Float.parseFloat(s);
    }

    /** As {@link Double#parseDouble}. */
    static double parseDouble(String s) {
        long packed = decompose(s);
        if (packed != NOT_FAST) {
            long w = packed >>> 9;
            int e = (byte) packed;
            boolean negative = (packed & 0x100) != 0;
            if (w <= (1L << 53) && e >= -22 && e <= 22) {
                double d = e >= 0 ? (double) w * POW10[e] : (double) w / POW10[-e];
                return negative ? -d : d;
            }
        }
        return Double.parseDouble(s);
    }

    /**
     * [sign] digits [. digits] [(e|E) [sign] digits] with at least one digit before the exponent, as
     * w (bits 9..63) · 10^e (bits 0..7, signed) and the sign (bit 8); {@link #NOT_FAST} for anything else or when w
     * has more than {@link #MAX_DIGITS} digits or |e| does not fit a byte.
     */
    private static long decompose(String s) {
        int n = s.length();
        int i = 0;
        boolean negative = false;
        if (i < n && (s.charAt(i) == '-' || s.charAt(i) == '+')) {
            negative = s.charAt(i) == '-';
            i++;
        }
        long w = 0;
        int digits = 0;      // significant digits taken into w (leading zeros do not count)
        int mantissa = 0;    // digits seen before the exponent
        int scale = 0;       // digits after the point
        boolean point = false;
        for (; i < n; i++) {
            char c = s.charAt(i);
            if (c >= '0' && c <= '9') {
                mantissa++;
                if (w != 0 || c != '0') {
                    if (++digits > MAX_DIGITS) {
                        return NOT_FAST;
                    }
                    w = w * 10 + (c - '0');
                }
                if (point) {
                    scale++;
                }
            } else if (c == '.' && !point) {
                point = true;
            } else {
                break;
            }
        }
        if (mantissa == 0) {
            return NOT_FAST;
        }
        int exp = 0;
        if (i < n) {
            char c = s.charAt(i);
            if (c != 'e' && c != 'E') {
                return NOT_FAST;
            }
            i++;
            boolean expNegative = false;
            if (i < n && (s.charAt(i) == '-' || s.charAt(i) == '+')) {
                expNegative = s.charAt(i) == '-';
                i++;
            }
            int expDigits = 0;
            for (; i < n; i++) {
                c = s.charAt(i);
                if (c < '0' || c > '9' || ++expDigits > 3) {
                    return NOT_FAST;
                }
                exp = exp * 10 + (c - '0');
            }
            if (expDigits == 0) {
                return NOT_FAST;
            }
            exp = expNegative ? -exp : exp;
        }
        int e = exp - scale;
        if (e < Byte.MIN_VALUE || e > Byte.MAX_VALUE) {
            return NOT_FAST;
        }
        return w << 9 | (negative ? 0x100 : 0) | (e & 0xff);
    }
}
