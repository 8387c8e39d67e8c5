package io.ssmedge.agent.stream;

import io.ssmedge.agent.config.Durability;
import io.ssmedge.agent.config.InputConfig;
import io.ssmedge.agent.config.LabelsConfig;
import io.ssmedge.agent.config.OverflowPolicy;
import io.ssmedge.agent.config.PayloadFormat;
import io.ssmedge.agent.config.WorkersConfig;
import io.ssmedge.agent.deploy.DeploymentManager;
import io.ssmedge.agent.deploy.ModelVersion;
import io.ssmedge.agent.deploy.ModelVersions;
import io.ssmedge.agent.journal.StreamJournal;
import io.ssmedge.agent.labels.LiveScore;
import io.ssmedge.agent.metrics.AgentMetrics;
import io.ssmedge.agent.mqtt.Ack;
import io.ssmedge.agent.testing.Recording;
import io.ssmedge.eval.Evaluator;
import io.ssmedge.inference.WindowSpec;
import io.ssmedge.model.SsmModel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

/** Input meant to break the agent: implausible ts, junk on new stream ids, hostile ids; and the journal's rebuild. */
@Tag("chaos")
class HostileInputTest {
    static final ModelVersion VERSION = ModelVersions.load("embedded:s5-skab");
    static final SsmModel MODEL = VERSION.model();
    static final double NOW = Timestamps.nowMillis();
    final AgentMetrics metrics = new AgentMetrics();
    final List<Prediction> out = Collections.synchronizedList(new ArrayList<>());
    final List<String> rejections = Collections.synchronizedList(new ArrayList<>());
    WorkerPool pool;
    StreamJournal journal;

    @TempDir
    Path dir;

    WorkerPool pool(WindowSpec spec, int maxStreams, InputConfig input, StreamJournal j) {
        WorkerContext ctx = new WorkerContext(new DeploymentManager(VERSION, spec, false),
                new SensorPayloadParser(PayloadFormat.AUTO, 65536, MODEL.channels()),
                new LabelPayloadParser(PayloadFormat.AUTO, 65536, MODEL.classes()),
                new LabelsConfig(500, 600, 1024), new LiveScore(2), metrics, out::add,
                (stream, kind, reason, message) -> rejections.add(stream + ": " + reason.key() + ": " + message),
                maxStreams, new AtomicInteger(), j == null ? Durability.PROCESSED : Durability.JOURNAL, j, input, null);
        pool = new WorkerPool(ctx, new WorkersConfig(2, 100_000, OverflowPolicy.BLOCK, maxStreams));
        return pool;
    }

    @AfterEach
    void stop() {
        if (pool != null) {
            pool.drainAndStop(Duration.ofSeconds(10));
        }
        if (journal != null) {
            journal.close();
        }
    }

    static InboundMessage sensor(String stream, String payload) {
        return InboundMessage.of(InboundMessage.Kind.SENSOR, stream, payload.getBytes(StandardCharsets.UTF_8), 65536,
                System.nanoTime(), Timestamps.nowMillis());
    }

    static String sample(double ts) {
        return "{\"ts\":" + ts + ",\"values\":[1,2,3,4,5,6,7,8]}";
    }

    @Test
    void farFutureOrAncientTimestampIsRejectedAndDoesNotSilenceTheStream() {
        pool(WindowSpec.fixed(60, 60), 100, InputConfig.defaults(), null).start();
        pool.submit(sensor("p", sample(NOW)));
        pool.submit(sensor("p", sample(1e300)));
        pool.submit(sensor("p", sample(NOW + 3_600_000))); // an hour ahead: beyond max_future_seconds 300
        pool.submit(sensor("p", sample(1_000_000)));        // seconds instead of milliseconds: 1970
        pool.submit(sensor("p", sample(NOW + 1000)));
        pool.drainAndStop(Duration.ofSeconds(10));
        assertThat(metrics.rejectedCount(RejectReason.BAD_TIMESTAMP)).isEqualTo(3);
        assertThat(metrics.rejectedCount(RejectReason.OUT_OF_ORDER)).isZero();
        assertThat(metrics.samples.sum()).isEqualTo(2);
        assertThat(rejections).anyMatch(r -> r.contains("ahead of this machine's clock"))
                .anyMatch(r -> r.contains("before 2000-01-01"));
    }

