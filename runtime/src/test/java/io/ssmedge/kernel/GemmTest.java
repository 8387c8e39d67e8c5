package io.ssmedge.kernel;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Every {@link Gemm} against a naive float64 triple loop, on shapes that hit every tile and tail. */
class GemmTest {
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

    static Gemm kernel(String name) {
        return name.equals("scalar") ? Gemm.scalar() : Gemm.vector();
    }

    @ParameterizedTest(name = "{0} m={1} k={2} n={3}")
    @MethodSource("cases")
    void mulAddMatchesNaiveProduct(String name, int m, int k, int n) {
        Gemm g = kernel(name);
        assumeTrue(g != null, "jdk.incubator.vector is not loaded in this JVM");
        SplittableRandom r = new SplittableRandom(m * 1_000_003L + k * 1009L + n);
        float[] a = random(r, m * k);
        float[] b = random(r, k * n);
        float[] c = random(r, m * n + 5); // extra tail must stay untouched
        float[] c0 = c.clone();
        g.mulAdd(m, k, n, a, b, c);
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

    static float[] random(SplittableRandom r, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) (2 * r.nextDouble() - 1);
        }
        return a;
    }
}
