package io.ssmedge.kernel;

/**
 * Plain-Java {@link Gemm}: per row of c, four rows of b at a time are combined in one pass over c
 * (c[i, :] += a[i,p]·b[p, :] + … + a[i,p+3]·b[p+3, :]), a loop C2 vectorizes over the columns.
 */
final class ScalarGemm implements Gemm {
    static final ScalarGemm INSTANCE = new ScalarGemm();

    private ScalarGemm() {
    }

    @Override
    public void mulAdd(int m, int k, int n, float[] a, float[] b, float[] c) {
        for (int i = 0; i < m; i++) {
            int ci = i * n;
            int ai = i * k;
            int p = 0;
            for (; p + 3 < k; p += 4) {
                float a0 = a[ai + p];
                float a1 = a[ai + p + 1];
                float a2 = a[ai + p + 2];
                float a3 = a[ai + p + 3];
                int b0 = p * n;
                int b1 = b0 + n;
                int b2 = b1 + n;
                int b3 = b2 + n;
                for (int j = 0; j < n; j++) {
                    c[ci + j] += a0 * b[b0 + j] + a1 * b[b1 + j] + a2 * b[b2 + j] + a3 * b[b3 + j];
                }
            }
            for (; p < k; p++) {
                float a0 = a[ai + p];
                int b0 = p * n;
                for (int j = 0; j < n; j++) {
                    c[ci + j] += a0 * b[b0 + j];
                }
            }
        }
    }

    @Override
    public String name() {
        return "scalar";
    }
}
