package io.ssmedge.kernel;

/**
 * The one matrix product of the batched step: c(m, n) += a(m, k) · b(k, n), all row-major with
 * contiguous rows (row i of a at i·k, of b at i·n, of c at i·n). With m = streams of a block, it is
 * B̄·u, C̃·x and every dense layer of the model over that block.
 *
 * <p>{@link ScalarGemm} is the default; {@link #vector()} gives the Java Vector API kernel when the
 * {@code jdk.incubator.vector} module is present ({@code --add-modules jdk.incubator.vector}). Which
 * one {@link #preferred()} returns is chosen by the system property {@code ssmedge.vector}
 * ({@code true}: vector when available, else scalar with a warning on stderr; default: scalar).
 */
public interface Gemm {
    /**
     * c += a·b.
     *
     * @param a (m, k) (not modified)
     * @param b (k, n) (not modified)
     * @param c (m, n) (modified; must not alias a or b)
     */
    void mulAdd(int m, int k, int n, float[] a, float[] b, float[] c);

    /** "scalar" or "vector-&lt;bits&gt;". */
    String name();

    static Gemm scalar() {
        return ScalarGemm.INSTANCE;
    }

    /** The Vector API kernel, or null when the incubator module is not loaded in this JVM. */
    static Gemm vector() {
        return GemmSelector.VECTOR;
    }

    /** The kernel selected by {@code -Dssmedge.vector=true|false} (default false). */
    static Gemm preferred() {
        return GemmSelector.PREFERRED;
    }
}
