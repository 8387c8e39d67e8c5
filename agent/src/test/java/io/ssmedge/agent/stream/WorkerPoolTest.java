package io.ssmedge.agent.stream;

import io.ssmedge.agent.config.LabelsConfig;
import io.ssmedge.agent.config.OverflowPolicy;
import io.ssmedge.agent.config.PayloadFormat;
import io.ssmedge.agent.config.WorkersConfig;
import io.ssmedge.agent.deploy.DeploymentManager;
import io.ssmedge.agent.deploy.ModelVersion;
import io.ssmedge.agent.deploy.ModelVersions;
import io.ssmedge.agent.labels.LiveScore;
import io.ssmedge.agent.metrics.AgentMetrics;
import io.ssmedge.agent.testing.Recording;
import io.ssmedge.eval.Evaluator;
import io.ssmedge.inference.WindowSpec;
import io.ssmedge.model.ModelLoader;
import io.ssmedge.model.SsmModel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The worker pipeline without MQTT: messages in, predictions equal to the batch evaluation out. */
class WorkerPoolTest {
    static final ModelVersion VERSION = ModelVersions.load("embedded:s5-skab");
    static final SsmModel MODEL = VERSION.model();
    final AgentMetrics metrics = new AgentMetrics();
    final List<Prediction> out = Collections.synchronizedList(new ArrayList<>());
    final List<String> rejections = Collections.synchronizedList(new ArrayList<>());
    final LiveScore overall = new LiveScore(2);
    WorkerPool pool;

    WorkerPool pool(WindowSpec spec, int threads, int capacity, OverflowPolicy policy) {
        return pool(VERSION, spec, threads, capacity, policy);
    }

    WorkerPool pool(ModelVersion version, WindowSpec spec, int threads, int capacity, OverflowPolicy policy) {
        SsmModel model = version.model();
        WorkerContext ctx = new WorkerContext(new DeploymentManager(version, spec, false),
                new SensorPayloadParser(PayloadFormat.AUTO, 65536, model.channels()),
                new LabelPayloadParser(PayloadFormat.AUTO, 65536, model.classes()),
                new LabelsConfig(500, 600, 1024), overall, metrics, out::add,
                (stream, kind, reason, message) -> rejections.add(stream + ": " + reason.key() + ": " + message),
                100, new AtomicInteger());
        pool = new WorkerPool(ctx, new WorkersConfig(threads, capacity, policy, 100));
        return pool;
    }

    @AfterEach
    void stop() {
        if (pool != null) {
            pool.drainAndStop(Duration.ofSeconds(10));
        }
    }

    static InboundMessage sensor(String stream, byte[] payload) {
        return InboundMessage.of(InboundMessage.Kind.SENSOR, stream, payload, 65536, System.nanoTime(), Timestamps.nowMillis());
    }

