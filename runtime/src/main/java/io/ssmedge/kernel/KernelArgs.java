package io.ssmedge.kernel;

/**
 * The array-length checks at the entry of every {@link Kernels} method, shared by the scalar and Vector API
 * kernels: once per call (a few integer comparisons, nothing per element), so a wrong shape fails with a message
 * naming the kernel, the array and the lengths instead of an index error deep in a loop, or silently wrong rows.
 * The checks allocate nothing when they pass (the step allocates nothing): messages are built from a constant
 * format and int arguments only on failure.
 */
final class KernelArgs {
    private KernelArgs() {
    }

    /** Floats a row-major (rows, cols) view with row stride {@code stride} needs. */
    private static long span(int rows, int cols, int stride) {
        return rows == 0 || cols == 0 ? 0 : (long) (rows - 1) * stride + cols;
    }

    /** Fails unless {@code a} holds {@code floats}; the shape is {@code String.format(shape, p, q, r)}. */
    private static void need(String kernel, String array, float[] a, long floats, String shape, int p, int q, int r) {
        if (a == null) {
            throw new IllegalArgumentException(kernel + ": " + array + " is null, expected "
                    + String.format(shape, p, q, r));
        }
        if (a.length < floats) {
            throw new IllegalArgumentException(kernel + ": " + array + " has " + a.length + " floats, expected at least "
                    + floats + " for " + String.format(shape, p, q, r));
        }
    }

    private static void nonNegative(String kernel, int a, int b, int c) {
        if (a < 0 || b < 0 || c < 0) {
            throw new IllegalArgumentException(kernel + ": negative size in " + a + ", " + b + ", " + c);
        }
    }

    static void mulAdd(int m, int k, int n, float[] a, int lda, float[] b, int ldb, float[] c, int ldc) {
        nonNegative("mulAdd", m, k, n);
        if (lda < k || ldb < n || ldc < n) {
            throw new IllegalArgumentException("mulAdd: strides lda " + lda + ", ldb " + ldb + ", ldc " + ldc
                    + " must be at least k " + k + ", n " + n + ", n " + n);
        }
        need("mulAdd", "a", a, span(m, k, lda), "(m %d, k %d) at stride %d", m, k, lda);
        need("mulAdd", "b", b, span(k, n, ldb), "(k %d, n %d) at stride %d", k, n, ldb);
        need("mulAdd", "c", c, span(m, n, ldc), "(m %d, n %d) at stride %d", m, n, ldc);
    }

    static void rows(String kernel, int m, int n, float[] x, float[] y, float[] p, float[] q) {
        nonNegative(kernel, m, n, 0);
        need(kernel, "x", x, (long) m * n, "(m %d, n %d)", m, n, 0);
        need(kernel, "y", y, (long) m * n, "(m %d, n %d)", m, n, 0);
        need(kernel, "scale", p, n, "(n %d)", n, 0, 0);
        if (q != null) {
            need(kernel, "bias", q, n, "(n %d)", n, 0, 0);
        }
    }

    /**
     * Row-wise kernels over (m, n) blocks: every block holds at least m·n floats, the per-column vector
     * (named {@code vectorName}) n, unless it is null and {@code vectorOptional}.
     */
    static void blocks(String kernel, int m, int n, String vectorName, float[] vector, boolean vectorOptional,
                       String name1, float[] block1, String name2, float[] block2, String name3, float[] block3) {
        nonNegative(kernel, m, n, 0);
        long floats = (long) m * n;
        need(kernel, name1, block1, floats, "(m %d, n %d)", m, n, 0);
        need(kernel, name2, block2, floats, "(m %d, n %d)", m, n, 0);
        need(kernel, name3, block3, floats, "(m %d, n %d)", m, n, 0);
        if (vector != null || !vectorOptional) {
            need(kernel, vectorName, vector, n, "(n %d)", n, 0, 0);
        }
    }

    /** The two-class head: f (m, n), w (n), logp (m, 2). */
    static void binaryHead(int m, int n, float[] f, float[] w, float[] logp) {
        nonNegative("binaryLogSoftmax", m, n, 0);
        need("binaryLogSoftmax", "f", f, (long) m * n, "(m %d, n %d)", m, n, 0);
        need("binaryLogSoftmax", "w", w, n, "(n %d)", n, 0, 0);
        need("binaryLogSoftmax", "logp", logp, 2L * m, "(m %d, 2)", m, 0, 0);
    }

    /** Element-wise kernels: every array holds at least n floats. */
    static void elements(String kernel, int n, float[] x, float[] y, float[] z) {
        nonNegative(kernel, n, 0, 0);
        need(kernel, "x", x, n, "(n %d)", n, 0, 0);
        need(kernel, "y", y, n, "(n %d)", n, 0, 0);
        if (z != null) {
            need(kernel, "z", z, n, "(n %d)", n, 0, 0);
        }
    }

    static void rotate(int m, int n, int stride, float[] lamRe, float[] lamIm, float[] x) {
        nonNegative("rotate", m, n, 0);
        if (stride < 2 * n) {
            throw new IllegalArgumentException("rotate: stride " + stride + " must be at least 2n = " + 2 * n);
        }
        need("rotate", "lamRe", lamRe, n, "(n %d)", n, 0, 0);
        need("rotate", "lamIm", lamIm, n, "(n %d)", n, 0, 0);
        need("rotate", "x", x, span(m, 2 * n, stride), "(m %d, 2n %d) at stride %d", m, 2 * n, stride);
    }

    static void sisoUnits(int m, int stride, int from, int to, float[] lamRe, float[] lamIm, float[] bRe, float[] bIm,
                          float[] cRe, float[] cImNeg, float[] xRe, float[] xIm, float[] zT, float[] yT, int zo) {
        nonNegative("sisoUnits", m, from, zo);
        if (to < from || stride < m) {
            throw new IllegalArgumentException("sisoUnits: units [" + from + ", " + to + ") and stride " + stride
                    + " for " + m + " streams");
        }
        String units = "(units %d)";
        need("sisoUnits", "lamRe", lamRe, to, units, to, 0, 0);
        need("sisoUnits", "lamIm", lamIm, to, units, to, 0, 0);
        need("sisoUnits", "bRe", bRe, to, units, to, 0, 0);
        need("sisoUnits", "bIm", bIm, to, units, to, 0, 0);
        need("sisoUnits", "cRe", cRe, to, units, to, 0, 0);
        need("sisoUnits", "cImNeg", cImNeg, to, units, to, 0, 0);
        String xs = "(units %d, streams %d) at stride %d";
        need("sisoUnits", "xRe", xRe, span(to, m, stride), xs, to, m, stride);
        need("sisoUnits", "xIm", xIm, span(to, m, stride), xs, to, m, stride);
        need("sisoUnits", "zT", zT, (long) zo + m, "offset %d + %d streams", zo, m, 0);
        need("sisoUnits", "yT", yT, (long) zo + m, "offset %d + %d streams", zo, m, 0);
    }
}
