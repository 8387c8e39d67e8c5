package io.ssmedge.kernel;

/**
 * The array-length checks at the entry of every {@link Kernels} method, shared by the scalar and Vector API
 * kernels: once per call (a few integer comparisons, nothing per element), so a wrong shape fails with a message
 * naming the kernel, the array and the lengths instead of an index error deep in a loop, or silently wrong rows.
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

    private static void nonNegative(String kernel, int... dims) {
        for (int d : dims) {
            if (d < 0) {
                throw new IllegalArgumentException(kernel + ": negative size " + d);
            }
        }
    }

    static void mulAdd(int m, int k, int n, float[] a, int lda, float[] b, int ldb, float[] c, int ldc) {
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
        nonNegative(kernel, m, n);
        need(kernel, "x", x, (long) m * n, "(m " + m + ", n " + n + ")");
        need(kernel, "y", y, (long) m * n, "(m " + m + ", n " + n + ")");
        need(kernel, "scale", p, n, "(n " + n + ")");
        if (q != null) {
            need(kernel, "bias", q, n, "(n " + n + ")");
        }
    }

    /**
     * Row-wise kernels over (m, n) blocks: every block holds at least m·n floats, the per-column vector
     * (named {@code vectorName}) n, unless it is null and {@code vectorOptional}.
     */
    static void blocks(String kernel, int m, int n, String vectorName, float[] vector, boolean vectorOptional,
                       String name1, float[] block1, String name2, float[] block2, String name3, float[] block3) {
        nonNegative(kernel, m, n);
        long floats = (long) m * n;
        if (block1 == null || block1.length < floats || block2 == null || block2.length < floats || block3 == null
                || block3.length < floats) { // the messages only on failure (no strings built per call)
            need(kernel, name1, block1, floats, "(m " + m + ", n " + n + ")");
            need(kernel, name2, block2, floats, "(m " + m + ", n " + n + ")");
            need(kernel, name3, block3, floats, "(m " + m + ", n " + n + ")");
        }
        if (vector != null || !vectorOptional) {
            need(kernel, vectorName, vector, n, "(n " + n + ")");
        }
    }

    /** Element-wise kernels: every array holds at least n floats. */
    static void elements(String kernel, int n, float[] x, float[] y, float[] z) {
        nonNegative(kernel, n);
        need(kernel, "x", x, n, "(n " + n + ")");
        need(kernel, "y", y, n, "(n " + n + ")");
        if (z != null) {
            need(kernel, "z", z, n, "(n " + n + ")");
        }
    }

    static void rotate(int m, int n, int stride, float[] lamRe, float[] lamIm, float[] x) {
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
