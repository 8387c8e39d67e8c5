package io.ssmedge.kernel;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Every {@link Kernels} against a naive float64 triple loop, on shapes that hit every tile and tail. */
class KernelsTest {
    static Stream<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        int[][] shapes = {{1, 1, 1}, {1, 8, 128}, {3, 5, 7}, {4, 128, 64}, {5, 64, 128}, {16, 128, 128}, {17, 45, 33},
            {64, 8, 128}, {9, 128, 2}, {7, 0, 16}, {2, 16, 0}, {33, 31, 100}};
        for (String kernel : new String[]{"scalar", "vector"}) {
            for (int[] s : shapes) {
                out.add(Arguments.of(kernel, s[0], s[1], s[2]));
            }
        }
        return out.stream();
    }

    static Kernels kernel(String name) {
        if (name.equals("vector-fused")) { // the fused rotation, off by default
            return KernelSelector.vector("FUSED");
        }
        return name.equals("scalar") ? Kernels.scalar() : Kernels.vector();
    }

    @ParameterizedTest(name = "{0} m={1} k={2} n={3}")
    @MethodSource("cases")
    void mulAddMatchesNaiveProduct(String name, int m, int k, int n) {
        Kernels g = kernel(name);
        assumeTrue(g != null, "jdk.incubator.vector is not loaded in this JVM");
        SplittableRandom r = new SplittableRandom(m * 1_000_003L + k * 1009L + n);
        float[] a = random(r, m * k);
        float[] b = random(r, k * n);
        float[] c = random(r, m * n + 5); // extra tail must stay untouched
        float[] c0 = c.clone();
        if ((m + k + n) % 2 == 0) {
            g.mulAdd(m, k, n, a, b, c);
        } else { // the same product through the strided entry point, on padded copies
            int lda = k + 3;
            int ldb = n + 5;
            int ldc = n + 2;
            float[] ap = new float[m * lda];
            float[] bp = new float[k * ldb];
            float[] cp = new float[m * ldc];
            java.util.Arrays.fill(cp, 7f);
            for (int i = 0; i < m; i++) {
                System.arraycopy(a, i * k, ap, i * lda, k);
                System.arraycopy(c, i * n, cp, i * ldc, n);
            }
            for (int p = 0; p < k; p++) {
                System.arraycopy(b, p * n, bp, p * ldb, n);
            }
            g.mulAdd(m, k, n, ap, lda, bp, ldb, cp, ldc);
            for (int i = 0; i < m; i++) {
                System.arraycopy(cp, i * ldc, c, i * n, n);
                for (int j = n; j < ldc; j++) {
                    assertThat(cp[i * ldc + j]).as("padding column").isEqualTo(7f);
                }
            }
        }
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double e = c0[i * n + j];
                double mag = Math.abs(e);
                for (int p = 0; p < k; p++) {
                    e += (double) a[i * k + p] * b[p * n + j];
                    mag += Math.abs((double) a[i * k + p] * b[p * n + j]);
                }
                assertThat((double) c[i * n + j]).as("c[%d,%d]", i, j).isCloseTo(e,
                        org.assertj.core.data.Offset.offset(1e-6 + 1e-6 * mag));
            }
        }
        for (int i = m * n; i < c.length; i++) {
            assertThat(c[i]).isEqualTo(c0[i]);
        }
    }

    /** mul overwrites c: c starts as NaN (which would survive any "0·c + a·b"), the padding columns stay. */
    @ParameterizedTest(name = "{0} m={1} k={2} n={3}")
    @MethodSource("cases")
    void mulOverwritesWithTheNaiveProduct(String name, int m, int k, int n) {
        Kernels g = kernel(name);
        assumeTrue(g != null, "jdk.incubator.vector is not loaded in this JVM");
        SplittableRandom r = new SplittableRandom(m * 7L + k * 13L + n);
        float[] a = random(r, m * k);
        float[] b = random(r, k * n);
        int ldc = n + 3;
        float[] c = new float[m * ldc];
        java.util.Arrays.fill(c, Float.NaN);
        g.mul(m, k, n, a, k, b, n, c, ldc);
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < ldc; j++) {
                if (j >= n) {
                    assertThat(c[i * ldc + j]).as("padding column").isNaN();
                    continue;
                }
                double e = 0;
                double mag = 0;
                for (int p = 0; p < k; p++) {
                    e += (double) a[i * k + p] * b[p * n + j];
                    mag += Math.abs((double) a[i * k + p] * b[p * n + j]);
                }
                assertThat((double) c[i * ldc + j]).as("c[%d,%d]", i, j).isCloseTo(e, offset(1e-6 + 1e-6 * mag));
            }
        }
    }

    /** feedThroughGelu and gateAddBias (with and without bias) against the per-element FastMath formulas. */
    @ParameterizedTest(name = "{0} m={1} n={2}")
    @MethodSource("rowCases")
    void fusedRowOperationsMatchFormulas(String name, int m, int n) {
        Kernels g = kernel(name);
        assumeTrue(g != null, "jdk.incubator.vector is not loaded in this JVM");
        SplittableRandom r = new SplittableRandom(m * 101L + n);
        float[] y = random(r, m * n);
        for (int i = 0; i < y.length; i++) {
            y[i] *= 6;
        }
        float[] y0 = y.clone();
        float[] d = random(r, n);
        float[] z = random(r, m * n);
        float[] gl = new float[m * n];
        g.feedThroughGelu(m, n, y, d, z, gl);
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                int o = i * n + j;
                float v = y0[o] + d[j] * z[o];
                assertThat(y[o]).as("y[%d,%d]", i, j).isCloseTo(v, offset(1e-6f * (1 + Math.abs(v))));
                float e = FastMath.geluTanh(v);
                assertThat(gl[o]).as("g[%d,%d]", i, j).isCloseTo(e, offset(1e-6f * (1 + Math.abs(e) + Math.abs(v))));
            }
        }
        float[] t = random(r, m * n);
        float[] bias = random(r, n);
        for (float[] bb : new float[][]{bias, null}) {
            float[] h = random(r, m * n);
            float[] h0 = h.clone();
            g.gateAddBias(m, n, y, t, bb, h);
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    int o = i * n + j;
                    float e = h0[o] + y[o] * FastMath.sigmoid(t[o] + (bb == null ? 0f : bb[j]));
                    assertThat(h[o]).as("h[%d,%d]", i, j).isCloseTo(e, offset(1e-6f * (1 + Math.abs(e) + Math.abs(y[o]))));
                }
            }
        }
    }

    static Stream<Arguments> rowCases() {
        List<Arguments> out = new ArrayList<>();
        for (String kernel : new String[]{"scalar", "vector"}) {
            for (int[] s : new int[][]{{1, 1}, {3, 16}, {5, 32}, {4, 45}, {2, 128}, {7, 13}, {16, 32}, {37, 32}, {20, 64},
                {18, 8}, {33, 16}}) {
                out.add(Arguments.of(kernel, s[0], s[1]));
            }
        }
        return out.stream();
    }

    /** layerNorm, scaleShift and rotate against the plain per-element formulas (float64). */
    @ParameterizedTest(name = "{0} m={1} n={2}")
    @MethodSource("rowCases")
    void rowOperationsMatchFormulas(String name, int m, int n) {
        Kernels g = kernel(name);
        assumeTrue(g != null, "jdk.incubator.vector is not loaded in this JVM");
        SplittableRandom r = new SplittableRandom(m * 31L + n);
        float[] x = random(r, m * n);
        float[] a = random(r, n);
        float[] b = random(r, n);
        float[] y = new float[m * n];
        g.layerNorm(m, x, n, a, b, 1e-6f, y);
        for (int i = 0; i < m; i++) {
            double mean = 0;
            double var = 0;
            for (int j = 0; j < n; j++) {
                mean += x[i * n + j];
            }
            mean /= n;
            for (int j = 0; j < n; j++) {
                var += (x[i * n + j] - mean) * (x[i * n + j] - mean);
            }
            double inv = 1 / Math.sqrt(var / n + 1e-6);
            for (int j = 0; j < n; j++) {
                double e = (x[i * n + j] - mean) * inv * a[j] + b[j];
                assertThat((double) y[i * n + j]).as("layerNorm[%d,%d]", i, j).isCloseTo(e, offset(1e-4 + 1e-4 * Math.abs(e)));
            }
        }
        // a large common offset: the statistics must not cancel (mean 1000, spread 1)
        float[] xo = x.clone();
        for (int i = 0; i < xo.length; i++) {
            xo[i] += 1000f;
        }
        g.layerNorm(m, xo, n, a, b, 1e-6f, y);
        for (int i = 0; i < m; i++) {
            double mean = 0;
            double var = 0;
            for (int j = 0; j < n; j++) {
                mean += xo[i * n + j];
            }
            mean /= n;
            for (int j = 0; j < n; j++) {
                var += (xo[i * n + j] - mean) * (xo[i * n + j] - mean);
            }
            double inv = 1 / Math.sqrt(var / n + 1e-6);
            for (int j = 0; j < n; j++) {
                double e = (xo[i * n + j] - mean) * inv * a[j] + b[j];
                // float32 inputs near 1000 carry 6e-5 of rounding: relative to a spread of about 0.6
                assertThat((double) y[i * n + j]).as("offset layerNorm[%d,%d]", i, j).isCloseTo(e, offset(1e-3 + 1e-3 * Math.abs(e)));
            }
        }
        float[] yi = x.clone(); // in place: the same rows as into y above
        g.layerNorm(m, yi, n, a, b, 1e-6f, yi);
        float[] ye = new float[m * n];
        g.layerNorm(m, x, n, a, b, 1e-6f, ye);
        assertThat(yi).as("layerNorm in place").containsExactly(ye);
        g.scaleShift(m, x, n, a, b, y);
        for (int i = 0; i < m * n; i++) {
            assertThat(y[i]).isCloseTo(a[i % n] * x[i] + b[i % n], offset(1e-6f));
        }
        g.scaleShift(m, x, n, a, null, y);
        for (int i = 0; i < m * n; i++) {
            assertThat(y[i]).isCloseTo(a[i % n] * x[i], offset(1e-6f));
        }
        int stride = 2 * n + 3;
        float[] xc = random(r, m * stride); // rows [Re (n) | Im (n) | padding (3)]
        float[] x0 = xc.clone();
        g.rotate(m, n, stride, a, b, xc);
        for (int i = 0; i < m; i++) {
            for (int j = 2 * n; j < stride; j++) {
                assertThat(xc[i * stride + j]).as("padding").isEqualTo(x0[i * stride + j]);
            }
            for (int j = 0; j < n; j++) {
                int re = i * stride + j;
                int im = re + n;
                assertThat(xc[re]).isCloseTo(a[j] * x0[re] - b[j] * x0[im], offset(1e-6f));
                assertThat(xc[im]).isCloseTo(a[j] * x0[im] + b[j] * x0[re], offset(1e-6f));
            }
        }
    }

    /**
     * The two-class head against the log-softmax of both logits in float64 (z = f·W + b with W's two columns,
     * then z − max − log Σ e^(z − max)); rows with |z₁ − z₀| up to about 200 so that e^−|t| underflows too.
     */
    @ParameterizedTest(name = "{0} m={1} n={2}")
    @MethodSource("rowCases")
    void binaryLogSoftmaxMatchesLogSoftmaxOfBothLogits(String name, int m, int n) {
        Kernels g = kernel(name);
        assumeTrue(g != null, "jdk.incubator.vector is not loaded in this JVM");
        SplittableRandom r = new SplittableRandom(m * 131L + n);
        float[] f = random(r, m * n);
        for (int i = 0; i < m; i += 3) { // every third row scaled up: large logit differences
            for (int j = 0; j < n; j++) {
                f[i * n + j] *= 40f;
            }
        }
        float[] w = random(r, n * 2); // (n, 2)
        float[] b = random(r, 2);
        float[] diff = new float[n];
        for (int j = 0; j < n; j++) {
            diff[j] = w[2 * j + 1] - w[2 * j];
        }
        float[] logp = new float[2 * m + 2];
        java.util.Arrays.fill(logp, 9f);
        g.binaryLogSoftmax(m, n, f, diff, b[1] - b[0], logp);
        for (int i = 0; i < m; i++) {
            double z0 = b[0];
            double z1 = b[1];
            double mag = Math.abs(b[0]) + Math.abs(b[1]);
            for (int j = 0; j < n; j++) {
                z0 += (double) f[i * n + j] * w[2 * j];
                z1 += (double) f[i * n + j] * w[2 * j + 1];
                mag += Math.abs((double) f[i * n + j] * w[2 * j]) + Math.abs((double) f[i * n + j] * w[2 * j + 1]);
            }
            double max = Math.max(z0, z1);
            double lse = max + Math.log(Math.exp(z0 - max) + Math.exp(z1 - max));
            // float32 sums of the products (relative 1e-6 of their magnitudes), then 1e-6 of the result
            double tol = 1e-6 + 2e-6 * mag;
            assertThat((double) logp[2 * i]).as("logp[%d, 0]", i).isCloseTo(z0 - lse, offset(tol + 1e-6 * Math.abs(z0 - lse)));
            assertThat((double) logp[2 * i + 1]).as("logp[%d, 1]", i).isCloseTo(z1 - lse, offset(tol + 1e-6 * Math.abs(z1 - lse)));
        }
        assertThat(logp[2 * m]).as("past the last row").isEqualTo(9f);
    }

    /** affine (c = a·b + bias, with and without bias) against the float64 sum. */
    @ParameterizedTest(name = "{0} m={1} k={2} n={3}")
    @MethodSource("cases")
    void affineMatchesNaiveProductPlusBias(String name, int m, int k, int n) {
        Kernels g = kernel(name);
        assumeTrue(g != null, "jdk.incubator.vector is not loaded in this JVM");
        SplittableRandom r = new SplittableRandom(m * 1_000_033L + k * 1013L + n);
        float[] a = random(r, m * k);
        float[] b = random(r, k * n);
        float[] bias = random(r, n);
        for (boolean withBias : new boolean[]{true, false}) {
            float[] c = random(r, m * n + 3); // old values must not matter; the tail stays
            float[] c0 = c.clone();
            g.affine(m, k, n, a, b, withBias ? bias : null, c);
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    double e = withBias ? bias[j] : 0;
                    double mag = Math.abs(e);
                    for (int p = 0; p < k; p++) {
                        e += (double) a[i * k + p] * b[p * n + j];
                        mag += Math.abs((double) a[i * k + p] * b[p * n + j]);
                    }
                    assertThat((double) c[i * n + j]).as("c[%d,%d] bias %s", i, j, withBias).isCloseTo(e, offset(1e-6 + 1e-6 * mag));
                }
            }
            for (int i = m * n; i < c.length; i++) {
                assertThat(c[i]).as("past the block").isEqualTo(c0[i]);
            }
        }
    }

    static Stream<Arguments> stateCases() {
        List<Arguments> out = new ArrayList<>();
        for (String kernel : new String[]{"scalar", "vector", "vector-fused"}) {
            // {m, k, n, stride}: rows of exactly two vectors (n = 16 on 512-bit, n = 8 on 256-bit) with and
            // without rows left over after the 8-row tiles, and general shapes
            for (int[] s : new int[][]{{19, 32, 16, 32}, {16, 8, 16, 32}, {3, 32, 16, 32}, {17, 12, 8, 16}, {9, 7, 8, 16},
                {5, 32, 13, 32}, {11, 4, 5, 16}, {1, 1, 1, 2}}) {
                out.add(Arguments.of(kernel, s[0], s[1], s[2], s[3]));
            }
        }
        return out.stream();
    }

    /** rotateMulAdd against x ← λ̄ ⊙ x, then x += z·bT, in float64 (padding columns only get the product). */
    @ParameterizedTest(name = "{0} m={1} k={2} n={3} stride={4}")
    @MethodSource("stateCases")
    void rotateMulAddMatchesRotationThenProduct(String name, int m, int k, int n, int stride) {
        Kernels g = kernel(name);
        assumeTrue(g != null, "jdk.incubator.vector is not loaded in this JVM");
        SplittableRandom r = new SplittableRandom(m * 7919L + k * 31L + n);
        float[] lr = random(r, n);
        float[] li = random(r, n);
        float[] z = random(r, m * k);
        float[] bT = random(r, k * stride);
        float[] x = random(r, m * stride);
        float[] x0 = x.clone();
        g.rotateMulAdd(m, k, n, stride, lr, li, z, k, bT, x);
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < stride; j++) {
                int o = i * stride;
                double e;
                if (j < n) {
                    e = (double) lr[j] * x0[o + j] - (double) li[j] * x0[o + n + j];
                } else if (j < 2 * n) {
                    e = (double) lr[j - n] * x0[o + j] + (double) li[j - n] * x0[o + j - n];
                } else {
                    e = x0[o + j];
                }
                double mag = Math.abs(e);
                for (int p = 0; p < k; p++) {
                    e += (double) z[i * k + p] * bT[p * stride + j];
                    mag += Math.abs((double) z[i * k + p] * bT[p * stride + j]);
                }
                assertThat((double) x[o + j]).as("x[%d,%d]", i, j).isCloseTo(e, offset(1e-6 + 1e-6 * mag));
            }
        }
    }

    static Stream<Arguments> elementCases() {
        List<Arguments> out = new ArrayList<>();
        for (String kernel : new String[]{"scalar", "vector"}) {
            for (int n : new int[]{0, 1, 7, 16, 31, 64, 1000}) {
                out.add(Arguments.of(kernel, n));
            }
        }
        return out.stream();
    }

    /**
     * GELU (tanh and erf), the GLU gate and gate + residual against the scalar {@link FastMath} formulas of
     * one element (the oracle; FastMathTest checks those against Math.*), on inputs over ±10 and the clamp ends.
     */
    @ParameterizedTest(name = "{0} n={1}")
    @MethodSource("elementCases")
    void elementOperationsMatchFastMath(String name, int n) {
        Kernels g = kernel(name);
        assumeTrue(g != null, "jdk.incubator.vector is not loaded in this JVM");
        SplittableRandom r = new SplittableRandom(n * 17L + 3);
        float[] x = new float[n + 3];
        float[] t = new float[n + 3];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (20 * r.nextDouble() - 10);
            t[i] = (float) (20 * r.nextDouble() - 10);
        }
        if (n > 2) {
            x[0] = 50f;
            x[1] = -50f;
            t[2] = -1e4f;
        }
        float[] y = new float[n + 3];
        java.util.Arrays.fill(y, 9f);
        g.geluTanh(n, x, y);
        for (int i = 0; i < n; i++) {
            float e = FastMath.geluTanh(x[i]);
            // ½x·(1 + tanh): tanh's own error (< 1e-6, evaluated with or without fma) scaled by ½|x|
            assertThat(y[i]).as("geluTanh(%s)", x[i]).isCloseTo(e, offset(1e-6f * (1 + Math.abs(e) + Math.abs(x[i]))));
        }
        assertThat(y[n]).as("element n is not written").isEqualTo(9f);
        g.geluErf(n, x, y);
        for (int i = 0; i < n; i++) {
            float e = FastMath.geluErf(x[i]);
            assertThat(y[i]).as("geluErf(%s)", x[i]).isCloseTo(e, offset(1e-6f * (1 + Math.abs(e) + Math.abs(x[i]))));
        }
        g.gate(n, x, t, y);
        for (int i = 0; i < n; i++) {
            float e = x[i] * FastMath.sigmoid(t[i]);
            assertThat(y[i]).as("gate(%s, %s)", x[i], t[i]).isCloseTo(e, offset(1e-6f * (1 + Math.abs(e) + Math.abs(x[i]))));
        }
        float[] h = random(r, n + 3);
        float[] h0 = h.clone();
        g.gateAdd(n, x, t, h);
        for (int i = 0; i < n; i++) {
            float e = h0[i] + x[i] * FastMath.sigmoid(t[i]);
            assertThat(h[i]).as("gateAdd(%s, %s)", x[i], t[i]).isCloseTo(e, offset(1e-6f * (1 + Math.abs(e) + Math.abs(x[i]))));
        }
        assertThat(h[n]).isEqualTo(h0[n]);
        g.gate(n, x, t, x); // in place
        for (int i = 0; i < n; i++) {
            assertThat(x[i]).isCloseTo(y[i], offset(0f));
        }
    }

    static float[] random(SplittableRandom r, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) (2 * r.nextDouble() - 1);
        }
        return a;
    }
}
