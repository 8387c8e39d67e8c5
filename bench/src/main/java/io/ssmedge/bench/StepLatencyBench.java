package io.ssmedge.bench;

import io.ssmedge.model.SsmModel;
import io.ssmedge.model.StreamBlock;
import io.ssmedge.model.StreamState;
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
 * Single-stream step latency (ns per step): the plain {@link SsmModel#step} and the batched step with a
 * block of one stream, on 64 cycling inputs.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Thread)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class StepLatencyBench {
    @Param({"s5-skab", "s5-large", "s4d-skab", "s4d-large"})
    public String model;

    /** step: plain single-stream step; block-scalar / block-vector: stepBlock with S = 1. */
    @Param({"step", "block-scalar", "block-vector"})
    public String path;

    SsmModel m;
    StreamState state;
    StreamBlock block;
    float[][] inputs;
    float[] logp;
    int t;

    @Setup
    public void setup() {
        m = BenchModels.load(model);
        state = m.newState();
        if (!path.equals("step")) {
            block = m.newBlock(1, BenchModels.kernel(path.substring("block-".length())));
        }
        inputs = new float[64][];
        for (int i = 0; i < 64; i++) {
            inputs[i] = BenchModels.inputs(1, m.inputSize(), i);
        }
        logp = new float[m.outputSize()];
    }

    @Benchmark
    public float step() {
        float[] u = inputs[t++ & 63];
        if (block == null) {
            m.step(state, u, logp);
        } else {
            m.stepBlock(block, 1, u, logp);
        }
        return logp[0];
    }
}
