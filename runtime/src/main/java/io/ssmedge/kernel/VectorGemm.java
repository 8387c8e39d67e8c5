package io.ssmedge.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Register-blocked {@link Gemm} on the Java Vector API (incubator; loaded only through
 * {@link Gemm#vector()}). A 4-row × 2-vector tile of c stays in 8 accumulator registers for the whole
 * k loop: per p, two vectors of row p of b, four broadcasts of a[i..i+3, p], eight FMAs. Columns that
 * do not fill two vectors fall back to one-vector tiles, then to scalar code.
 */
final class VectorGemm implements Gemm {
    static final VectorGemm INSTANCE = new VectorGemm();
    private static final VectorSpecies<Float> SP = FloatVector.SPECIES_PREFERRED;
    private static final int L = SP.length();

    private VectorGemm() {
    }

    @Override
    public String name() {
        return "vector-" + SP.vectorBitSize();
    }

    @Override
    public void mulAdd(int m, int k, int n, float[] a, float[] b, float[] c) {
        int j = 0;
        for (; j + 2 * L <= n; j += 2 * L) {
            int i = 0;
            for (; i + 4 <= m; i += 4) {
                tile4x2(i, j, k, n, a, b, c);
            }
            for (; i < m; i++) {
                row(i, j, 2, k, n, a, b, c);
            }
        }
        for (; j + L <= n; j += L) {
            for (int i = 0; i < m; i++) {
                row(i, j, 1, k, n, a, b, c);
            }
        }
        if (j < n) {
            tailColumns(j, m, k, n, a, b, c);
        }
    }

    /** c[i..i+3, j..j+2L) += a[i..i+3, :] · b[:, j..j+2L). */
    private static void tile4x2(int i, int j, int k, int n, float[] a, float[] b, float[] c) {
        int c0 = i * n + j;
        int c1 = c0 + n;
        int c2 = c1 + n;
        int c3 = c2 + n;
        FloatVector s00 = FloatVector.fromArray(SP, c, c0);
        FloatVector s01 = FloatVector.fromArray(SP, c, c0 + L);
        FloatVector s10 = FloatVector.fromArray(SP, c, c1);
        FloatVector s11 = FloatVector.fromArray(SP, c, c1 + L);
        FloatVector s20 = FloatVector.fromArray(SP, c, c2);
        FloatVector s21 = FloatVector.fromArray(SP, c, c2 + L);
        FloatVector s30 = FloatVector.fromArray(SP, c, c3);
        FloatVector s31 = FloatVector.fromArray(SP, c, c3 + L);
        int a0 = i * k;
        int a1 = a0 + k;
        int a2 = a1 + k;
        int a3 = a2 + k;
        for (int p = 0, bp = j; p < k; p++, bp += n) {
            FloatVector b0 = FloatVector.fromArray(SP, b, bp);
            FloatVector b1 = FloatVector.fromArray(SP, b, bp + L);
            FloatVector v = FloatVector.broadcast(SP, a[a0 + p]);
            s00 = b0.fma(v, s00);
            s01 = b1.fma(v, s01);
            v = FloatVector.broadcast(SP, a[a1 + p]);
            s10 = b0.fma(v, s10);
            s11 = b1.fma(v, s11);
            v = FloatVector.broadcast(SP, a[a2 + p]);
            s20 = b0.fma(v, s20);
            s21 = b1.fma(v, s21);
            v = FloatVector.broadcast(SP, a[a3 + p]);
            s30 = b0.fma(v, s30);
            s31 = b1.fma(v, s31);
        }
        s00.intoArray(c, c0);
        s01.intoArray(c, c0 + L);
        s10.intoArray(c, c1);
        s11.intoArray(c, c1 + L);
        s20.intoArray(c, c2);
        s21.intoArray(c, c2 + L);
        s30.intoArray(c, c3);
        s31.intoArray(c, c3 + L);
    }

    /** c[i, j..j+vectors·L) += a[i, :] · b[:, j..j+vectors·L), vectors ∈ {1, 2}. */
    private static void row(int i, int j, int vectors, int k, int n, float[] a, float[] b, float[] c) {
        int c0 = i * n + j;
        int a0 = i * k;
        FloatVector s0 = FloatVector.fromArray(SP, c, c0);
        if (vectors == 2) {
            FloatVector s1 = FloatVector.fromArray(SP, c, c0 + L);
            for (int p = 0, bp = j; p < k; p++, bp += n) {
                FloatVector v = FloatVector.broadcast(SP, a[a0 + p]);
                s0 = FloatVector.fromArray(SP, b, bp).fma(v, s0);
                s1 = FloatVector.fromArray(SP, b, bp + L).fma(v, s1);
            }
            s1.intoArray(c, c0 + L);
        } else {
            for (int p = 0, bp = j; p < k; p++, bp += n) {
                s0 = FloatVector.fromArray(SP, b, bp).fma(FloatVector.broadcast(SP, a[a0 + p]), s0);
            }
        }
        s0.intoArray(c, c0);
    }

    /** Columns j0..n-1 (fewer than one vector) in scalar code. */
    private static void tailColumns(int j0, int m, int k, int n, float[] a, float[] b, float[] c) {
        for (int i = 0; i < m; i++) {
            int ci = i * n;
            int ai = i * k;
            for (int p = 0; p < k; p++) {
                float ap = a[ai + p];
                int bp = p * n;
                for (int j = j0; j < n; j++) {
                    c[ci + j] = Math.fma(ap, b[bp + j], c[ci + j]);
                }
            }
        }
    }
}
