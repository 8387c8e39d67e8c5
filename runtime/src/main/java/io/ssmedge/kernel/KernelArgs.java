package io.ssmedge.kernel;

/**
 * The array-length checks at the entry of every {@link Kernels} method, shared by the scalar and Vector API
 * kernels: once per call (a few integer comparisons, nothing per element), so a wrong shape fails with a message
 * naming the kernel, the array and the lengths instead of an index error deep in a loop, or silently wrong rows.
 * Each check first tests the lengths alone and builds its message only when one is wrong: the daemon calls kernels
 * some 100,000 times a second, and building the shape strings every call cost ~15 % of its CPU and most of its
 * allocation (JFR, bench WorkerBatching).
 */
final class KernelArgs {
    private KernelArgs() {
    }

    /** Floats a row-major (rows, cols) view with row stride {@code stride} needs. */
    private static long span(int rows, int cols, int stride) {
        return rows == 0 || cols == 0 ? 0 : (long) (rows - 1) * stride + cols;
    }

    private static void need(String kernel, String array, float[] a, long floats, String shape) {
        if (a == null) {
            throw new IllegalArgumentException(kernel + ": " + array + " is null, expected " + shape);
        }
        if (a.length < floats) {
            throw new IllegalArgumentException(kernel + ": " + array + " has " + a.length + " floats, expected at least "
                    + floats + " for " + shape);
        }
    }

    /** Whether {@code a} holds at least {@code floats} floats (the fast path of every check). */
    private static boolean holds(float[] a, long floats) {
        return a != null && a.length >= floats;
    }

    private static void nonNegative(String kernel, int... dims) {
        for (int d : dims) {
            if (d < 0) {
                throw new IllegalArgumentException(kernel + ": negative size " + d);
            }
        }
    }

    static void mulAdd(int m, int k, int n, float[] a, int lda, float[] b, int ldb, float[] c, int ldc) {
        if (m >= 0 && k >= 0 && n >= 0 && lda >= k && ldb >= n && ldc >= n && holds(a, span(m, k, lda))
                && holds(b, span(k, n, ldb)) && holds(c, span(m, n, ldc))) {
            return;
        }
        nonNegative("mulAdd", m, k, n);
        if (lda < k || ldb < n || ldc < n) {
            throw new IllegalArgumentException("mulAdd: strides lda " + lda + ", ldb " + ldb + ", ldc " + ldc
                    + " must be at least k " + k + ", n " + n + ", n " + n);
        }
        need("mulAdd", "a", a, span(m, k, lda), "(m " + m + ", k " + k + ") at stride " + lda);
        need("mulAdd", "b", b, span(k, n, ldb), "(k " + k + ", n " + n + ") at stride " + ldb);
        need("mulAdd", "c", c, span(m, n, ldc), "(m " + m + ", n " + n + ") at stride " + ldc);
    }

    static void rows(String kernel, int m, int n, float[] x, float[] y, float[] p, float[] q) {
        if (m >= 0 && n >= 0 && holds(x, (long) m * n) && holds(y, (long) m * n) && holds(p, n)
                && (q == null || holds(q, n))) {
            return;
        }
        nonNegative(kernel, m, n);
        need(kernel, "x", x, (long) m * n, "(m " + m + ", n " + n + ")");
        need(kernel, "y", y, (long) m * n, "(m " + m + ", n " + n + ")");
        need(kernel, "scale", p, n, "(n " + n + ")");
        if (q != null) {
            need(kernel, "bias", q, n, "(n " + n + ")");
        }
    }

    static void rotate(int m, int n, int stride, float[] lamRe, float[] lamIm, float[] x) {
        if (m >= 0 && n >= 0 && stride >= 2 * n && holds(lamRe, n) && holds(lamIm, n)
                && holds(x, span(m, 2 * n, stride))) {
            return;
        }
        nonNegative("rotate", m, n);
        if (stride < 2 * n) {
            throw new IllegalArgumentException("rotate: stride " + stride + " must be at least 2n = " + 2 * n);
        }
        need("rotate", "lamRe", lamRe, n, "(n " + n + ")");
        need("rotate", "lamIm", lamIm, n, "(n " + n + ")");
        need("rotate", "x", x, span(m, 2 * n, stride), "(m " + m + ", 2n " + 2 * n + ") at stride " + stride);
    }

    static void sisoUnits(int m, int stride, int from, int to, float[] lamRe, float[] lamIm, float[] bRe, float[] bIm,
                          float[] cRe, float[] cImNeg, float[] xRe, float[] xIm, float[] zT, float[] yT, int zo) {
        if (m >= 0 && from >= 0 && zo >= 0 && to >= from && stride >= m && holds(lamRe, to) && holds(lamIm, to)
                && holds(bRe, to) && holds(bIm, to) && holds(cRe, to) && holds(cImNeg, to)
                && holds(xRe, span(to, m, stride)) && holds(xIm, span(to, m, stride)) && holds(zT, (long) zo + m)
                && holds(yT, (long) zo + m)) {
            return;
        }
        nonNegative("sisoUnits", m, from, zo);
        if (to < from || stride < m) {
            throw new IllegalArgumentException("sisoUnits: units [" + from + ", " + to + ") and stride " + stride
                    + " for " + m + " streams");
        }
        String units = "(units " + to + ")";
        need("sisoUnits", "lamRe", lamRe, to, units);
        need("sisoUnits", "lamIm", lamIm, to, units);
        need("sisoUnits", "bRe", bRe, to, units);
        need("sisoUnits", "bIm", bIm, to, units);
        need("sisoUnits", "cRe", cRe, to, units);
        need("sisoUnits", "cImNeg", cImNeg, to, units);
        String xs = "(units " + to + ", streams " + m + ") at stride " + stride;
        need("sisoUnits", "xRe", xRe, span(to, m, stride), xs);
        need("sisoUnits", "xIm", xIm, span(to, m, stride), xs);
        need("sisoUnits", "zT", zT, (long) zo + m, "offset " + zo + " + " + m + " streams");
        need("sisoUnits", "yT", yT, (long) zo + m, "offset " + zo + " + " + m + " streams");
    }
}
