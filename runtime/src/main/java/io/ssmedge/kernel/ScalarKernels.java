package io.ssmedge.kernel;

/**
 * Plain-Java {@link Kernels}. The product: per row of c, four rows of b at a time are combined in one pass over c
 * (c[i, :] += a[i,p]·b[p, :] + … + a[i,p+3]·b[p+3, :]), a loop C2 vectorizes over the columns.
 */
final class ScalarKernels implements Kernels {
    static final ScalarKernels INSTANCE = new ScalarKernels();

    private ScalarKernels() {
    }

    @Override
    public void mulAdd(int m, int k, int n, float[] a, int lda, float[] b, int ldb, float[] c, int ldc) {
        KernelArgs.mulAdd(m, k, n, a, lda, b, ldb, c, ldc);
        for (int i = 0; i < m; i++) {
            int ci = i * ldc;
            int ai = i * lda;
            int p = 0;
            for (; p + 3 < k; p += 4) {
                float a0 = a[ai + p];
                float a1 = a[ai + p + 1];
                float a2 = a[ai + p + 2];
                float a3 = a[ai + p + 3];
                int b0 = p * ldb;
                int b1 = b0 + ldb;
                int b2 = b1 + ldb;
                int b3 = b2 + ldb;
                for (int j = 0; j < n; j++) {
                    c[ci + j] += a0 * b[b0 + j] + a1 * b[b1 + j] + a2 * b[b2 + j] + a3 * b[b3 + j];
                }
            }
            for (; p < k; p++) {
                float a0 = a[ai + p];
                int b0 = p * ldb;
                for (int j = 0; j < n; j++) {
                    c[ci + j] += a0 * b[b0 + j];
                }
            }
        }
    }

    @Override
    public void mul(int m, int k, int n, float[] a, int lda, float[] b, int ldb, float[] c, int ldc) {
        KernelArgs.mulAdd(m, k, n, a, lda, b, ldb, c, ldc);
        for (int i = 0; i < m; i++) {
            java.util.Arrays.fill(c, i * ldc, i * ldc + n, 0f);
        }
        mulAdd(m, k, n, a, lda, b, ldb, c, ldc);
    }

    @Override
    public void feedThroughGelu(int m, int n, float[] y, float[] d, float[] z, float[] g) {
        KernelArgs.blocks("feedThroughGelu", m, n, "d", d, false, "y", y, "z", z, "g", g);
        feedThroughGeluTail(m, n, 0, y, d, z, g);
    }

    /** {@link #feedThroughGelu} on columns from..n-1 of every row (shared with the vector kernel's tail). */
    static void feedThroughGeluTail(int m, int n, int from, float[] y, float[] d, float[] z, float[] g) {
        for (int i = 0; i < m; i++) {
            int o = i * n;
            for (int j = from; j < n; j++) {
                float v = y[o + j] + d[j] * z[o + j];
                y[o + j] = v;
                g[o + j] = FastMath.geluTanh(v);
            }
        }
    }

    @Override
    public void gateAddBias(int m, int n, float[] a, float[] t, float[] bias, float[] h) {
        KernelArgs.blocks("gateAddBias", m, n, "bias", bias, true, "a", a, "t", t, "h", h);
        gateAddBiasTail(m, n, 0, a, t, bias, h);
    }

    /** {@link #gateAddBias} on columns from..n-1 of every row (shared with the vector kernel's tail). */
    static void gateAddBiasTail(int m, int n, int from, float[] a, float[] t, float[] bias, float[] h) {
        for (int i = 0; i < m; i++) {
            int o = i * n;
            for (int j = from; j < n; j++) {
                h[o + j] += a[o + j] * FastMath.sigmoid(t[o + j] + (bias == null ? 0f : bias[j]));
            }
        }
    }

    @Override
    public void layerNorm(int m, float[] x, int n, float[] scale, float[] bias, float eps, float[] y) {
        KernelArgs.rows("layerNorm", m, n, x, y, scale, bias);
        Rows.layerNorm(m, x, n, scale, bias, eps, y);
    }

    @Override
    public void binaryLogSoftmax(int m, int n, float[] f, float[] w, float b, float[] logp) {
        KernelArgs.binaryHead(m, n, f, w, logp);
        binaryLogSoftmaxRows(0, m, n, f, w, b, logp);
    }