    @Test
    void junkOnNewIdsTakesNoStreamPlace() {
        pool(WindowSpec.fixed(60, 60), 10, InputConfig.defaults(), null).start();
        for (int i = 0; i < 1000; i++) {
            pool.submit(sensor("junk" + i, "{not json"));
        }
        for (int i = 0; i < 10; i++) {
            pool.submit(sensor("real" + i, sample(NOW + i)));
        }
        pool.drainAndStop(Duration.ofSeconds(10));
        assertThat(metrics.rejectedCount(RejectReason.BAD_JSON)).isEqualTo(1000);
        assertThat(metrics.rejectedCount(RejectReason.TOO_MANY_STREAMS)).isZero();
        assertThat(pool.sessions()).hasSize(10);
    }

    @Test
    void longOrStrangeStreamIdsAreRejectedWithAShortMessage() {
        pool(WindowSpec.fixed(60, 60), 100, InputConfig.defaults(), null).start();
        String huge = "x".repeat(65_510);
        pool.submit(sensor(huge, sample(NOW)));
        pool.submit(sensor("pump\u00007", sample(NOW)));
        pool.submit(sensor("pump-7_a.b:c@d~e", sample(NOW)));
        pool.submit(sensor("Pumpe_Süd", sample(NOW)));
        pool.drainAndStop(Duration.ofSeconds(10));
        assertThat(metrics.rejectedCount(RejectReason.BAD_STREAM_ID)).isEqualTo(2);
        assertThat(pool.sessions()).extracting(StreamSession::id).containsExactlyInAnyOrder("pump-7_a.b:c@d~e", "Pumpe_Süd");
        assertThat(rejections).allSatisfy(r -> assertThat(r.length()).isLessThan(400));
    }

    @Test
    void idleStreamsAreRemovedAndTheirPlaceFreed() throws Exception {
        pool(WindowSpec.fixed(60, 60), 1, new InputConfig(300, 128, 1), null).start();
        pool.submit(sensor("a", sample(NOW)));
        await().atMost(Duration.ofSeconds(10)).until(() -> metrics.streamsRemoved.sum() == 1);
        pool.submit(sensor("b", sample(NOW)));
        await().atMost(Duration.ofSeconds(10)).until(() -> metrics.samples.sum() == 2);
        assertThat(metrics.rejectedCount(RejectReason.TOO_MANY_STREAMS)).isZero();
        assertThat(pool.sessions()).extracting(StreamSession::id).containsExactly("b");
    }

    @Test
    void resetStreamForgetsTheLastTs() throws Exception {
        pool(WindowSpec.fixed(60, 60), 100, InputConfig.defaults(), null).start();
        pool.submit(sensor("p", sample(NOW + 200_000)));
        await().atMost(Duration.ofSeconds(10)).until(() -> metrics.samples.sum() == 1);
        pool.submit(sensor("p", sample(NOW))); // earlier: out of order
        assertThat(pool.reset("p")).isTrue();
        assertThat(pool.reset("unknown")).isFalse();
        pool.submit(sensor("p", sample(NOW + 1)));
        pool.drainAndStop(Duration.ofSeconds(10));
        assertThat(metrics.rejectedCount(RejectReason.OUT_OF_ORDER)).isEqualTo(1);
        assertThat(metrics.samples.sum()).isEqualTo(2);
        assertThat(pool.sessions().get(0).lastSensorTs()).isEqualTo(NOW + 1);
    }

