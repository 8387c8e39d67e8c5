package io.ssmedge.kernel;

/**
 * The loops of the batched step over a block of m streams, rows of row-major (m, ·) arrays: the matrix
 * product c(m, n) += a(m, k) · b(k, n) (contiguous rows: row i of a at i·k, of b and c at i·n), which
 * with m = streams is B̄·u, C̃·x and every dense layer, and the row-wise element operations around it.
 *
 * <p>{@link ScalarKernels} is the default; {@link #vector()} gives the Java Vector API kernel when the
 * {@code jdk.incubator.vector} module is present ({@code --add-modules jdk.incubator.vector}). Which
 * one {@link #preferred()} returns is chosen by the system property {@code ssmedge.vector}
 * ({@code true}: vector when available, else scalar with a warning on stderr; default: scalar).
 */
public interface Kernels {
    /**
     * c += a·b.
     *
     * @param a (m, k) (not modified)
     * @param b (k, n) (not modified)
     * @param c (m, n) (modified; must not alias a or b)
     */
    default void mulAdd(int m, int k, int n, float[] a, float[] b, float[] c) {
        mulAdd(m, k, n, a, k, b, n, c, n);
    }

    /**
     * c += a·b with row strides: element (i, p) of a at i·lda + p, (p, j) of b at p·ldb + j, (i, j) of c
     * at i·ldc + j (lda ≥ k, ldb ≥ n, ldc ≥ n). Columns n.. of c are not touched.
     */
    void mulAdd(int m, int k, int n, float[] a, int lda, float[] b, int ldb, float[] c, int ldc);

    /**
     * c = a·b + bias on every row (a dense layer: a (m, k), b (k, n), c (m, n), contiguous rows; bias (n) or null).
     * The default fills c's rows with the bias and accumulates the product.
     */
    default void affine(int m, int k, int n, float[] a, float[] b, float[] bias, float[] c) {
        if (bias != null) {
            for (int i = 0; i < m; i++) {
                System.arraycopy(bias, 0, c, i * n, n);
            }
        } else {
            java.util.Arrays.fill(c, 0, m * n, 0f);
        }
        mulAdd(m, k, n, a, b, c);
    }

    /** c = a·b: {@link #mulAdd} with c overwritten instead of added to. */
    void mul(int m, int k, int n, float[] a, int lda, float[] b, int ldb, float[] c, int ldc);

    /**
     * On every row of (m, n): y ← y + d ⊙ z, then g = gelu_tanh(y) (the S5 feed-through D·u and the activation of
     * the SSM output in one pass). {@code y} is modified, {@code g} written; g must not alias y or z.
     */
    void feedThroughGelu(int m, int n, float[] y, float[] d, float[] z, float[] g);

    /**
     * On every row of (m, n): h += a ⊙ σ(t + bias) (the GLU gate with its dense layer's bias, and the residual add);
     * {@code bias} (n) may be null (no bias).
     */
    void gateAddBias(int m, int n, float[] a, float[] t, float[] bias, float[] h);

    /** LayerNorm of every row of x (m, n) into y, see {@link Norms#layerNorm}; {@code y} may be {@code x}. */
    void layerNorm(int m, float[] x, int n, float[] scale, float[] bias, float eps, float[] y);

    /**
     * The head of a two-class model on every row of f (m, n): with the logits z₀, z₁ of a row and
     * t = z₁ − z₀ = f·w + b (w = W[:, 1] − W[:, 0], b = b₁ − b₀), the log-softmax in one exp and one log:
     * <pre>
     *   log p₀ = −softplus(t),  log p₁ = −softplus(−t) = t − softplus(t),  softplus(t) = max(t, 0) + log(1 + e^−|t|)
     * </pre>
     * (log p₀ = z₀ − log(e^z₀ + e^z₁) = −log(1 + e^t)). Writes logp (m, 2).
     */
    void binaryLogSoftmax(int m, int n, float[] f, float[] w, float b, float[] logp);

    /** y = a ⊙ x (+ b when b is not null) on every row of (m, n); {@code y} may be {@code x}. */
    void scaleShift(int m, float[] x, int n, float[] a, float[] b, float[] y);

    /**
     * x ← λ̄ ⊙ x on every row of x (m rows at stride {@code stride} ≥ 2n), each row n real parts then n
     * imaginary parts (then padding, not touched): the diagonal recurrence step.
     */
    void rotate(int m, int n, int stride, float[] lamRe, float[] lamIm, float[] x);

    /**
     * The S5 state update of m streams: x ← λ̄ ⊙ x (as {@link #rotate}, rows of stride {@code stride}: n real parts,
     * n imaginary parts, padding) then x += z·bT ((m, k)·(k, stride), z at row stride {@code ldz}), i.e. rotate then
     * {@link #mulAdd}. The vector kernel folds the rotation into the product's accumulators when a row is exactly
     * two vectors of n states.
     */
    default void rotateMulAdd(int m, int k, int n, int stride, float[] lamRe, float[] lamIm, float[] z, int ldz,
                              float[] bT, float[] x) {
        rotate(m, n, stride, lamRe, lamIm, x);
        mulAdd(m, k, stride, z, ldz, bT, stride, x, stride);
    }

    /**
     * The multi-SISO (S4D) recurrence and output of one channel over m streams, its units j ∈ [from, to)
     * unit-major (row j of x holds the streams, row stride {@code stride}):
     * <pre>
     *   x[j, s] ← λ̄_j·x[j, s] + B̄_j·z[s]            complex
     *   y[s]    = D·z[s] + Σ_j Re(c_j)·Re x[j, s] + cImNeg_j·Im x[j, s]   (c already holds the factor 2 and −Im)
     * </pre>
     * z is read from {@code zT[zo ..]}, y written to {@code yT[zo ..]}.
     */
    void sisoUnits(int m, int stride, int from, int to, float[] lamRe, float[] lamIm, float[] bRe, float[] bIm,
                   float[] cRe, float[] cImNeg, float d, float[] xRe, float[] xIm, float[] zT, float[] yT, int zo);

    /** y[i] = gelu_tanh(x[i]) for i &lt; n, the formula of {@link FastMath#geluTanh}; {@code y} may be {@code x}. */
    void geluTanh(int n, float[] x, float[] y);

    /** y[i] = gelu_erf(x[i]) for i &lt; n, the formula of {@link FastMath#geluErf}; {@code y} may be {@code x}. */
    void geluErf(int n, float[] x, float[] y);

    /** y[i] = a[i]·σ(g[i]) for i &lt; n (the GLU gate, σ of {@link FastMath#sigmoid}); {@code y} may alias a or g. */
    void gate(int n, float[] a, float[] g, float[] y);

    /** h[i] += a[i]·σ(g[i]) for i &lt; n: the GLU gate and the residual add in one pass. */
    void gateAdd(int n, float[] a, float[] g, float[] h);

    /** "scalar" or "vector-&lt;bits&gt;". */
    String name();

    static Kernels scalar() {
        return ScalarKernels.INSTANCE;
    }

    /** The Vector API kernel, or null when the incubator module is not loaded in this JVM. */
    static Kernels vector() {
        return KernelSelector.VECTOR;
    }

    /** The kernel selected by {@code -Dssmedge.vector=true|false} (default false). */
    static Kernels preferred() {
        return KernelSelector.PREFERRED;
    }
}