    /** {@link #binaryLogSoftmax} of rows from..m-1 (shared with the vector kernel's rows left over). */
    static void binaryLogSoftmaxRows(int from, int m, int n, float[] f, float[] w, float b, float[] logp) {
        for (int i = from; i < m; i++) {
            int o = i * n;
            float t = b;
            for (int j = 0; j < n; j++) {
                t += f[o + j] * w[j];
            }
            double sp = Math.max(t, 0f) + Math.log(1 + Math.exp(-Math.abs(t)));
            logp[2 * i] = (float) -sp;
            logp[2 * i + 1] = (float) (t - sp);
        }
    }

    @Override
    public void scaleShift(int m, float[] x, int n, float[] a, float[] b, float[] y) {
        KernelArgs.rows("scaleShift", m, n, x, y, a, b);
        if (b == null) {
            Rows.scale(m, x, n, a, y);
        } else {
            Rows.scaleShift(m, x, n, a, b, y);
        }
    }

    @Override
    public void rotate(int m, int n, int stride, float[] lamRe, float[] lamIm, float[] x) {
        KernelArgs.rotate(m, n, stride, lamRe, lamIm, x);
        for (int s = 0; s < m; s++) {
            rotateTail(0, n, s * stride, lamRe, lamIm, x);
        }
    }

    /** States from..n-1 of the row at offset o (shared with the vector kernel's tail). */
    static void rotateTail(int from, int n, int o, float[] lamRe, float[] lamIm, float[] x) {
        for (int i = from; i < n; i++) {
            float xr = x[o + i];
            float xi = x[o + n + i];
            x[o + i] = lamRe[i] * xr - lamIm[i] * xi;
            x[o + n + i] = lamRe[i] * xi + lamIm[i] * xr;
        }
    }

    @Override
    public void sisoUnits(int m, int stride, int from, int to, float[] lamRe, float[] lamIm, float[] bRe, float[] bIm,
                          float[] cRe, float[] cImNeg, float d, float[] xRe, float[] xIm, float[] zT, float[] yT,
                          int zo) {
        KernelArgs.sisoUnits(m, stride, from, to, lamRe, lamIm, bRe, bIm, cRe, cImNeg, xRe, xIm, zT, yT, zo);
        for (int s = 0; s < m; s++) {
            yT[zo + s] = d * zT[zo + s];
        }
        for (int j = from; j < to; j++) {
            float lr = lamRe[j];
            float li = lamIm[j];
            float br = bRe[j];
            float bi = bIm[j];
            float cr = cRe[j];
            float ci = cImNeg[j];
            int xo = j * stride;
            for (int s = 0; s < m; s++) {
                float xr = xRe[xo + s];
                float xi = xIm[xo + s];
                float zc = zT[zo + s];
                float nr = lr * xr - li * xi + br * zc;
                float ni = lr * xi + li * xr + bi * zc;
                xRe[xo + s] = nr;
                xIm[xo + s] = ni;
                yT[zo + s] += cr * nr + ci * ni;
            }
        }
    }

    @Override
    public void geluTanh(int n, float[] x, float[] y) {
        KernelArgs.elements("geluTanh", n, x, y, null);
        FastMath.geluTanh(x, n, y);
    }

    @Override
    public void geluErf(int n, float[] x, float[] y) {
        KernelArgs.elements("geluErf", n, x, y, null);
        FastMath.geluErf(x, n, y);
    }

    @Override
    public void gate(int n, float[] a, float[] g, float[] y) {
        KernelArgs.elements("gate", n, a, g, y);
        FastMath.gate(a, g, n, y);
    }

    @Override
    public void gateAdd(int n, float[] a, float[] g, float[] h) {
        KernelArgs.elements("gateAdd", n, a, g, h);
        gateAddTail(0, n, a, g, h);
    }

    /** h[i] += a[i]·σ(g[i]) for i in [from, n) (shared with the vector kernel's tail). */
    static void gateAddTail(int from, int n, float[] a, float[] g, float[] h) {
        for (int i = from; i < n; i++) {
            h[i] += a[i] * FastMath.sigmoid(g[i]);
        }
    }

    @Override
    public String name() {
        return "scalar";
    }
}
