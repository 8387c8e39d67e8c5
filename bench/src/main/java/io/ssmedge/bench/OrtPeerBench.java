package io.ssmedge.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.ssmedge.model.SsmModel;
import io.ssmedge.inference.BlockStepper;
import io.ssmedge.model.StreamState;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.BenchmarkParams;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The peer runtime: ONNX Runtime Java running ../shared/peers/s5-skab-step.onnx (one streaming step of
 * s5-skab, states passed in and out) with {@code threads} intra-op threads (default 1), against ssm-edge on the same model and
 * inputs in the same run, at batch 1 and batch 256. Score: ns per step of the whole batch (samples/s =
 * batch·10⁹ / score).
 *
 * <p>ORT gets its best Java setup: input tensors over direct buffers created once, and the state
 * outputs written by ORT straight into the next step's input tensors (pinned outputs, two sets used
 * alternately), so no Java-side copy is made. The .onnx file is found through
 * {@code -Dssmedge.peers=DIR} or ../shared/peers (from the working directory up); when absent, the
 * ORT benchmarks stop with a message saying so.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Thread)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class OrtPeerBench {
    static final int LAYERS = 4;
    static final int STATES = 16;

    @Param({"1", "256"})
    public int batch;

    /** ORT intra-op threads; ssm-edge workers (BlockStepper over blocks of batch/threads streams). */
    @Param({"1"})
    public int threads;

    OrtEnvironment env;
    OrtSession session;
    FloatBuffer uBuf;
    final Map<String, OnnxTensor>[] inputs = newMaps();
    final Map<String, OnnxTensor>[] outputs = newMaps();
    OnnxTensor logpT;
    int phase;

    SsmModel model;
    StreamState[] states;
    final float[] one = new float[8];
    BlockStepper stepper;
    float[][] samples;  // [64] (batch, 8)
    float[] logp;
    int t;

    @SuppressWarnings("unchecked")
    private static Map<String, OnnxTensor>[] newMaps() {
        return new Map[]{new HashMap<>(), new HashMap<>()};
    }

    /** The peers folder: -Dssmedge.peers, else ../shared/peers or shared/peers from the working directory up. */
    static Path onnxFile() {
        String prop = System.getProperty("ssmedge.peers");
        if (prop != null) {
            return Path.of(prop).resolve("s5-skab-step.onnx");
        }
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            for (Path c : new Path[]{p.resolve("shared/peers"), p.resolveSibling("shared").resolve("peers")}) {
                if (Files.isRegularFile(c.resolve("s5-skab-step.onnx"))) {
                    return c.resolve("s5-skab-step.onnx");
                }
            }
        }
        return null;
    }

    @Setup(Level.Trial)
    public void setup(BenchmarkParams params) throws OrtException {
        setup(params.getBenchmark().contains(".ort"));
    }

    /** The setup of a trial; ONNX Runtime is loaded only when {@code withOrt}. */
    void setup(boolean withOrt) throws OrtException {
        model = BenchModels.load("s5-skab");
        samples = new float[64][];
        for (int i = 0; i < 64; i++) {
            samples[i] = BenchModels.inputs(batch, 8, 100 + i);
        }
        logp = new float[batch * 2];
        states = new StreamState[batch];
        for (int i = 0; i < batch; i++) {
            states[i] = model.newState();
        }
        stepper = new BlockStepper(model, batch, (batch + threads - 1) / threads, threads, BenchModels.kernel("vector"));
        if (!withOrt) {
            return;
        }
        Path onnx = onnxFile();
        if (onnx == null || !Files.isRegularFile(onnx)) {
            throw new IllegalStateException("SKIPPED: s5-skab-step.onnx not found (looked in -Dssmedge.peers and "
                    + "../shared/peers); the ORT peer benchmark needs it");
        }
        env = OrtEnvironment.getEnvironment();
        OrtSession.SessionOptions so = new OrtSession.SessionOptions();
        so.setIntraOpNumThreads(threads);
        so.setInterOpNumThreads(1);
        so.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
        so.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
        session = env.createSession(onnx.toString(), so);
        uBuf = direct(batch * 8);
        OnnxTensor u = OnnxTensor.createTensor(env, uBuf, new long[]{batch, 8});
        logpT = OnnxTensor.createTensor(env, direct(batch * 2), new long[]{batch, 2});
        OnnxTensor[][] st = new OnnxTensor[2][2 * LAYERS];
        for (int set = 0; set < 2; set++) {
            for (int k = 0; k < 2 * LAYERS; k++) {
                st[set][k] = OnnxTensor.createTensor(env, direct(batch * STATES), new long[]{batch, STATES});
            }
        }
        // phase p reads state set p and writes set 1 − p
        for (int p = 0; p < 2; p++) {
            inputs[p].put("u", u);
            outputs[p].put("logp", logpT);
            for (int l = 0; l < LAYERS; l++) {
                inputs[p].put("x" + l + "_re", st[p][2 * l]);
                inputs[p].put("x" + l + "_im", st[p][2 * l + 1]);
                outputs[p].put("x" + l + "_re_next", st[1 - p][2 * l]);
                outputs[p].put("x" + l + "_im_next", st[1 - p][2 * l + 1]);
            }
        }
        checkAgreement();
    }

    private static FloatBuffer direct(int floats) {
        return ByteBuffer.allocateDirect(4 * floats).order(ByteOrder.nativeOrder()).asFloatBuffer();
    }

    /** ORT and ssm-edge must give the same log-probabilities after a 60-step window (stream 0). */
    private void checkAgreement() throws OrtException {
        float[] ours = new float[2];
        StreamState s = model.newState();
        float[] u0 = new float[8];
        for (int k = 0; k < 60; k++) {
            System.arraycopy(samples[k], 0, u0, 0, 8);
            model.step(s, u0, ours);
            ort(samples[k]);
        }
        float[] theirs = new float[2];
        logpT.getFloatBuffer().get(theirs);
        for (int j = 0; j < 2; j++) {
            if (Math.abs(ours[j] - theirs[j]) > 2e-4) {
                throw new IllegalStateException("ORT and ssm-edge disagree: " + theirs[j] + " vs " + ours[j]);
            }
        }
        System.out.println("ORT agrees with ssm-edge after 60 steps: logp " + theirs[0] + ", " + theirs[1]);
    }

    private void ort(float[] u) throws OrtException {
        uBuf.rewind();
        uBuf.put(u, 0, batch * 8);
        uBuf.rewind();
        session.run(inputs[phase], outputs[phase]).close();
        phase = 1 - phase;
    }

    @TearDown(Level.Trial)
    public void close() throws OrtException {
        stepper.close();
        if (session != null) {
            session.close();
        }
    }

    /** ONNX Runtime, one step of the whole batch; score per sample. */
    @Benchmark
    public OnnxTensor ort() throws OrtException {
        ort(samples[t++ & 63]);
        return logpT;
    }

    /** ssm-edge: the batched step (vector kernels, FastMath nonlinearities) of {@code batch} streams on {@code threads} workers. */
    @Benchmark
    public float ssmEdge() {
        stepper.step(samples[t++ & 63], logp);
        return logp[0];
    }

    /** ssm-edge: the plain single-stream step (Math.tanh/exp, scalar loops), each of the batch's streams in turn. */
    @Benchmark
    public float ssmEdgePlain() {
        float[] u = samples[t++ & 63];
        for (int s = 0; s < batch; s++) {
            System.arraycopy(u, 8 * s, one, 0, 8);
            model.step(states[s], one, logp);
        }
        return logp[0];
    }
}
