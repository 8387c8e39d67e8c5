package io.ssmedge.bench;

import io.ssmedge.inference.BlockStepper;
import io.ssmedge.model.SsmModel;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * Batched throughput: N streams stepped together by a {@link BlockStepper} (blocks of at most
 * {@code block} streams, {@code threads} workers). One operation = one sample of one stream, so the
 * score is ns per sample and samples/s = 10⁹ / score. Each invocation processes 1024 samples
 * (1024/N steps of all N streams).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Benchmark)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xmx4g"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class ThroughputBench {
    static final int SAMPLES = 1024;

    @Param({"s5-skab", "s5-large", "s4d-skab", "s4d-large"})
    public String model;

    @Param({"1", "16", "256", "1024"})
    public int streams;

    @Param({"1", "2"})
    public int threads;

    @Param({"scalar", "vector"})
    public String kernel;

    @Param({"64"})
    public int block;

    SsmModel m;
    BlockStepper stepper;
    float[][] inputs;
    float[] logp;
    int t;

    @Setup
    public void setup() {
        m = BenchModels.load(model);
        stepper = new BlockStepper(m, streams, block, threads, BenchModels.kernel(kernel));
        inputs = new float[8][];
        for (int i = 0; i < inputs.length; i++) {
            inputs[i] = BenchModels.inputs(streams, m.inputSize(), i);
        }
        logp = new float[streams * m.outputSize()];
    }

    @TearDown(Level.Trial)
    public void close() {
        stepper.close();
    }

    @Benchmark
    @OperationsPerInvocation(SAMPLES)
    public float samples() {
        for (int k = SAMPLES / streams; k > 0; k--) {
            stepper.step(inputs[t++ & 7], logp);
        }
        return logp[0];
    }
}
