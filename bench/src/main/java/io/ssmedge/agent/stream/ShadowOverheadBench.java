package io.ssmedge.agent.stream;

import io.ssmedge.agent.config.LabelsConfig;
import io.ssmedge.agent.config.OverflowPolicy;
import io.ssmedge.agent.config.PayloadFormat;
import io.ssmedge.agent.deploy.DeploymentManager;
import io.ssmedge.agent.deploy.ModelVersion;
import io.ssmedge.agent.deploy.ModelVersions;
import io.ssmedge.agent.labels.LiveScore;
import io.ssmedge.agent.metrics.AgentMetrics;
import io.ssmedge.inference.WindowSpec;
import io.ssmedge.model.SsmModel;
import io.ssmedge.pruning.Pruner;
import io.ssmedge.pruning.PruningMethod;
import io.ssmedge.pruning.PruningPlan;
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

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * CPU cost of shadowing in the daemon's worker: one sensor message (one sample) of one stream through
 * {@link StreamWorker} — JSON parse, normalization, model steps, label join, prediction objects — with no shadow,
 * a shadow of equal size (the LAST 30 % masked model: same arrays and compute as the original, other weights), and
 * the LAST 30 % pruned model, at the model's own window and stride (s5-skab: 60 samples, a window every 8, so 8
 * open windows per stream). Lives in the worker's package because the worker is not public API.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Thread)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Dssmedge.vector=true"}) // as ./ssm-edge runs
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@OperationsPerInvocation(ShadowOverheadBench.STREAMS)
public class ShadowOverheadBench {
    static final int STREAMS = 16;
    static final int PAYLOADS = 256;

    /** none: the serving model alone; equal: + a shadow of the same size; pruned30: + the LAST 30 % pruned model. */
    @Param({"none", "equal", "pruned30"})
    public String shadow;

    StreamWorker worker;
    InboundMessage[][] messages; // [stream][k]
    int k;

    @Setup
    public void setup() {
        worker = worker(shadow);
        messages = messages();
    }

    /** A worker on s5-skab at its own window and stride, with the given shadow (none, equal, pruned30) on every stream. */
    static StreamWorker worker(String shadow) {
        return worker(shadow, STREAMS);
    }

    /** The same for a worker serving {@code streams} streams. */
    static StreamWorker worker(String shadow, int streams) {
        ModelVersion original = ModelVersions.load("embedded:s5-skab");
        SsmModel m = original.model();
        WindowSpec window = WindowSpec.fixed(m.trainingWindow(), m.evaluationStride());
        DeploymentManager dm = new DeploymentManager(original, window, false);
        PruningPlan plan = Pruner.plan(m, PruningMethod.LAST, 30);
        switch (shadow) {
            case "equal" -> dm.startShadow(new ModelVersion(m.masked(plan.kept()), "sha256:bench-equal", 0, "masked",
                    null), 1.0);
            case "pruned30" -> dm.startShadow(new ModelVersion(Pruner.apply(m, plan), "sha256:bench-pruned30", 0.3,
                    "last", null), 1.0);
            case "none" -> {
            }
            default -> throw new IllegalArgumentException("shadow must be none, equal or pruned30, got " + shadow);
        }
        long[] published = new long[1];
        WorkerContext ctx = new WorkerContext(dm, new SensorPayloadParser(PayloadFormat.AUTO, 65536, m.channels()),
                new LabelPayloadParser(PayloadFormat.AUTO, 65536, m.classes()), LabelsConfig.defaults(),
                new LiveScore(m.outputSize()), new AgentMetrics(), p -> published[0]++, (s, kind, r, msg) -> {
                    throw new IllegalStateException(msg);
                }, streams, new AtomicInteger());
        StreamWorker w = new StreamWorker(0, ctx, new WorkerQueue(16, OverflowPolicy.BLOCK));
        w.pickUpDeployment();
        return w;
    }

    /** [stream][k]: one-sample JSON messages of {@link #STREAMS} streams, without ts (no order check needed). */
    static InboundMessage[][] messages() {
        return messages(STREAMS);
    }

    /** [stream][k]: the same for {@code streams} streams. */
    static InboundMessage[][] messages(int streams) {
        SsmModel m = ModelVersions.load("embedded:s5-skab").model();
        SplittableRandom rnd = new SplittableRandom(7);
        InboundMessage[][] out = new InboundMessage[streams][PAYLOADS];
        for (int s = 0; s < streams; s++) {
            for (int i = 0; i < PAYLOADS; i++) {
                StringBuilder b = new StringBuilder("{\"values\":[");
                for (int c = 0; c < m.inputSize(); c++) {
                    b.append(c == 0 ? "" : ",").append(String.format(Locale.ROOT, "%.4f", rnd.nextGaussian()));
                }
                out[s][i] = InboundMessage.of(InboundMessage.Kind.SENSOR, "pump-" + s,
                        b.append("]}").toString().getBytes(StandardCharsets.UTF_8), 65536, System.nanoTime(), 0);
            }
        }
        return out;
    }

    /** One message of each stream (the figure is per message = per sample of one stream). */
    @Benchmark
    public long message() {
        int i = k++ & (PAYLOADS - 1);
        for (int s = 0; s < STREAMS; s++) {
            worker.handleSafely(messages[s][i]);
        }
        return i;
    }
}
