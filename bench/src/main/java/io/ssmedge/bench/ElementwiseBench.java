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
 * The row-wise operations of the batched step on a (64, 128) block (64 streams, H = 128), scalar
 * kernels (plain loops, left to C2) against the Vector API: whether the vector path pays. ns per call.
 * (GELU and the GLU gate were tried on the Vector API too and were slower than C2's own vectorization
 * of the FastMath loops, so they stay scalar; the loops are measured here through FastMath.)
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Thread)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class ElementwiseBench {
    static final int M = 64;
    static final int N = 128;

    @Param({"scalar", "vector"})
    public String kernel;

    Kernels k;
    float[] x;
    float[] y;
    float[] a;
    float[] b;
    float[] state;
    float[] lamRe;
    float[] lamIm;

    @Setup
    public void setup() {
        k = BenchModels.kernel(kernel);
        x = BenchModels.inputs(M, N, 1);
        y = new float[M * N];
        a = BenchModels.inputs(1, N, 3);
        b = BenchModels.inputs(1, N, 4);
        lamRe = new float[N / 2];
        lamIm = new float[N / 2];
        for (int i = 0; i < N / 2; i++) { // |λ̄| = 1: repeated rotation neither decays nor grows
            lamRe[i] = (float) Math.cos(0.1 * i);
            lamIm[i] = (float) Math.sin(0.1 * i);
        }
        state = BenchModels.inputs(M, N, 5);
    }

    @Benchmark
    public float[] geluTanh() {
        io.ssmedge.kernel.FastMath.geluTanh(x, M * N, y);
        return y;
    }

    @Benchmark
    public float[] layerNorm() {
        k.layerNorm(M, x, N, a, b, 1e-6f, y);
        return y;
    }

    /** λ̄ ⊙ x on (64, 2·64) complex states. */
    @Benchmark
    public float[] rotate() {
        k.rotate(M, N / 2, N, lamRe, lamIm, state);
        return state;
    }
}
