package io.ssmedge.bench;

import io.ssmedge.model.SsmModel;
import io.ssmedge.model.StreamBlock;
import io.ssmedge.model.s4d.S4DModel;
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
 * LAST pruning, physical (smaller arrays, ragged for S4D) against reference-style masking (zeroed
 * units, same compute), on a block of 256 streams, one thread. {@code core}: only the SSM recurrence
 * (λ̄x, B̄u, C̃x, Du) of every layer; {@code full}: the whole batched step. Score: ns per sample.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Thread)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class PruningBench {
    static final int STREAMS = 256;

    @Param({"s5-large", "s4d-large", "s5-skab", "s4d-skab"})
    public String model;

    @Param({"dense", "masked30", "pruned30", "masked50", "pruned50"})
    public String variant;

    @Param({"vector"})
    public String kernel;

    SsmModel m;
    StreamBlock block;
    float[] u;
    float[] logp;

    @Setup
    public void setup() {
        m = BenchModels.variant(BenchModels.load(model), variant);
        block = m.newBlock(STREAMS, BenchModels.kernel(kernel));
        u = BenchModels.inputs(STREAMS, m.inputSize(), 3);
        logp = new float[STREAMS * m.outputSize()];
        m.stepBlock(block, STREAMS, u, logp); // the block's features now hold an encoded input for core()
    }

    @Benchmark
    @OperationsPerInvocation(STREAMS)
    public StreamBlock core() {
        if (m instanceof S5Model) {
            ((S5Model) m).ssmCoreBlock(block, STREAMS);
        } else {
            ((S4DModel) m).ssmCoreBlock(block, STREAMS);
        }
        return block;
    }

    @Benchmark
    @OperationsPerInvocation(STREAMS)
    public float full() {
        m.stepBlock(block, STREAMS, u, logp);
        return logp[0];
    }
}
