package io.ssmedge.agent.stream;

/**
 * Reads the plain decimal numbers sensors send ("-12.5", "0.0312", "1732800000123.456", "3e-2") without the JDK's
 * general algorithm, and gives exactly what {@link Float#parseFloat} / {@link Double#parseDouble} give.
 * <p>Clinger's fast path (W. D. Clinger, "How to read floating point numbers accurately", PLDI 1990): write the
 * number as w · 10^e with an integer w. When w is exactly representable (w ≤ 2^24 for float, ≤ 2^53 for double) and
 * so is 10^|e| (|e| ≤ 10 for float: 5^10 &lt; 2^24; |e| ≤ 22 for double: 5^22 &lt; 2^53), then w · 10^e or w / 10^−e
 * is a single IEEE operation on exact operands, hence the correctly rounded value of the decimal: the same as the
 * JDK's. A float with more digits (up to 2^53, as {@link Float#toString} prints up to 9) is read as that double and
 * rounded to float unless the double lies exactly between two floats ({@link #atFloatMidpoint}). Everything else (more digits, larger exponents, "NaN", "Infinity", hexadecimal, a 'f'/'d' suffix, blanks,
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
        return parseFloat(s, 0, s.length());
    }

    /** As {@link Float#parseFloat} of {@code s.substring(from, to)}, without making that string unless the JDK reads it. */
    static float parseFloat(String s, int from, int to) {
        long packed = decompose(s, from, to);
        if (packed != NOT_FAST) {
            long w = packed >>> 9;
            int e = (byte) packed;
            boolean negative = (packed & 0x100) != 0;
            if (w <= (1L << 24) && e >= -10 && e <= 10) {
                float f = e >= 0 ? (float) w * POW10F[e] : (float) w / POW10F[-e];
                return negative ? -f : f;
            }
            double r = exactDouble(packed); // more digits, e.g. Float.toString's up to 9
            float f = (float) r;
            if (Math.abs(r) >= Float.MIN_NORMAL && Math.abs(r) < Float.MAX_VALUE && !atFloatMidpoint(r, f)) {
                return f; // NaN (not on the fast path) fails the comparisons
            }
        }
        return Float.parseFloat(s.substring(from, to));
    }

    /**
     * Whether the double {@code r} lies exactly halfway between two adjacent floats ({@code f = (float) r} is one).
     * <p>Why the float read through a double is still exact otherwise: r = round53(x) is the correctly rounded double
     * of the decimal x (Clinger). Every float and every midpoint between adjacent floats has at most 25 significant
     * bits, so it is a double too; rounding to a double is monotonic and keeps doubles fixed, so x and r lie on the
     * same side of each of them, or r is one of them. If r is neither a float nor a midpoint, x and r are strictly
     * inside the same interval between two adjacent midpoints and round to the same float; if r is a float, so is
     * x. Only a midpoint r (x at or next to the midpoint) is ambiguous: then the JDK decides (double rounding).
     * Checked with {@code f} and its neighbour on r's side: both floats, their mean is exact in double.
     */
    private static boolean atFloatMidpoint(double r, float f) {
        double b = f;
        if (b == r) {
            return false;
        }
        float other = r > b ? Math.nextUp(f) : Math.nextDown(f);
        return r == (b + (double) other) * 0.5;
    }

    /** As {@link Double#parseDouble}. */
    static double parseDouble(String s) {
        return parseDouble(s, 0, s.length());
    }

    /** As {@link Double#parseDouble} of {@code s.substring(from, to)}, without making that string unless the JDK reads it. */
    static double parseDouble(String s, int from, int to) {
        long packed = decompose(s, from, to);
        double d = packed == NOT_FAST ? Double.NaN : exactDouble(packed);
        return d == d ? d : Double.parseDouble(s.substring(from, to)); // d != d: NaN, not on the fast path
    }

    /** The decimal {@code packed} (see {@link #decompose}) as the correctly rounded double, or NaN off the fast path. */
    private static double exactDouble(long packed) {
        long w = packed >>> 9;
        int e = (byte) packed;
        if (w > (1L << 53) || e < -22 || e > 22) {
            return Double.NaN;
        }
        double d = e >= 0 ? (double) w * POW10[e] : (double) w / POW10[-e];
        return (packed & 0x100) != 0 ? -d : d;
    }

    /**
     * [sign] digits [. digits] [(e|E) [sign] digits] with at least one digit before the exponent, as
     * w (bits 9..63) · 10^e (bits 0..7, signed) and the sign (bit 8); {@link #NOT_FAST} for anything else or when w
     * has more than {@link #MAX_DIGITS} digits or |e| does not fit a byte.
     */
    private static long decompose(String s, int from, int to) {
        int n = to;
        int i = from;
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
