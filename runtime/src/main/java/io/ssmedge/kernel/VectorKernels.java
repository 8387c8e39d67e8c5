package io.ssmedge.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Register-blocked {@link Kernels} on the Java Vector API (incubator; loaded only through
 * {@link Kernels#vector()}). The product keeps a tile of c in registers for the whole k loop: an 8-row ×
 * 2-vector tile is 16 accumulators (per p: two vectors of row p of b, eight broadcasts of a[i..i+7, p],
 * sixteen FMAs); rows left over go through 4-row and single-row tiles, columns that do not fill two
 * vectors through one-vector tiles, the last partial vector through zero-padded scratch. The tiles are
 * written out by hand (one method per shape) because C2 keeps vectors in registers only as locals.
 */
final class VectorKernels implements Kernels {
    private static final VectorSpecies<Float> SP = FloatVector.SPECIES_PREFERRED;
    /**
     * The kernels the runtime uses: {@link #rotateMulAdd} rotates, then multiplies, unless
     * {@code -Dssmedge.kernel.fusedRotate=true}. The fused 8-row tile ({@link #tile8x2rot}) is 5–7 % faster in the
     * kernel benchmark (BENCHMARKS.md, InterleavedRatios), but in the daemon C2 compiled it with its sixteen
     * accumulators boxed: JFR measured 2 GB/s of vector objects allocated in its FMA loop, so the worker spent 40 %
     * more CPU and the young collections came every few hundred ms (issue #12, "Kernels in the daemon").
     */
    static final VectorKernels INSTANCE = new VectorKernels(Boolean.getBoolean("ssmedge.kernel.fusedRotate"));
    /** With the fused rotation always on (tests and benchmarks of that path). */
    static final VectorKernels FUSED = new VectorKernels(true);
    private static final int L = SP.length();
    /** Per-thread [0] (k, L) and [1] (m, L) scratch for the column tail; grows once, then reused. */
    private static final ThreadLocal<float[][]> SCRATCH = ThreadLocal.withInitial(() -> new float[][]{new float[0], new float[0]});

    private final boolean fusedRotate; // rotateMulAdd through tile8x2rot when a row is two vectors

    private VectorKernels(boolean fusedRotate) {
        this.fusedRotate = fusedRotate;
    }

    @Override
    public String name() {
        return "vector-" + SP.vectorBitSize();
    }

    @Override
    public void mulAdd(int m, int k, int n, float[] a, int lda, float[] b, int ldb, float[] c, int ldc) {
        KernelArgs.mulAdd(m, k, n, a, lda, b, ldb, c, ldc);
        product(true, m, k, n, a, lda, b, ldb, c, ldc);
    }

    @Override
    public void mul(int m, int k, int n, float[] a, int lda, float[] b, int ldb, float[] c, int ldc) {
        KernelArgs.mulAdd(m, k, n, a, lda, b, ldb, c, ldc);
        product(false, m, k, n, a, lda, b, ldb, c, ldc);
    }

    /**
     * c = a·b, then the bias added with rows inside column vectors (instead of copying the bias into every row first:
     * one short copy per row cost as much as the encoder's product).
     */
    @Override
    public void affine(int m, int k, int n, float[] a, float[] b, float[] bias, float[] c) {
        KernelArgs.mulAdd(m, k, n, a, k, b, n, c, n);
        product(false, m, k, n, a, k, b, n, c, n);
        if (bias == null) {
            return;
        }
        KernelArgs.elements("affine", n, bias, bias, null);
        int vn = n - n % L;
        for (int j = 0; j < vn; j += L) {
            FloatVector bj = FloatVector.fromArray(SP, bias, j);
            for (int o = j, e = m * n; o < e; o += n) {
                FloatVector.fromArray(SP, c, o).add(bj).intoArray(c, o);
            }
        }
        for (int i = 0; i < m; i++) {
            for (int j = vn, o = i * n; j < n; j++) {
                c[o + j] += bias[j];
            }
        }
    }

    /** c = a·b, or c += a·b when {@code acc}: the tiles start from zero or from c. */
    private static void product(boolean acc, int m, int k, int n, float[] a, int lda, float[] b, int ldb, float[] c,
                                int ldc) {
        int j = 0;
        for (; j + 2 * L <= n; j += 2 * L) {
            strip2(acc, j, m, k, a, lda, b, ldb, c, ldc);
        }
        for (; j + L <= n; j += L) {
            strip1(acc, j, m, k, a, lda, b, ldb, c, ldc);
        }
        if (j < n) {
            tail(acc, j, m, k, n, a, lda, b, ldb, c, ldc);
        }
    }

    /** L zeros: the source of a tile's accumulators when c is overwritten. */
    private static final float[] ZEROS = new float[L];

    /**
     * A tile's accumulator: c's values (c += a·b) or zero (c = a·b), as one load whose array and offset are chosen
     * (a vector chosen by a branch, or a blend with a computed mask, keeps C2 from removing the vector boxes on
     * JDK 17: the step then allocates).
     */
    private static FloatVector load(boolean acc, float[] c, int o) {
        return FloatVector.fromArray(SP, acc ? c : ZEROS, acc ? o : 0);
    }

    /**
     * Columns j..n-1 (fewer than L): copied into zero-padded per-thread scratch of width L, run through
     * the one-vector kernel there, copied back. (Masked vector loads are not intrinsified on JDK 17.)
     */
    private static void tail(boolean acc, int j, int m, int k, int n, float[] a, int lda, float[] b, int ldb, float[] c, int ldc) {
        int w = n - j;
        float[][] sc = SCRATCH.get();
        if (sc[0].length < k * L) {
            sc[0] = new float[k * L];
        }
        if (sc[1].length < m * L) {
            sc[1] = new float[m * L];
        }
        float[] bt = sc[0];
        float[] ct = sc[1];
        for (int p = 0; p < k; p++) {
            System.arraycopy(b, p * ldb + j, bt, p * L, w);
        }
        for (int i = 0; i < m; i++) {
            if (acc) {
                System.arraycopy(c, i * ldc + j, ct, i * L, w);
            } else {
                java.util.Arrays.fill(ct, i * L, i * L + w, 0f);
            }
        }
        strip1(true, 0, m, k, a, lda, bt, L, ct, L);
        for (int i = 0; i < m; i++) {
            System.arraycopy(ct, i * L, c, i * ldc + j, w);
        }
    }

    /** Columns j..j+2L of rows 0..m-1: 8-row tiles, then 4-row tiles, then single rows. */
    private static void strip2(boolean acc, int j, int m, int k, float[] a, int lda, float[] b, int ldb, float[] c, int ldc) {
        int i = 0;
        for (; i + 8 <= m; i += 8) {
            tile8x2(acc, i, j, k, a, lda, b, ldb, c, ldc);
        }
        for (; i + 4 <= m; i += 4) {
            tile4x2(acc, i, j, k, a, lda, b, ldb, c, ldc);
        }
        for (; i < m; i++) {
            tile1x2(acc, i, j, k, a, lda, b, ldb, c, ldc);
        }
    }

    /** Columns j..j+L of rows 0..m-1: 8-row tiles, then 4-row tiles, then single rows. */
    private static void strip1(boolean acc, int j, int m, int k, float[] a, int lda, float[] b, int ldb, float[] c, int ldc) {
        int i = 0;
        for (; i + 8 <= m; i += 8) {
            tile8x1(acc, i, j, k, a, lda, b, ldb, c, ldc);
        }
        for (; i + 4 <= m; i += 4) {
            tile4x1(acc, i, j, k, a, lda, b, ldb, c, ldc);
        }
        for (; i < m; i++) {
            tile1x1(acc, i, j, k, a, lda, b, ldb, c, ldc);
        }
    }

    /** c[i..i+7, j..j+2L) += a[i..i+7, :] · b[:, j..j+2L): 16 accumulators. */
    private static void tile8x2(boolean acc, int i, int j, int k, float[] a, int lda, float[] b, int ldb, float[] c, int ldc) {
        int c0 = i * ldc + j;
        int c1 = c0 + ldc;
        int c2 = c1 + ldc;
        int c3 = c2 + ldc;
        int c4 = c3 + ldc;
        int c5 = c4 + ldc;
        int c6 = c5 + ldc;
        int c7 = c6 + ldc;
        FloatVector s00 = load(acc, c, c0);
        FloatVector s01 = load(acc, c, c0 + L);
        FloatVector s10 = load(acc, c, c1);
        FloatVector s11 = load(acc, c, c1 + L);
        FloatVector s20 = load(acc, c, c2);
        FloatVector s21 = load(acc, c, c2 + L);
        FloatVector s30 = load(acc, c, c3);
        FloatVector s31 = load(acc, c, c3 + L);
        FloatVector s40 = load(acc, c, c4);
        FloatVector s41 = load(acc, c, c4 + L);
        FloatVector s50 = load(acc, c, c5);
        FloatVector s51 = load(acc, c, c5 + L);
        FloatVector s60 = load(acc, c, c6);
        FloatVector s61 = load(acc, c, c6 + L);
        FloatVector s70 = load(acc, c, c7);
        FloatVector s71 = load(acc, c, c7 + L);
        int a0 = i * lda;
        int a1 = a0 + lda;
        int a2 = a1 + lda;
        int a3 = a2 + lda;
        int a4 = a3 + lda;
        int a5 = a4 + lda;
        int a6 = a5 + lda;
        int a7 = a6 + lda;
        for (int p = 0, bp = j; p < k; p++, bp += ldb) {
            FloatVector b0 = FloatVector.fromArray(SP, b, bp);
            FloatVector b1 = FloatVector.fromArray(SP, b, bp + L);
            FloatVector v0 = FloatVector.broadcast(SP, a[a0 + p]);
            s00 = b0.fma(v0, s00);
            s01 = b1.fma(v0, s01);
            FloatVector v1 = FloatVector.broadcast(SP, a[a1 + p]);
            s10 = b0.fma(v1, s10);
            s11 = b1.fma(v1, s11);
            FloatVector v2 = FloatVector.broadcast(SP, a[a2 + p]);
            s20 = b0.fma(v2, s20);
            s21 = b1.fma(v2, s21);
            FloatVector v3 = FloatVector.broadcast(SP, a[a3 + p]);
            s30 = b0.fma(v3, s30);
            s31 = b1.fma(v3, s31);
            FloatVector v4 = FloatVector.broadcast(SP, a[a4 + p]);
            s40 = b0.fma(v4, s40);
            s41 = b1.fma(v4, s41);
            FloatVector v5 = FloatVector.broadcast(SP, a[a5 + p]);
            s50 = b0.fma(v5, s50);
            s51 = b1.fma(v5, s51);
            FloatVector v6 = FloatVector.broadcast(SP, a[a6 + p]);
            s60 = b0.fma(v6, s60);
            s61 = b1.fma(v6, s61);
            FloatVector v7 = FloatVector.broadcast(SP, a[a7 + p]);
            s70 = b0.fma(v7, s70);
            s71 = b1.fma(v7, s71);
        }
        s00.intoArray(c, c0);
        s01.intoArray(c, c0 + L);
        s10.intoArray(c, c1);
        s11.intoArray(c, c1 + L);
        s20.intoArray(c, c2);
        s21.intoArray(c, c2 + L);
        s30.intoArray(c, c3);
        s31.intoArray(c, c3 + L);
        s40.intoArray(c, c4);
        s41.intoArray(c, c4 + L);
        s50.intoArray(c, c5);
        s51.intoArray(c, c5 + L);
        s60.intoArray(c, c6);
        s61.intoArray(c, c6 + L);
        s70.intoArray(c, c7);
        s71.intoArray(c, c7 + L);
    }

    /**
     * {@link Kernels#rotateMulAdd}: with fusion on ({@link #FUSED}; {@link #INSTANCE} only with the property) and a
     * row of exactly two vectors of states (n = L, stride 2L), 8-row tiles of {@link #tile8x2} whose accumulators start from the rotated states (the same operations as {@link #rotate}), so
     * the states are read and written once; rows left over are rotated and multiplied one at a time. Otherwise
     * rotate, then the product.
     */
    @Override
    public void rotateMulAdd(int m, int k, int n, int stride, float[] lamRe, float[] lamIm, float[] z, int ldz,
                             float[] bT, float[] x) {
        if (n != L || stride != 2 * L || !fusedRotate) {
            Kernels.super.rotateMulAdd(m, k, n, stride, lamRe, lamIm, z, ldz, bT, x);
            return;
        }
        KernelArgs.rotate(m, n, stride, lamRe, lamIm, x);
        KernelArgs.mulAdd(m, k, stride, z, ldz, bT, stride, x, stride);
        int i = 0;
        for (; i + 8 <= m; i += 8) {
            tile8x2rot(i, k, z, ldz, bT, stride, x, stride, lamRe, lamIm);
        }
        for (; i < m; i++) {
            ScalarKernels.rotateTail(0, n, i * stride, lamRe, lamIm, x);
            tile1x2(true, i, 0, k, z, ldz, bT, stride, x, stride);
        }
    }

    /** {@link #tile8x2} with j = 0 and c += a·b, the accumulators starting from λ̄ ⊙ c (c's row: L Re, L Im). */
    private static void tile8x2rot(int i, int k, float[] a, int lda, float[] b, int ldb, float[] c, int ldc,
                                   float[] lamRe, float[] lamIm) {
        FloatVector lr = FloatVector.fromArray(SP, lamRe, 0);
        FloatVector li = FloatVector.fromArray(SP, lamIm, 0);
        int c0 = i * ldc;
        int c1 = c0 + ldc;
        int c2 = c1 + ldc;
        int c3 = c2 + ldc;
        int c4 = c3 + ldc;
        int c5 = c4 + ldc;
        int c6 = c5 + ldc;
        int c7 = c6 + ldc;
        FloatVector r0 = FloatVector.fromArray(SP, c, c0);
        FloatVector m0 = FloatVector.fromArray(SP, c, c0 + L);
        FloatVector s00 = lr.mul(r0).sub(li.mul(m0));
        FloatVector s01 = lr.mul(m0).add(li.mul(r0));
        FloatVector r1 = FloatVector.fromArray(SP, c, c1);
        FloatVector m1 = FloatVector.fromArray(SP, c, c1 + L);
        FloatVector s10 = lr.mul(r1).sub(li.mul(m1));
        FloatVector s11 = lr.mul(m1).add(li.mul(r1));
        FloatVector r2 = FloatVector.fromArray(SP, c, c2);
        FloatVector m2 = FloatVector.fromArray(SP, c, c2 + L);
        FloatVector s20 = lr.mul(r2).sub(li.mul(m2));
        FloatVector s21 = lr.mul(m2).add(li.mul(r2));
        FloatVector r3 = FloatVector.fromArray(SP, c, c3);
        FloatVector m3 = FloatVector.fromArray(SP, c, c3 + L);
        FloatVector s30 = lr.mul(r3).sub(li.mul(m3));
        FloatVector s31 = lr.mul(m3).add(li.mul(r3));
        FloatVector r4 = FloatVector.fromArray(SP, c, c4);
        FloatVector m4 = FloatVector.fromArray(SP, c, c4 + L);
        FloatVector s40 = lr.mul(r4).sub(li.mul(m4));
        FloatVector s41 = lr.mul(m4).add(li.mul(r4));
        FloatVector r5 = FloatVector.fromArray(SP, c, c5);
        FloatVector m5 = FloatVector.fromArray(SP, c, c5 + L);
        FloatVector s50 = lr.mul(r5).sub(li.mul(m5));
        FloatVector s51 = lr.mul(m5).add(li.mul(r5));
        FloatVector r6 = FloatVector.fromArray(SP, c, c6);
        FloatVector m6 = FloatVector.fromArray(SP, c, c6 + L);
        FloatVector s60 = lr.mul(r6).sub(li.mul(m6));
        FloatVector s61 = lr.mul(m6).add(li.mul(r6));
        FloatVector r7 = FloatVector.fromArray(SP, c, c7);
        FloatVector m7 = FloatVector.fromArray(SP, c, c7 + L);
        FloatVector s70 = lr.mul(r7).sub(li.mul(m7));
        FloatVector s71 = lr.mul(m7).add(li.mul(r7));
        int a0 = i * lda;
        int a1 = a0 + lda;
        int a2 = a1 + lda;
        int a3 = a2 + lda;
        int a4 = a3 + lda;
        int a5 = a4 + lda;
        int a6 = a5 + lda;
        int a7 = a6 + lda;
        for (int p = 0, bp = 0; p < k; p++, bp += ldb) {
            FloatVector b0 = FloatVector.fromArray(SP, b, bp);
            FloatVector b1 = FloatVector.fromArray(SP, b, bp + L);
            FloatVector v0 = FloatVector.broadcast(SP, a[a0 + p]);
            s00 = b0.fma(v0, s00);
            s01 = b1.fma(v0, s01);
            FloatVector v1 = FloatVector.broadcast(SP, a[a1 + p]);
            s10 = b0.fma(v1, s10);
            s11 = b1.fma(v1, s11);
            FloatVector v2 = FloatVector.broadcast(SP, a[a2 + p]);
            s20 = b0.fma(v2, s20);
            s21 = b1.fma(v2, s21);
            FloatVector v3 = FloatVector.broadcast(SP, a[a3 + p]);
            s30 = b0.fma(v3, s30);
            s31 = b1.fma(v3, s31);
            FloatVector v4 = FloatVector.broadcast(SP, a[a4 + p]);
            s40 = b0.fma(v4, s40);
            s41 = b1.fma(v4, s41);
            FloatVector v5 = FloatVector.broadcast(SP, a[a5 + p]);
            s50 = b0.fma(v5, s50);
            s51 = b1.fma(v5, s51);
            FloatVector v6 = FloatVector.broadcast(SP, a[a6 + p]);
            s60 = b0.fma(v6, s60);
            s61 = b1.fma(v6, s61);
            FloatVector v7 = FloatVector.broadcast(SP, a[a7 + p]);
            s70 = b0.fma(v7, s70);
            s71 = b1.fma(v7, s71);
        }
        s00.intoArray(c, c0);
        s01.intoArray(c, c0 + L);
        s10.intoArray(c, c1);
        s11.intoArray(c, c1 + L);
        s20.intoArray(c, c2);
        s21.intoArray(c, c2 + L);
        s30.intoArray(c, c3);
        s31.intoArray(c, c3 + L);
        s40.intoArray(c, c4);
        s41.intoArray(c, c4 + L);
        s50.intoArray(c, c5);
        s51.intoArray(c, c5 + L);
        s60.intoArray(c, c6);
        s61.intoArray(c, c6 + L);
        s70.intoArray(c, c7);
        s71.intoArray(c, c7 + L);
    }

    /** c[i..i+3, j..j+2L) += a[i..i+3, :] · b[:, j..j+2L): 8 accumulators. */
    private static void tile4x2(boolean acc, int i, int j, int k, float[] a, int lda, float[] b, int ldb, float[] c, int ldc) {
        int c0 = i * ldc + j;
        int c1 = c0 + ldc;
        int c2 = c1 + ldc;
        int c3 = c2 + ldc;
        FloatVector s00 = load(acc, c, c0);
        FloatVector s01 = load(acc, c, c0 + L);
        FloatVector s10 = load(acc, c, c1);
        FloatVector s11 = load(acc, c, c1 + L);
        FloatVector s20 = load(acc, c, c2);
        FloatVector s21 = load(acc, c, c2 + L);
        FloatVector s30 = load(acc, c, c3);
        FloatVector s31 = load(acc, c, c3 + L);
        int a0 = i * lda;
        int a1 = a0 + lda;
        int a2 = a1 + lda;
        int a3 = a2 + lda;
        for (int p = 0, bp = j; p < k; p++, bp += ldb) {
            FloatVector b0 = FloatVector.fromArray(SP, b, bp);
            FloatVector b1 = FloatVector.fromArray(SP, b, bp + L);
            FloatVector v0 = FloatVector.broadcast(SP, a[a0 + p]);
            s00 = b0.fma(v0, s00);
            s01 = b1.fma(v0, s01);
            FloatVector v1 = FloatVector.broadcast(SP, a[a1 + p]);
            s10 = b0.fma(v1, s10);
            s11 = b1.fma(v1, s11);
            FloatVector v2 = FloatVector.broadcast(SP, a[a2 + p]);
            s20 = b0.fma(v2, s20);
            s21 = b1.fma(v2, s21);
            FloatVector v3 = FloatVector.broadcast(SP, a[a3 + p]);
            s30 = b0.fma(v3, s30);
            s31 = b1.fma(v3, s31);
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

    /** c[i, j..j+2L) += a[i, :] · b[:, j..j+2L). */
    private static void tile1x2(boolean acc, int i, int j, int k, float[] a, int lda, float[] b, int ldb, float[] c, int ldc) {
        int c0 = i * ldc + j;
        FloatVector s00 = load(acc, c, c0);
        FloatVector s01 = load(acc, c, c0 + L);
        int a0 = i * lda;
        for (int p = 0, bp = j; p < k; p++, bp += ldb) {
            FloatVector b0 = FloatVector.fromArray(SP, b, bp);
            FloatVector b1 = FloatVector.fromArray(SP, b, bp + L);
            FloatVector v0 = FloatVector.broadcast(SP, a[a0 + p]);
            s00 = b0.fma(v0, s00);
            s01 = b1.fma(v0, s01);
        }
        s00.intoArray(c, c0);
        s01.intoArray(c, c0 + L);
    }

    /** c[i..i+7, j..j+L) += a[i..i+7, :] · b[:, j..j+L): 8 accumulators. */
    private static void tile8x1(boolean acc, int i, int j, int k, float[] a, int lda, float[] b, int ldb, float[] c, int ldc) {
        int c0 = i * ldc + j;
        int c1 = c0 + ldc;
        int c2 = c1 + ldc;
        int c3 = c2 + ldc;
        int c4 = c3 + ldc;
        int c5 = c4 + ldc;
        int c6 = c5 + ldc;
        int c7 = c6 + ldc;
        FloatVector s00 = load(acc, c, c0);
        FloatVector s10 = load(acc, c, c1);
        FloatVector s20 = load(acc, c, c2);
        FloatVector s30 = load(acc, c, c3);
        FloatVector s40 = load(acc, c, c4);
        FloatVector s50 = load(acc, c, c5);
        FloatVector s60 = load(acc, c, c6);
        FloatVector s70 = load(acc, c, c7);
        int a0 = i * lda;
        int a1 = a0 + lda;
        int a2 = a1 + lda;
        int a3 = a2 + lda;
        int a4 = a3 + lda;
        int a5 = a4 + lda;
        int a6 = a5 + lda;
        int a7 = a6 + lda;
        for (int p = 0, bp = j; p < k; p++, bp += ldb) {
            FloatVector b0 = FloatVector.fromArray(SP, b, bp);
            s00 = b0.fma(FloatVector.broadcast(SP, a[a0 + p]), s00);
            s10 = b0.fma(FloatVector.broadcast(SP, a[a1 + p]), s10);
            s20 = b0.fma(FloatVector.broadcast(SP, a[a2 + p]), s20);
            s30 = b0.fma(FloatVector.broadcast(SP, a[a3 + p]), s30);
            s40 = b0.fma(FloatVector.broadcast(SP, a[a4 + p]), s40);
            s50 = b0.fma(FloatVector.broadcast(SP, a[a5 + p]), s50);
            s60 = b0.fma(FloatVector.broadcast(SP, a[a6 + p]), s60);
            s70 = b0.fma(FloatVector.broadcast(SP, a[a7 + p]), s70);
        }
        s00.intoArray(c, c0);
        s10.intoArray(c, c1);
        s20.intoArray(c, c2);
        s30.intoArray(c, c3);
        s40.intoArray(c, c4);
        s50.intoArray(c, c5);
        s60.intoArray(c, c6);
        s70.intoArray(c, c7);
    }

    /** c[i..i+3, j..j+L) += a[i..i+3, :] · b[:, j..j+L): 4 accumulators. */
    private static void tile4x1(boolean acc, int i, int j, int k, float[] a, int lda, float[] b, int ldb, float[] c, int ldc) {
        int c0 = i * ldc + j;
        int c1 = c0 + ldc;
        int c2 = c1 + ldc;
        int c3 = c2 + ldc;
        FloatVector s00 = load(acc, c, c0);
        FloatVector s10 = load(acc, c, c1);
        FloatVector s20 = load(acc, c, c2);
        FloatVector s30 = load(acc, c, c3);
        int a0 = i * lda;
        int a1 = a0 + lda;
        int a2 = a1 + lda;
        int a3 = a2 + lda;
        for (int p = 0, bp = j; p < k; p++, bp += ldb) {
            FloatVector b0 = FloatVector.fromArray(SP, b, bp);
            s00 = b0.fma(FloatVector.broadcast(SP, a[a0 + p]), s00);
            s10 = b0.fma(FloatVector.broadcast(SP, a[a1 + p]), s10);
            s20 = b0.fma(FloatVector.broadcast(SP, a[a2 + p]), s20);
            s30 = b0.fma(FloatVector.broadcast(SP, a[a3 + p]), s30);
        }
        s00.intoArray(c, c0);
        s10.intoArray(c, c1);
        s20.intoArray(c, c2);
        s30.intoArray(c, c3);
    }

    /** c[i, j..j+L) += a[i, :] · b[:, j..j+L). */
    private static void tile1x1(boolean acc, int i, int j, int k, float[] a, int lda, float[] b, int ldb, float[] c, int ldc) {
        int c0 = i * ldc + j;
        FloatVector s00 = load(acc, c, c0);
        int a0 = i * lda;
        for (int p = 0, bp = j; p < k; p++, bp += ldb) {
            FloatVector b0 = FloatVector.fromArray(SP, b, bp);
            s00 = b0.fma(FloatVector.broadcast(SP, a[a0 + p]), s00);
        }
        s00.intoArray(c, c0);
    }

    // ---- row-wise element operations: full vectors, then a scalar tail ----

    /**
     * LayerNorm with the statistics in one pass over each row, shifted by the row's first value K (so that
     * float sums do not cancel when the mean is large against the spread; the shift changes neither):
     * <pre>
     *   d = x − K,  μ = K + Σd / n,  σ² = max(0, Σd² − (Σd)²/n) / n,  y = (x − μ)·(σ² + ε)^−½·scale + bias
     * </pre>
     * The two horizontal sums are independent, so they overlap (JDK 17 adds the lanes of a float vector one by
     * one, which dominates short rows; two-pass statistics wait for the first sum before starting the second).
     */
    @Override
    public void layerNorm(int m, float[] x, int n, float[] scale, float[] bias, float eps, float[] y) {
        KernelArgs.rows("layerNorm", m, n, x, y, scale, bias);
        int mg = LaneSums.SUPPORTED && L == LaneSums.L && n > 0 && n % L == 0 ? m - m % L : 0;
        if (mg > 0) {
            float[] sc = laneScratch(2 * mg);
            int st = LANE_FLOATS; // then μ of rows 0..mg-1, then 1/σ
            for (int i = 0; i < mg; i += L) {
                layerNormStats(i, x, n, eps, sc, st, mg);
            }
            // (x − μ)·(1/σ)·scale + bias: column vector outer (scale, bias in registers), rows inner
            for (int j = 0; j < n; j += L) {
                FloatVector sj = FloatVector.fromArray(SP, scale, j);
                FloatVector bj = FloatVector.fromArray(SP, bias, j);
                for (int i = 0, o = j; i < mg; i++, o += n) {
                    FloatVector v = FloatVector.fromArray(SP, x, o).sub(sc[st + i]).mul(sc[st + mg + i]);
                    v.fma(sj, bj).intoArray(y, o);
                }
            }
        }
        for (int i = mg; i < m && n > 0; i++) {
            layerNormRow(i, x, n, scale, bias, eps, y);
        }
    }

    /** Floats of the {@link LaneSums} part of the lane scratch: two sets of L vectors, then four vectors. */
    private static final int LANE_FLOATS = 2 * L * L + 4 * L;
    /** Per-thread lane scratch: {@link #LANE_FLOATS}, then per-row values; grows once, then reused. */
    private static final ThreadLocal<float[][]> LANE_SCRATCH = ThreadLocal.withInitial(() -> new float[][]{new float[LANE_FLOATS]});

    private static float[] laneScratch(int rowFloats) {
        float[][] holder = LANE_SCRATCH.get();
        if (holder[0].length < LANE_FLOATS + rowFloats) {
            holder[0] = new float[LANE_FLOATS + rowFloats];
        }
        return holder[0];
    }

    /**
     * LayerNorm statistics of rows i0..i0+L-1 (n a multiple of L): each row's shifted sums as one vector of partial
     * sums, the L rows' totals by {@link LaneSums}, then μ and 1/σ of all L rows in one vector pass (the formulas of
     * {@link #layerNormRow}, 1/√ in float), written in row order to sc[st + i0 ..] and sc[st + mg + i0 ..].
     */
    private static void layerNormStats(int i0, float[] x, int n, float eps, float[] sc, int st, int mg) {
        final int q = L * L;
        final int[] lane = LaneSums.LANE;
        for (int r = 0; r < L; r++) {
            int o = (i0 + r) * n;
            float k = x[o];
            FloatVector vk = FloatVector.broadcast(SP, k);
            FloatVector d = FloatVector.fromArray(SP, x, o).sub(vk);
            FloatVector s1 = d;
            FloatVector s2 = d.mul(d);
            if (n == 2 * L) { // rows of two vectors (s5-skab): the same sums without the loop
                d = FloatVector.fromArray(SP, x, o + L).sub(vk);
                s1 = s1.add(d);
                s2 = d.fma(d, s2);
            } else {
                for (int j = L; j < n; j += L) {
                    d = FloatVector.fromArray(SP, x, o + j).sub(vk);
                    s1 = s1.add(d);
                    s2 = d.fma(d, s2);
                }
            }
            s1.intoArray(sc, r * L);
            s2.intoArray(sc, q + r * L);
            sc[2 * q + lane[r]] = k;
        }
        LaneSums.reduce(sc, 0);
        LaneSums.reduce(sc, q);
        FloatVector sum = FloatVector.fromArray(SP, sc, 0);
        FloatVector sq = FloatVector.fromArray(SP, sc, q);
        float fn = n;
        FloatVector dm = sum.div(fn);
        FloatVector mean = FloatVector.fromArray(SP, sc, 2 * q).add(dm);
        FloatVector var = sq.sub(sum.mul(dm)).div(fn).max(0f);
        FloatVector inv = FloatVector.broadcast(SP, 1f).div(var.add(eps).sqrt());
        mean.rearrange(LaneSums.ROW_ORDER).intoArray(sc, st + i0);
        inv.rearrange(LaneSums.ROW_ORDER).intoArray(sc, st + mg + i0);
    }

    /**
     * LayerNorm of row i with the statistics in one pass over the row, shifted by the row's first value K (so that
     * float sums do not cancel when the mean is large against the spread; the shift changes neither):
     * <pre>
     *   d = x − K,  μ = K + Σd / n,  σ² = max(0, Σd² − (Σd)²/n) / n,  y = (x − μ)·(σ² + ε)^−½·scale + bias
     * </pre>
     * The two horizontal sums are independent, so they overlap (JDK 17 adds the lanes of a float vector one by
     * one, which dominates short rows; two-pass statistics wait for the first sum before starting the second).
     */
    private static void layerNormRow(int i, float[] x, int n, float[] scale, float[] bias, float eps, float[] y) {
        int vn = n - n % L;
        int o = i * n;
        float k = x[o];
        FloatVector vk = FloatVector.broadcast(SP, k);
        FloatVector s1 = FloatVector.zero(SP);
        FloatVector s2 = FloatVector.zero(SP);
        for (int j = 0; j < vn; j += L) {
            FloatVector d = FloatVector.fromArray(SP, x, o + j).sub(vk);
            s1 = s1.add(d);
            s2 = d.fma(d, s2);
        }
        float sum = s1.reduceLanes(VectorOperators.ADD);
        float sq = s2.reduceLanes(VectorOperators.ADD);
        for (int j = vn; j < n; j++) {
            float d = x[o + j] - k;
            sum += d;
            sq += d * d;
        }
        float dm = sum / n;
        float mean = k + dm;
        float var = Math.max(0f, (sq - sum * dm) / n);
        float inv = (float) (1.0 / Math.sqrt(var + eps));
        FloatVector vmean = FloatVector.broadcast(SP, mean);
        FloatVector vi = FloatVector.broadcast(SP, inv);
        for (int j = 0; j < vn; j += L) {
            FloatVector v = FloatVector.fromArray(SP, x, o + j).sub(vmean).mul(vi);
            v.fma(FloatVector.fromArray(SP, scale, j), FloatVector.fromArray(SP, bias, j)).intoArray(y, o + j);
        }
        for (int j = vn; j < n; j++) {
            y[o + j] = (x[o + j] - mean) * inv * scale[j] + bias[j];
        }
    }

    /**
     * The two-class head: rows in groups of L when n is a multiple of L (the dot products' lane sums by
     * {@link LaneSums}, softplus with the Vector API's exp and log1p), other rows as {@link ScalarKernels} does.
     */
    @Override
    public void binaryLogSoftmax(int m, int n, float[] f, float[] w, float b, float[] logp) {
        KernelArgs.binaryHead(m, n, f, w, logp);
        int i = 0;
        if (LaneSums.SUPPORTED && L == LaneSums.L && n > 0 && n % L == 0) {
            float[] sc = laneScratch(0);
            final int q = L * L;
            for (; i + L <= m; i += L) {
                for (int r = 0; r < L; r++) {
                    int o = (i + r) * n;
                    FloatVector v = FloatVector.fromArray(SP, f, o).mul(FloatVector.fromArray(SP, w, 0));
                    if (n == 2 * L) { // rows of two vectors: without the loop (as in layerNormStats)
                        v = FloatVector.fromArray(SP, f, o + L).fma(FloatVector.fromArray(SP, w, L), v);
                    } else {
                        for (int j = L; j < n; j += L) {
                            v = FloatVector.fromArray(SP, f, o + j).fma(FloatVector.fromArray(SP, w, j), v);
                        }
                    }
                    v.intoArray(sc, r * L);
                }
                LaneSums.reduce(sc, 0);
                FloatVector t = FloatVector.fromArray(SP, sc, 0).add(b);
                FloatVector sp = t.max(0f).add(t.abs().neg().lanewise(VectorOperators.EXP).lanewise(VectorOperators.LOG1P));
                sp.neg().rearrange(LaneSums.ROW_ORDER).intoArray(sc, q);
                t.sub(sp).rearrange(LaneSums.ROW_ORDER).intoArray(sc, q + L);
                for (int r = 0, o = 2 * i; r < L; r++, o += 2) {
                    logp[o] = sc[q + r];
                    logp[o + 1] = sc[q + L + r];
                }
            }
        }
        ScalarKernels.binaryLogSoftmaxRows(i, m, n, f, w, b, logp);
    }

    @Override
    public void scaleShift(int m, float[] x, int n, float[] a, float[] b, float[] y) {
        KernelArgs.rows("scaleShift", m, n, x, y, a, b);
        int vn = n - n % L;
        for (int i = 0; i < m; i++) {
            int o = i * n;
            for (int j = 0; j < vn; j += L) {
                FloatVector v = FloatVector.fromArray(SP, x, o + j).mul(FloatVector.fromArray(SP, a, j));
                if (b != null) {
                    v = v.add(FloatVector.fromArray(SP, b, j));
                }
                v.intoArray(y, o + j);
            }
            for (int j = vn; j < n; j++) {
                y[o + j] = a[j] * x[o + j] + (b == null ? 0f : b[j]);
            }
        }
    }

    @Override
    public void rotate(int m, int n, int stride, float[] lamRe, float[] lamIm, float[] x) {
        KernelArgs.rotate(m, n, stride, lamRe, lamIm, x);
        int vn = n - n % L;
        for (int s = 0; s < m; s++) {
            int o = s * stride;
            for (int i = 0; i < vn; i += L) {
                FloatVector lr = FloatVector.fromArray(SP, lamRe, i);
                FloatVector li = FloatVector.fromArray(SP, lamIm, i);
                FloatVector xr = FloatVector.fromArray(SP, x, o + i);
                FloatVector xi = FloatVector.fromArray(SP, x, o + n + i);
                lr.mul(xr).sub(li.mul(xi)).intoArray(x, o + i);
                lr.mul(xi).add(li.mul(xr)).intoArray(x, o + n + i);
            }
            ScalarKernels.rotateTail(vn, n, o, lamRe, lamIm, x);
        }
    }

    // ---- nonlinearities: the rational approximations of FastMath, one vector at a time ----
    //
    // No FloatVector crosses a method boundary here: each helper loads its inputs from arrays and stores its result.
    // C2 inlines a helper that takes or returns vectors only if the helper has not already been compiled on its own
    // into a large method; when it has not been inlined, every vector passed is boxed (an allocation per vector and a
    // step several times slower), which happened in some JVM runs and not in others. So the tanh polynomial is
    // written out in the two helpers that need it.

    /** ±tanh's and erf's clamps, as vectors (the blend sources of the clamps below). */
    private static final FloatVector TANH_HI = FloatVector.broadcast(SP, FastMath.TANH_CLAMP);
    private static final FloatVector TANH_LO = FloatVector.broadcast(SP, -FastMath.TANH_CLAMP);
    private static final FloatVector ERF_HI = FloatVector.broadcast(SP, 4f);
    private static final FloatVector ERF_LO = FloatVector.broadcast(SP, -4f);

    /**
     * y[o, o + L) = gelu_tanh(x[i, i + L)) = ½·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))), tanh as {@link FastMath#tanh}:
     * its argument clamped to ±7.905, then c·p(c²)/q(c²). The clamp is two compares and blends: the same values as
     * max/min here (NaN stays NaN, the bounds are not ±0), but Vector API max/min follow Math.max's NaN and −0 rules,
     * which C2 expands into several instructions each on x86.
     */
    private static void geluTanhAt(float[] x, int i, float[] y, int o) {
        FloatVector v = FloatVector.fromArray(SP, x, i);
        FloatVector u = v.mul(v).fma(0.044715f, 1f).mul(v).mul(FastMath.SQRT_2_OVER_PI);
        FloatVector c = u.blend(TANH_HI, u.compare(VectorOperators.GT, TANH_HI))
                .blend(TANH_LO, u.compare(VectorOperators.LT, TANH_LO));
        FloatVector x2 = c.mul(c);
        FloatVector p = x2.fma(FastMath.TANH_A13, FastMath.TANH_A11);
        p = p.fma(x2, FloatVector.broadcast(SP, FastMath.TANH_A9));
        p = p.fma(x2, FloatVector.broadcast(SP, FastMath.TANH_A7));
        p = p.fma(x2, FloatVector.broadcast(SP, FastMath.TANH_A5));
        p = p.fma(x2, FloatVector.broadcast(SP, FastMath.TANH_A3));
        p = p.fma(x2, FloatVector.broadcast(SP, FastMath.TANH_A1));
        p = p.mul(c);
        FloatVector q = x2.fma(FastMath.TANH_B6, FastMath.TANH_B4);
        q = q.fma(x2, FloatVector.broadcast(SP, FastMath.TANH_B2));
        q = q.fma(x2, FloatVector.broadcast(SP, FastMath.TANH_B0));
        // (1 + tanh)·½x, rounded as FastMath does (no fma near tanh = −1)
        p.div(q).add(1f).mul(v.mul(0.5f)).intoArray(y, o);
    }

    /**
     * The GLU gate: h[ih, ih + L) = a[ia ..]·σ(t[it ..] + bias[ib ..]) (+ h[ih ..] when {@code add}), with
     * σ(x) = ½ + ½·tanh(x/2) and tanh as in {@link #geluTanhAt}. Pass {@link #ZEROS} and 0 for no bias (t + 0 = t);
     * without add the fma adds zero (a single rounding of σ·a, as a multiply). All inputs are loaded before h is
     * written, so h may alias a or t.
     */
    private static void gateAt(float[] a, int ia, float[] t, int it, float[] bias, int ib, float[] h, int ih,
                               boolean add) {
        FloatVector u = FloatVector.fromArray(SP, t, it).add(FloatVector.fromArray(SP, bias, ib)).mul(0.5f);
        FloatVector av = FloatVector.fromArray(SP, a, ia);
        FloatVector hv = FloatVector.fromArray(SP, add ? h : ZEROS, add ? ih : 0);
        FloatVector c = u.blend(TANH_HI, u.compare(VectorOperators.GT, TANH_HI))
                .blend(TANH_LO, u.compare(VectorOperators.LT, TANH_LO));
        FloatVector x2 = c.mul(c);
        FloatVector p = x2.fma(FastMath.TANH_A13, FastMath.TANH_A11);
        p = p.fma(x2, FloatVector.broadcast(SP, FastMath.TANH_A9));
        p = p.fma(x2, FloatVector.broadcast(SP, FastMath.TANH_A7));
        p = p.fma(x2, FloatVector.broadcast(SP, FastMath.TANH_A5));
        p = p.fma(x2, FloatVector.broadcast(SP, FastMath.TANH_A3));
        p = p.fma(x2, FloatVector.broadcast(SP, FastMath.TANH_A1));
        p = p.mul(c);
        FloatVector q = x2.fma(FastMath.TANH_B6, FastMath.TANH_B4);
        q = q.fma(x2, FloatVector.broadcast(SP, FastMath.TANH_B2));
        q = q.fma(x2, FloatVector.broadcast(SP, FastMath.TANH_B0));
        p.div(q).fma(0.5f, 0.5f).fma(av, hv).intoArray(h, ih);
    }

    /** y[o, o + L) = gelu_erf(x[i ..]) = ½·x·(1 + erf(x/√2)), erf as {@link FastMath#erf} (clamped to ±4). */
    private static void geluErfAt(float[] x, int i, float[] y, int o) {
        FloatVector v = FloatVector.fromArray(SP, x, i);
        FloatVector u = v.mul(FastMath.INV_SQRT_2);
        FloatVector c = u.blend(ERF_HI, u.compare(VectorOperators.GT, ERF_HI))
                .blend(ERF_LO, u.compare(VectorOperators.LT, ERF_LO));
        FloatVector x2 = c.mul(c);
        FloatVector p = x2.fma(FastMath.ERF_A13, FastMath.ERF_A11);
        p = p.fma(x2, FloatVector.broadcast(SP, FastMath.ERF_A9));
        p = p.fma(x2, FloatVector.broadcast(SP, FastMath.ERF_A7));
        p = p.fma(x2, FloatVector.broadcast(SP, FastMath.ERF_A5));
        p = p.fma(x2, FloatVector.broadcast(SP, FastMath.ERF_A3));
        p = p.fma(x2, FloatVector.broadcast(SP, FastMath.ERF_A1));
        p = p.mul(c);
        FloatVector q = x2.fma(FastMath.ERF_B8, FastMath.ERF_B6);
        q = q.fma(x2, FloatVector.broadcast(SP, FastMath.ERF_B4));
        q = q.fma(x2, FloatVector.broadcast(SP, FastMath.ERF_B2));
        q = q.fma(x2, FloatVector.broadcast(SP, FastMath.ERF_B0));
        p.div(q).add(1f).mul(v.mul(0.5f)).intoArray(y, o);
    }

    @Override
    public void geluTanh(int n, float[] x, float[] y) {
        KernelArgs.elements("geluTanh", n, x, y, null);
        int vn = n - n % L;
        for (int i = 0; i < vn; i += L) {
            geluTanhAt(x, i, y, i);
        }
        for (int i = vn; i < n; i++) {
            y[i] = FastMath.geluTanh(x[i]);
        }
    }

    @Override
    public void geluErf(int n, float[] x, float[] y) {
        KernelArgs.elements("geluErf", n, x, y, null);
        int vn = n - n % L;
        for (int i = 0; i < vn; i += L) {
            geluErfAt(x, i, y, i);
        }
        for (int i = vn; i < n; i++) {
            y[i] = FastMath.geluErf(x[i]);
        }
    }

    @Override
    public void gate(int n, float[] a, float[] g, float[] y) {
        KernelArgs.elements("gate", n, a, g, y);
        int vn = n - n % L;
        for (int i = 0; i < vn; i += L) {
            gateAt(a, i, g, i, ZEROS, 0, y, i, false);
        }
        for (int i = vn; i < n; i++) {
            y[i] = a[i] * FastMath.sigmoid(g[i]);
        }
    }

    @Override
    public void gateAdd(int n, float[] a, float[] g, float[] h) {
        KernelArgs.elements("gateAdd", n, a, g, h);
        int vn = n - n % L;
        for (int i = 0; i < vn; i += L) {
            gateAt(a, i, g, i, ZEROS, 0, h, i, true);
        }
        ScalarKernels.gateAddTail(vn, n, a, g, h);
    }

    @Override
    public void feedThroughGelu(int m, int n, float[] y, float[] d, float[] z, float[] g) {
        KernelArgs.blocks("feedThroughGelu", m, n, "d", d, false, "y", y, "z", z, "g", g);
        int vn = n - n % L;
        // column vector outer, rows inner: one long loop per column vector (d in a register), no per-row loop
        // overhead on short rows (H = 32 is two vectors)
        for (int j = 0; j < vn; j += L) {
            for (int o = j, e = m * n; o < e; o += n) {
                // d loaded here, not held in a register over the loop: no vector is live across the helper's call
                FloatVector.fromArray(SP, d, j).fma(FloatVector.fromArray(SP, z, o), FloatVector.fromArray(SP, y, o))
                        .intoArray(y, o);
                geluTanhAt(y, o, g, o);
            }
        }
        if (vn < n) {
            ScalarKernels.feedThroughGeluTail(m, n, vn, y, d, z, g);
        }
    }

    @Override
    public void gateAddBias(int m, int n, float[] a, float[] t, float[] bias, float[] h) {
        KernelArgs.blocks("gateAddBias", m, n, "bias", bias, true, "a", a, "t", t, "h", h);
        if (bias == null) {
            gateAdd(m * n, a, t, h);
            return;
        }
        int vn = n - n % L;
        for (int j = 0; j < vn; j += L) { // column vector outer, rows inner, as in feedThroughGelu
            for (int o = j, e = m * n; o < e; o += n) {
                gateAt(a, o, t, o, bias, j, h, o, true);
            }
        }
        if (vn < n) {
            ScalarKernels.gateAddBiasTail(m, n, vn, a, t, bias, h);
        }
    }

    @Override
    public void sisoUnits(int m, int stride, int from, int to, float[] lamRe, float[] lamIm, float[] bRe, float[] bIm,
                          float[] cRe, float[] cImNeg, float d, float[] xRe, float[] xIm, float[] zT, float[] yT,
                          int zo) {
        KernelArgs.sisoUnits(m, stride, from, to, lamRe, lamIm, bRe, bIm, cRe, cImNeg, xRe, xIm, zT, yT, zo);
        int vm = m - m % L;
        // the streams in vectors of L; y for those lanes stays in registers over the channel's units
        for (int s = 0; s < vm; s += L) {
            FloatVector z = FloatVector.fromArray(SP, zT, zo + s);
            FloatVector y = z.mul(d);
            for (int j = from; j < to; j++) {
                int xo = j * stride + s;
                FloatVector xr = FloatVector.fromArray(SP, xRe, xo);
                FloatVector xi = FloatVector.fromArray(SP, xIm, xo);
                float lr = lamRe[j];
                float li = lamIm[j];
                FloatVector nr = xr.mul(lr).sub(xi.mul(li)).add(z.mul(bRe[j]));
                FloatVector ni = xi.mul(lr).add(xr.mul(li)).add(z.mul(bIm[j]));
                nr.intoArray(xRe, xo);
                ni.intoArray(xIm, xo);
                y = y.add(nr.mul(cRe[j])).add(ni.mul(cImNeg[j]));
            }
            y.intoArray(yT, zo + s);
        }
        if (vm < m) {
            for (int s = vm; s < m; s++) {
                yT[zo + s] = d * zT[zo + s];
            }
            for (int j = from; j < to; j++) {
                int xo = j * stride;
                for (int s = vm; s < m; s++) {
                    float xr = xRe[xo + s];
                    float xi = xIm[xo + s];
                    float zc = zT[zo + s];
                    float nr = lamRe[j] * xr - lamIm[j] * xi + bRe[j] * zc;
                    float ni = lamRe[j] * xi + lamIm[j] * xr + bIm[j] * zc;
                    xRe[xo + s] = nr;
                    xIm[xo + s] = ni;
                    yT[zo + s] += cRe[j] * nr + cImNeg[j] * ni;
                }
            }
        }
    }
}
