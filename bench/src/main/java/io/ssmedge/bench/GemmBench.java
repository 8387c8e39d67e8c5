package io.ssmedge.bench;

import io.ssmedge.kernel.Kernels;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * The matrix kernel alone, c(m, n) += a(m, k)·b(k, n), scalar against Vector API: whether the vector
 * path pays. Score: ns per call; GFLOP/s = 2·m·k·n / score.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Thread)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class GemmBench {
    /** m×k×n: 64 streams through B̄u (n = 2P), C̃x (k = 2P) and the GLU of the large model, dense and LAST 30 %-pruned (2P ≈ 90, padded 96), and a single stream. */
    @Param({"64x128x128", "64x128x96", "64x90x128", "1x128x128"})
    public String shape;

    @Param({"scalar", "vector"})
    public String kernel;

    Kernels kernels;
    int m;
    int k;
    int n;
    float[] a;
    float[] b;
    float[] c;

    @Setup
    public void setup() {
        String[] s = shape.split("x");
        m = Integer.parseInt(s[0]);
        k = Integer.parseInt(s[1]);
        n = Integer.parseInt(s[2]);
        kernels = BenchModels.kernel(kernel);
        a = BenchModels.inputs(m, k, 1);
        b = BenchModels.inputs(k, n, 2);
        c = new float[m * n];
    }

    @Benchmark
    public float[] mulAdd() {
        java.util.Arrays.fill(c, 0f);
        kernels.mulAdd(m, k, n, a, b, c);
        return c;
    }
}
