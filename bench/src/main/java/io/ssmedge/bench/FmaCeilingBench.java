package io.ssmedge.bench;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * The machine's single-core FP32 FMA ceiling: 12 independent accumulator chains of a = a·x + y,
 * Vector API, in a warmed-up method (not OSR). Score in ops/ns = GFLOP/s (one FMA = 2 FLOP).
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Thread)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class FmaCeilingBench {
    static final int ITER = 2048;
    static final int CHAINS = 12;
    float x = 0.9999f;
    float y = 1e-4f;

    @Benchmark
    @OperationsPerInvocation(ITER * CHAINS * 16 * 2)
    public float vector512() {
        VectorSpecies<Float> sp = FloatVector.SPECIES_512;
        FloatVector vx = FloatVector.broadcast(sp, x);
        FloatVector vy = FloatVector.broadcast(sp, y);
        FloatVector a0 = FloatVector.broadcast(sp, 0.1f);
        FloatVector a1 = FloatVector.broadcast(sp, 0.2f);
        FloatVector a2 = FloatVector.broadcast(sp, 0.3f);
        FloatVector a3 = FloatVector.broadcast(sp, 0.4f);
        FloatVector a4 = FloatVector.broadcast(sp, 0.5f);
        FloatVector a5 = FloatVector.broadcast(sp, 0.6f);
        FloatVector a6 = FloatVector.broadcast(sp, 0.7f);
        FloatVector a7 = FloatVector.broadcast(sp, 0.8f);
        FloatVector a8 = FloatVector.broadcast(sp, 0.9f);
        FloatVector a9 = FloatVector.broadcast(sp, 1.0f);
        FloatVector a10 = FloatVector.broadcast(sp, 1.1f);
        FloatVector a11 = FloatVector.broadcast(sp, 1.2f);
        for (int i = 0; i < ITER; i++) {
            a0 = a0.fma(vx, vy);
            a1 = a1.fma(vx, vy);
            a2 = a2.fma(vx, vy);
            a3 = a3.fma(vx, vy);
            a4 = a4.fma(vx, vy);
            a5 = a5.fma(vx, vy);
            a6 = a6.fma(vx, vy);
            a7 = a7.fma(vx, vy);
            a8 = a8.fma(vx, vy);
            a9 = a9.fma(vx, vy);
            a10 = a10.fma(vx, vy);
            a11 = a11.fma(vx, vy);
        }
        return a0.add(a1).add(a2).add(a3).add(a4).add(a5).add(a6).add(a7).add(a8).add(a9).add(a10).add(a11).reduceLanes(VectorOperators.ADD);
    }

    @Benchmark
    @OperationsPerInvocation(ITER * CHAINS * 8 * 2)
    public float vector256() {
        VectorSpecies<Float> sp = FloatVector.SPECIES_256;
        FloatVector vx = FloatVector.broadcast(sp, x);
        FloatVector vy = FloatVector.broadcast(sp, y);
        FloatVector a0 = FloatVector.broadcast(sp, 0.1f);
        FloatVector a1 = FloatVector.broadcast(sp, 0.2f);
        FloatVector a2 = FloatVector.broadcast(sp, 0.3f);
        FloatVector a3 = FloatVector.broadcast(sp, 0.4f);
        FloatVector a4 = FloatVector.broadcast(sp, 0.5f);
        FloatVector a5 = FloatVector.broadcast(sp, 0.6f);
        FloatVector a6 = FloatVector.broadcast(sp, 0.7f);
        FloatVector a7 = FloatVector.broadcast(sp, 0.8f);
        FloatVector a8 = FloatVector.broadcast(sp, 0.9f);
        FloatVector a9 = FloatVector.broadcast(sp, 1.0f);
        FloatVector a10 = FloatVector.broadcast(sp, 1.1f);
        FloatVector a11 = FloatVector.broadcast(sp, 1.2f);
        for (int i = 0; i < ITER; i++) {
            a0 = a0.fma(vx, vy);
            a1 = a1.fma(vx, vy);
            a2 = a2.fma(vx, vy);
            a3 = a3.fma(vx, vy);
            a4 = a4.fma(vx, vy);
            a5 = a5.fma(vx, vy);
            a6 = a6.fma(vx, vy);
            a7 = a7.fma(vx, vy);
            a8 = a8.fma(vx, vy);
            a9 = a9.fma(vx, vy);
            a10 = a10.fma(vx, vy);
            a11 = a11.fma(vx, vy);
        }
        return a0.add(a1).add(a2).add(a3).add(a4).add(a5).add(a6).add(a7).add(a8).add(a9).add(a10).add(a11).reduceLanes(VectorOperators.ADD);
    }
}