    static InboundMessage label(String stream, byte[] payload) {
        return InboundMessage.of(InboundMessage.Kind.LABEL, stream, payload, 65536, System.nanoTime(), Timestamps.nowMillis());
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void predictionsEqualBatchEvaluationWithBadMessagesInBetween() {
        Recording rec = Recording.fixture(MODEL);
        int len = 60;
        int stride = 8;
        pool(WindowSpec.fixed(len, stride), 2, 100_000, OverflowPolicy.BLOCK).start();
        for (int i = 0; i < rec.rows(); i++) {
            pool.submit(sensor("pump-a", rec.json(i)));
            pool.submit(sensor("pump-b", i % 2 == 0 ? rec.csv(i) : rec.namedJson(i, MODEL.channels())));
            if (i % 50 == 7) { // bad input between good samples must not disturb the stream
                pool.submit(sensor("pump-a", bytes("{\"ts\": 1, \"values\": [1, 2")));
                pool.submit(sensor("pump-a", bytes("{\"values\": [1, NaN, 3, 4, 5, 6, 7, 8]}")));
                pool.submit(sensor("pump-a", bytes("{\"values\": [1, 2, 3]}")));
                pool.submit(sensor("pump-a", rec.json(i))); // repeated sample: same ts
            }
        }
        pool.drainAndStop(Duration.ofSeconds(30));

        float[] expected = rec.expectedLogp(MODEL, len, stride);
        int windows = expected.length / 2;
        assertThat(windows).isGreaterThan(40);
        for (String stream : List.of("pump-a", "pump-b")) {
            List<Prediction> got = out.stream().filter(p -> p.stream().equals(stream)).toList();
            assertThat(got).as(stream).hasSize(windows);
            for (int j = 0; j < windows; j++) {
                Prediction p = got.get(j);
                assertThat(p.tsMillis()).isEqualTo(rec.ts(Recording.lastSample(j, len, stride)));
                assertThat(p.tsFromSensor()).isTrue();
                assertThat(p.logp()[0]).isCloseTo(expected[2 * j], within(1e-5f));
                assertThat(p.logp()[1]).isCloseTo(expected[2 * j + 1], within(1e-5f));
                assertThat(p.classIndex()).isEqualTo(Evaluator.argmax(expected, j, 2));
            }
        }
        int bad = (int) java.util.stream.IntStream.range(0, rec.rows()).filter(i -> i % 50 == 7).count();
        assertThat(metrics.rejectedCount(RejectReason.BAD_JSON)).isEqualTo(bad);
        assertThat(metrics.rejectedCount(RejectReason.NOT_A_NUMBER)).isEqualTo(bad);
        assertThat(metrics.rejectedCount(RejectReason.WRONG_CHANNEL_COUNT)).isEqualTo(bad);
        assertThat(metrics.repeatedSamples.sum()).isEqualTo(bad); // a repeat is recognised by its ts and skipped
        assertThat(metrics.rejectedCount(RejectReason.OUT_OF_ORDER)).isZero();
        assertThat(rejections).anyMatch(r -> r.startsWith("pump-a: wrong_channel_count: expected 8 values"));
        assertThat(metrics.samples.sum()).isEqualTo(2L * rec.rows());
        assertThat(pool.sessions()).hasSize(2);
        assertThat(pool.sessions().get(0).stateBytes()).isGreaterThan(0);
    }

    /**
     * A model with large per-stream state (S4D: 133 KB of windows per stream at window 60 / stride 8) steps a flush's
     * streams in several passes of at most StreamWorker.PASS_BYTES: 24 streams queued before the worker starts, so
     * that its flushes hold many streams at once. Every stream's predictions still equal the batch evaluation.
     */
    @Test
    void largeStateStreamsStepInPassesAndEqualTheBatchEvaluation() {
        ModelVersion s4d = ModelVersions.load("embedded:s4d-skab");
        SsmModel model = s4d.model();
        Recording rec = Recording.fixture(model);
        int len = 60;
        int stride = 8;
        int streams = 24;
        int rows = Math.min(rec.rows(), 140);
        long perStream = io.ssmedge.inference.WindowedStream.compactStateBytes(model, WindowSpec.fixed(len, stride));
        assertThat(streams * perStream).isGreaterThan(2 * StreamWorker.PASS_BYTES);
        pool(s4d, WindowSpec.fixed(len, stride), 1, 100_000, OverflowPolicy.BLOCK);
        for (int i = 0; i < rows; i++) {
            for (int k = 0; k < streams; k++) {
                pool.submit(sensor("pump-" + k, rec.csv(i)));
            }
        }
        pool.start();
        pool.drainAndStop(Duration.ofSeconds(60));

        float[] expected = rec.expectedLogp(model, len, stride);
        int windows = (rows - len) / stride + 1;
        assertThat(windows).isGreaterThan(5);
        for (int k = 0; k < streams; k++) {
            String stream = "pump-" + k;
            List<Prediction> got = out.stream().filter(p -> p.stream().equals(stream)).toList();
            assertThat(got).as(stream).hasSize(windows);
            for (int j = 0; j < windows; j++) {
                assertThat(got.get(j).tsMillis()).isEqualTo(rec.ts(Recording.lastSample(j, len, stride)));
                assertThat(got.get(j).logp()[0]).as("%s window %d", stream, j).isCloseTo(expected[2 * j], within(1e-4f));
                assertThat(got.get(j).logp()[1]).as("%s window %d", stream, j).isCloseTo(expected[2 * j + 1], within(1e-4f));
            }
        }
    }

    @Test
    void labelsGiveLiveAccuracyOfTheBatchPredictions() {
        Recording rec = Recording.fixture(MODEL);
        int len = 60;
        pool(WindowSpec.fixed(len, len), 1, 100_000, OverflowPolicy.BLOCK).start();
        for (int i = 0; i < rec.rows(); i++) {
            if (i % 3 == 0) {
                pool.submit(label("p", rec.label(i))); // early labels (before their window ends)
            }
            pool.submit(sensor("p", rec.json(i)));
            if (i >= 5 && (i - 5) % 3 != 0) {
                pool.submit(label("p", rec.label(i - 5))); // late labels
            }
        }
        for (int i = rec.rows() - 5; i < rec.rows(); i++) {
            if (i % 3 != 0) {
                pool.submit(label("p", rec.label(i)));
            }
        }
        pool.drainAndStop(Duration.ofSeconds(30));
        float[] expected = rec.expectedLogp(MODEL, len, len);
        var result = Evaluator.score(expected, rec.windows(len, len).labels(), 2);
        LiveScore.Snapshot live = overall.snapshot();
        assertThat(live.matched()).isEqualTo(expected.length / 2);
        assertThat(live.accuracy()).isEqualTo(result.accuracy());
        assertThat(live.confusion()).isDeepEqualTo(result.confusion().counts());
        assertThat(pool.sessions().get(0).score().snapshot().matched()).isEqualTo(live.matched());
        assertThat(metrics.labelsMatched.sum()).isEqualTo(live.matched());
        assertThat(metrics.labels.sum()).isEqualTo(rec.rows());
    }

    static final long T0 = 1_700_000_000_000L; // 2023-11-14

    @Test
    void overflowPoliciesCountDrops() {
        pool(WindowSpec.fixed(60, 60), 1, 3, OverflowPolicy.DROP_NEWEST); // not started: nothing is taken out
        for (int i = 0; i < 10; i++) {
            pool.submit(sensor("s", bytes("{\"ts\":" + (T0 + i) + ",\"values\":[1,2,3,4,5,6,7,8]}")));
        }
        assertThat(metrics.dropped.sum()).isEqualTo(7);
        assertThat(pool.queueDepth(0)).isEqualTo(3);
        pool = null;

        AgentMetrics m2 = metrics;
        pool(WindowSpec.fixed(60, 60), 1, 3, OverflowPolicy.DROP_OLDEST);
        for (int i = 0; i < 10; i++) {
            pool.submit(sensor("s", bytes("{\"ts\":" + (T0 + i) + ",\"values\":[1,2,3,4,5,6,7,8]}")));
        }
        assertThat(m2.dropped.sum()).isEqualTo(14);
        pool.start();
        pool.drainAndStop(Duration.ofSeconds(10));
        assertThat(pool.sessions().get(0).lastSensorTs()).isEqualTo(T0 + 9.0); // the newest three were kept
        assertThat(pool.sessions().get(0).samples()).isEqualTo(3);
    }

    @Test
    void streamLimitRejects() {
        WorkerContext ctx = new WorkerContext(new DeploymentManager(VERSION, WindowSpec.fixed(60, 60), false),
                new SensorPayloadParser(PayloadFormat.AUTO, 65536, MODEL.channels()),
                new LabelPayloadParser(PayloadFormat.AUTO, 65536, MODEL.classes()), LabelsConfig.defaults(), overall,
                metrics, out::add, (s, k, r, m) -> rejections.add(r.key()), 2, new AtomicInteger());
        pool = new WorkerPool(ctx, new WorkersConfig(2, 100, OverflowPolicy.BLOCK, 2));
        pool.start();
        for (String s : List.of("a", "b", "c", "d")) {
            pool.submit(sensor(s, bytes("[1,2,3,4,5,6,7,8]".replace("[", "{\"values\":[").replace("]", "]}"))));
        }
        pool.drainAndStop(Duration.ofSeconds(10));
        assertThat(pool.sessions()).hasSize(2);
        assertThat(metrics.rejectedCount(RejectReason.TOO_MANY_STREAMS)).isEqualTo(2);
    }

    @Test
    void routingIsStableAndSpreads() {
        pool(WindowSpec.fixed(60, 60), 4, 10, OverflowPolicy.BLOCK);
        int[] per = new int[4];
        for (int i = 0; i < 1000; i++) {
            int w = pool.workerOf("pump" + i);
            assertThat(pool.workerOf("pump" + i)).isEqualTo(w);
            per[w]++;
        }
        for (int n : per) {
            assertThat(n).isBetween(180, 320);
        }
        pool = null;
    }
}
