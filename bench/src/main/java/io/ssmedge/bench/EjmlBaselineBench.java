package io.ssmedge.bench;

import io.ssmedge.model.StreamState;
import io.ssmedge.model.s5.S5Model;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * The straightforward EJML implementation ({@link EjmlS5}), ns per sample: one stream, and 256 streams
 * stepped one after another (EJML has no batching). Setup checks it computes the same log-probabilities
 * as ssm-edge (to 1e-3 after 60 steps).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Thread)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class EjmlBaselineBench {
    static final int STREAMS = 256;

    @Param({"s5-skab", "s5-large"})
    public String model;

    EjmlS5 ejml;
    EjmlS5.Stream one;
    EjmlS5.Stream[] many;
    float[][] inputs;
    float[] logp;
    int t;

    @Setup
    public void setup() {
        S5Model m = (S5Model) BenchModels.load(model);
        ejml = new EjmlS5(m);
        inputs = new float[64][];
        for (int i = 0; i < 64; i++) {
            inputs[i] = BenchModels.inputs(1, m.inputSize(), i);
        }
        logp = new float[m.outputSize()];
        // same model: compare with ssm-edge's plain step over 60 steps
        StreamState s = m.newState();
        EjmlS5.Stream e = ejml.newStream();
        float[] ref = new float[m.outputSize()];
        for (int k = 0; k < 60; k++) {
            m.step(s, inputs[k], ref);
            ejml.step(e, inputs[k], logp);
        }
        for (int k = 0; k < ref.length; k++) {
            if (Math.abs(ref[k] - logp[k]) > 1e-3) {
                throw new IllegalStateException("EJML baseline disagrees with ssm-edge: " + logp[k] + " vs " + ref[k]);
            }
        }
        one = ejml.newStream();
        many = new EjmlS5.Stream[STREAMS];
        for (int i = 0; i < STREAMS; i++) {
            many[i] = ejml.newStream();
        }
    }

    @Benchmark
    public float stream1() {
        ejml.step(one, inputs[t++ & 63], logp);
        return logp[0];
    }

    @Benchmark
    @OperationsPerInvocation(STREAMS)
    public float streams256() {
        float[] u = inputs[t++ & 63];
        for (EjmlS5.Stream s : many) {
            ejml.step(s, u, logp);
        }
        return logp[0];
    }
}