    /**
     * A run cut off in the middle of the stream: a new pool rebuilt from the journal continues it, recognises the
     * samples delivered again and gives exactly the predictions of one uninterrupted run.
     */
    @Test
    void journalRebuildsOpenWindowsAndSkipsRepeats() {
        Recording rec = Recording.fixture(MODEL);
        int len = 60;
        int stride = 8;
        int cut = 203; // not a window boundary
        List<Integer> acked = Collections.synchronizedList(new ArrayList<>());
        journal = StreamJournal.open(dir, MODEL.inputSize(), len, 2, 2, 1 << 20,
                StreamJournal.versionsBesides(VERSION));
        pool(WindowSpec.fixed(len, stride), 100, InputConfig.defaults(), journal).restore(journal.recovered());
        pool.start();
        for (int i = 0; i < cut; i++) {
            int n = i;
            Ack ack = () -> acked.add(n);
            pool.submit(InboundMessage.of(InboundMessage.Kind.SENSOR, "p", rec.json(i), 65536, System.nanoTime(),
                    NOW, ack));
        }
        pool.drainAndStop(Duration.ofSeconds(10));
        journal.close();
        assertThat(acked).hasSize(cut);

        journal = StreamJournal.open(dir, MODEL.inputSize(), len, 2, 2, 1 << 20,
                StreamJournal.versionsBesides(VERSION));
        assertThat(journal.recovered()).containsKey("p");
        pool(WindowSpec.fixed(len, stride), 100, InputConfig.defaults(), journal).restore(journal.recovered());
        pool.start();
        for (int i = cut - 40; i < rec.rows(); i++) { // the broker delivers the last 40 again
            pool.submit(sensor("p", new String(rec.json(i), StandardCharsets.UTF_8)));
        }
        pool.drainAndStop(Duration.ofSeconds(10));
        assertThat(metrics.repeatedSamples.sum()).isEqualTo(40);

        float[] expected = rec.expectedLogp(MODEL, len, stride);
        int windows = expected.length / 2;
        List<Prediction> got = new ArrayList<>(out);
        got.sort((a, b) -> Double.compare(a.tsMillis(), b.tsMillis()));
        assertThat(got).hasSize(windows);
        for (int j = 0; j < windows; j++) {
            assertThat(got.get(j).tsMillis()).isEqualTo(rec.ts(Recording.lastSample(j, len, stride)));
            assertThat(got.get(j).logp()[1]).isCloseTo(expected[2 * j + 1], within(1e-5f));
            assertThat(got.get(j).classIndex()).isEqualTo(Evaluator.argmax(expected, j, 2));
        }
    }

    /** Journaled streams beyond the places there are now (e.g. max_streams or the heap lowered) are not rebuilt. */
    @Test
    void journalRebuildStopsAtTheStreamLimit() {
        Recording rec = Recording.fixture(MODEL);
        journal = StreamJournal.open(dir, MODEL.inputSize(), 60, 2, 2, 1 << 20, StreamJournal.versionsBesides(VERSION));
        pool(WindowSpec.fixed(60, 8), 100, InputConfig.defaults(), journal).restore(journal.recovered());
        pool.start();
        Ack none = () -> { };
        for (String id : List.of("a", "b", "c")) {
            for (int i = 0; i < 10; i++) {
                pool.submit(InboundMessage.of(InboundMessage.Kind.SENSOR, id, rec.json(i), 65536, System.nanoTime(),
                        NOW, none));
            }
        }
        pool.drainAndStop(Duration.ofSeconds(10));
        journal.close();

        journal = StreamJournal.open(dir, MODEL.inputSize(), 60, 2, 2, 1 << 20, StreamJournal.versionsBesides(VERSION));
        assertThat(journal.recovered()).containsOnlyKeys("a", "b", "c");
        pool(WindowSpec.fixed(60, 8), 2, InputConfig.defaults(), journal).restore(journal.recovered());
        assertThat(pool.sessions()).hasSize(2).allSatisfy(x -> assertThat(x.samples()).isEqualTo(10));
        pool.start();
        pool.submit(sensor("d", new String(rec.json(20), StandardCharsets.UTF_8)));
        pool.drainAndStop(Duration.ofSeconds(10));
        assertThat(metrics.rejectedCount(RejectReason.TOO_MANY_STREAMS)).isEqualTo(1);
    }
}
