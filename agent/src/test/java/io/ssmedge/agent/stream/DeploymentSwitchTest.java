package io.ssmedge.agent.stream;

import io.ssmedge.agent.config.LabelsConfig;
import io.ssmedge.agent.config.OverflowPolicy;
import io.ssmedge.agent.config.PayloadFormat;
import io.ssmedge.agent.config.WorkersConfig;
import io.ssmedge.agent.deploy.DeploymentManager;
import io.ssmedge.agent.deploy.ModelVersion;
import io.ssmedge.agent.deploy.ModelVersions;
import io.ssmedge.agent.deploy.PairedWindow;
import io.ssmedge.agent.labels.LiveScore;
import io.ssmedge.agent.metrics.AgentMetrics;
import io.ssmedge.agent.testing.Recording;
import io.ssmedge.eval.Evaluator;
import io.ssmedge.inference.WindowSpec;
import io.ssmedge.model.SsmModel;
import io.ssmedge.pruning.Pruner;
import io.ssmedge.pruning.PruningMethod;
import io.ssmedge.pruning.PruningPlan;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The deployment seam on the worker, without MQTT: shadow, promote, rollback and replace while samples flow. The
 * oracle for every class is the batch evaluation of each model on the recording's windows.
 */
class DeploymentSwitchTest {
    static final int LEN = 60;
    static final int STRIDE = 8;
    static final ModelVersion ORIGINAL = ModelVersions.load("embedded:s5-skab");
    static final SsmModel MODEL = ORIGINAL.model();
    static final PruningPlan PLAN = Pruner.plan(MODEL, PruningMethod.LAST, 30);
    static final ModelVersion PRUNED = new ModelVersion(Pruner.apply(MODEL, PLAN), "sha256:test-pruned-30", 0.3, "last",
            null);
    /** Same size as the original, pruned units zeroed: a different model that is no pruned copy (no carry). */
    static final ModelVersion OTHER = new ModelVersion(MODEL.masked(PLAN.kept()), "sha256:test-masked-30", 0, "masked",
            null);
    static final Recording REC = Recording.fixture(MODEL);
    static final float[] EXPECTED_ORIGINAL = REC.expectedLogp(MODEL, LEN, STRIDE);
    static final float[] EXPECTED_PRUNED = REC.expectedLogp(PRUNED.model(), LEN, STRIDE);
    static final float[] EXPECTED_OTHER = REC.expectedLogp(OTHER.model(), LEN, STRIDE);
    static final int WINDOWS = EXPECTED_ORIGINAL.length / 2;

    final List<Prediction> out = Collections.synchronizedList(new ArrayList<>());
    final List<PairedWindow> pairs = Collections.synchronizedList(new ArrayList<>());
    final AgentMetrics metrics = new AgentMetrics();
    DeploymentManager dm;

    StreamWorker worker(boolean labels, LabelsConfig labelsConfig) {
        dm = new DeploymentManager(ORIGINAL, WindowSpec.fixed(LEN, STRIDE), labels);
        dm.addListener(pairs::add);
        return new StreamWorker(0, context(labelsConfig), new WorkerQueue(16, OverflowPolicy.BLOCK));
    }

    WorkerContext context(LabelsConfig labelsConfig) {
        return new WorkerContext(dm, new SensorPayloadParser(PayloadFormat.AUTO, 65536, MODEL.channels()),
                new LabelPayloadParser(PayloadFormat.AUTO, 65536, MODEL.classes()), labelsConfig, new LiveScore(2),
                metrics, out::add, (s, k, r, m) -> {
                    throw new AssertionError("rejected " + s + ": " + m);
                }, 100, new AtomicInteger());
    }

    static InboundMessage sensor(String stream, int i) {
        return InboundMessage.of(InboundMessage.Kind.SENSOR, stream, REC.json(i), 65536, System.nanoTime(),
                Timestamps.nowMillis());
    }

    static InboundMessage label(String stream, int i) {
        return InboundMessage.of(InboundMessage.Kind.LABEL, stream, REC.label(i), 65536, System.nanoTime(),
                Timestamps.nowMillis());
    }

    /** Samples [from, to) of every stream, one batch per sample (the deployment is picked up before each). */
    static void feed(StreamWorker w, List<String> streams, int from, int to) {
        for (int i = from; i < to; i++) {
            w.pickUpDeployment();
            for (String s : streams) {
                w.handleSafely(sensor(s, i));
            }
        }
    }

    List<Prediction> of(String stream) {
        return out.stream().filter(p -> p.stream().equals(stream)).toList();
    }

    static int windowEndingAt(double ts) {
        int last = (int) Math.round((ts - Recording.BASE_TS) / 1000);
        assertThat((last - LEN + 1) % STRIDE).as("a window ends at sample %d", last).isZero();
        return (last - LEN + 1) / STRIDE;
    }

    /** Every window of the recording exactly once, in order. */
    static void assertNoGapNoDuplicate(List<Prediction> got) {
        assertThat(got).hasSize(WINDOWS);
        for (int j = 0; j < WINDOWS; j++) {
            assertThat(got.get(j).tsMillis()).as("window %d", j)
                    .isEqualTo(REC.ts(Recording.lastSample(j, LEN, STRIDE)));
        }
    }

    static float[] expected(ModelVersion v) {
        return v.equals(ORIGINAL) ? EXPECTED_ORIGINAL : v.equals(PRUNED) ? EXPECTED_PRUNED : EXPECTED_OTHER;
    }

    @Test
    void promoteAndRollbackPublishEveryWindowOnceFromTheModelThatSawIt() {
        StreamWorker w = worker(false, LabelsConfig.defaults());
        List<String> streams = List.of("pump-1", "pump-2", "pump-3", "pump-4", "pump-5", "pump-6");
        feed(w, streams, 0, 100);
        dm.startShadow(PRUNED, 0.5);
        List<String> shadowed = streams.stream().filter(s -> dm.current().shadows(s)).toList();
        assertThat(shadowed).isNotEmpty().hasSizeLessThan(streams.size()); // both kinds of stream are tested
        feed(w, streams, 100, 150);
        dm.promote();
        assertThat(dm.serving()).isEqualTo(PRUNED);
        assertThat(dm.shadow()).contains(ORIGINAL);
        feed(w, streams, 150, 200);
        dm.rollback();
        assertThat(dm.serving()).isEqualTo(ORIGINAL);
        assertThat(dm.shadow()).contains(PRUNED); // swapped: the demoted model stays warm until stopShadow
        feed(w, streams, 200, REC.rows());

        for (String s : streams) {
            List<Prediction> got = of(s);
            assertNoGapNoDuplicate(got);
            boolean wasShadowed = shadowed.contains(s);
            for (int j = 0; j < WINDOWS; j++) {
                int start = j * STRIDE;
                int end = Recording.lastSample(j, LEN, STRIDE);
                // who publishes: the original until promote (sample 150) and again after rollback (200); in between
                // the pruned model, except windows it did not see from their start: on a shadowed stream it joined
                // at sample 100 and the original finishes older windows; elsewhere the state was carried at 150
                ModelVersion expectedModel = end < 150 || end >= 200 ? ORIGINAL
                        : wasShadowed && start < 100 ? ORIGINAL : PRUNED;
                Prediction p = got.get(j);
                assertThat(p.model()).as("%s window %d (samples %d..%d)", s, j, start, end).isEqualTo(expectedModel);
                boolean pure = expectedModel.equals(ORIGINAL) || start >= 100 && wasShadowed || start >= 150;
                if (pure) { // a window one model saw from its first sample: the batch evaluation of that model
                    assertThat(p.classIndex()).as("%s window %d", s, j)
                            .isEqualTo(Evaluator.argmax(expected(expectedModel), j, 2));
                    assertThat(p.logp()[1]).isCloseTo(expected(expectedModel)[2 * j + 1],
                            org.assertj.core.data.Offset.offset(1e-4f));
                }
            }
        }
        // pairs only of windows each model computed alone from the first sample (none with carried state): the
        // classes of the batch evaluation of each model; on streams that were carried at 150 none before that
        assertThat(pairs).isNotEmpty();
        for (PairedWindow pw : pairs) {
            int j = windowEndingAt(pw.endTs());
            assertThat(pw.servingClass()).as("%s window %d", pw.stream(), j)
                    .isEqualTo(Evaluator.argmax(expected(pw.serving()), j, 2));
            assertThat(pw.shadowClass()).as("%s window %d", pw.stream(), j)
                    .isEqualTo(Evaluator.argmax(expected(pw.shadow()), j, 2));
            assertThat(j * STRIDE).isGreaterThanOrEqualTo(shadowed.contains(pw.stream()) ? 100 : 150);
        }
        for (String s : streams) { // every window from the first one both saw alone is paired, once
            int first = shadowed.contains(s) ? 100 / STRIDE + 1 : 150 / STRIDE + 1;
            assertThat(pairs.stream().filter(pw -> pw.stream().equals(s))).hasSize(WINDOWS - first);
        }
    }

    @Test
    void shadowPredictionsAreNeverPublishedAndPairsEqualSeparateBatchEvaluations() {
        StreamWorker w = worker(false, LabelsConfig.defaults());
        List<String> streams = List.of("a", "b");
        int joinAt = 37; // mid-window: windows open then are not paired (the shadow did not see their start)
        feed(w, streams, 0, joinAt);
        dm.startShadow(PRUNED, 1.0);
        feed(w, streams, joinAt, REC.rows());

        assertThat(out).allMatch(p -> p.model().equals(ORIGINAL));
        for (String s : streams) {
            assertNoGapNoDuplicate(of(s));
            List<PairedWindow> got = pairs.stream().filter(pw -> pw.stream().equals(s)).toList();
            int firstPaired = (joinAt + STRIDE - 1) / STRIDE; // first window starting at or after joinAt
            assertThat(got).hasSize(WINDOWS - firstPaired);
            for (int k = 0; k < got.size(); k++) {
                PairedWindow pw = got.get(k);
                int j = windowEndingAt(pw.endTs());
                assertThat(j).isEqualTo(firstPaired + k);
                assertThat(pw.serving()).isEqualTo(ORIGINAL);
                assertThat(pw.shadow()).isEqualTo(PRUNED);
                assertThat(pw.servingClass()).as("window %d", j).isEqualTo(Evaluator.argmax(EXPECTED_ORIGINAL, j, 2));
                assertThat(pw.shadowClass()).as("window %d", j).isEqualTo(Evaluator.argmax(EXPECTED_PRUNED, j, 2));
                assertThat(pw.label()).isEqualTo(-1);
            }
        }
        long disagreements = pairs.stream().filter(pw -> pw.servingClass() != pw.shadowClass()).count();
        long expectedDisagreements = 0;
        for (int j = (joinAt + STRIDE - 1) / STRIDE; j < WINDOWS; j++) {
            expectedDisagreements += Evaluator.argmax(EXPECTED_ORIGINAL, j, 2) != Evaluator.argmax(EXPECTED_PRUNED, j, 2)
                    ? 1 : 0;
        }
        assertThat(disagreements).isEqualTo(2 * expectedDisagreements);

        dm.stopShadow();
        out.clear();
        pairs.clear();
        w.pickUpDeployment();
        assertThat(w.sessions()).allMatch(s -> s.shadowVersion() == null);
    }

    @Test
    void withLabelsAPairWaitsForItsLabelOrTheGiveUp() {
        // labels give up after 1 s of sensor time: the next window (8 s later) gives up an unlabeled one
        StreamWorker w = worker(true, new LabelsConfig(500, 1, 1024));
        dm.startShadow(PRUNED, 1.0);
        for (int i = 0; i < REC.rows(); i++) {
            w.pickUpDeployment();
            w.handleSafely(sensor("p", i));
            if (i >= LEN - 1 && (i - LEN + 1) % STRIDE == 0 && ((i - LEN + 1) / STRIDE) % 2 == 0) {
                w.handleSafely(label("p", i)); // labels for even windows only
            }
        }
        assertThat(pairs).hasSize(WINDOWS - 1); // the last odd/even window still waits
        int[] labels = REC.table().labels();
        for (PairedWindow pw : pairs) {
            int j = windowEndingAt(pw.endTs());
            int expectedLabel = j % 2 == 0 ? labels[Recording.lastSample(j, LEN, STRIDE)] : -1;
            assertThat(pw.label()).as("window %d", j).isEqualTo(expectedLabel);
            assertThat(pw.shadowClass()).isEqualTo(Evaluator.argmax(EXPECTED_PRUNED, j, 2));
        }
        LiveScore.Snapshot serving = dm.score(ORIGINAL).snapshot();
        LiveScore.Snapshot shadow = dm.score(PRUNED).snapshot();
        long labeled = pairs.stream().filter(pw -> pw.label() >= 0).count();
        assertThat(serving.matched()).isEqualTo(labeled);
        assertThat(shadow.matched()).isEqualTo(labeled);
        long shadowRight = pairs.stream().filter(pw -> pw.label() >= 0 && pw.label() == pw.shadowClass()).count();
        assertThat(Math.round(shadow.accuracy() * labeled)).isEqualTo(shadowRight);
    }

    @Test
    void replaceWithAnUnrelatedModelReWarmsItFromTheRecentSamples() {
        StreamWorker w = worker(false, LabelsConfig.defaults());
        feed(w, List.of("x"), 0, 123);
        dm.replaceServing(OTHER);
        feed(w, List.of("x"), 123, REC.rows());
        List<Prediction> got = of("x");
        assertNoGapNoDuplicate(got);
        for (int j = 0; j < WINDOWS; j++) {
            // re-warmed on the ring: every window still open at the switch (and later) is the new model's
            ModelVersion expectedModel = Recording.lastSample(j, LEN, STRIDE) >= 123 ? OTHER : ORIGINAL;
            assertThat(got.get(j).model()).as("window %d", j).isEqualTo(expectedModel);
            assertThat(got.get(j).classIndex()).isEqualTo(Evaluator.argmax(expected(expectedModel), j, 2));
            assertThat(got.get(j).logp()[1]).as("window %d", j).isCloseTo(expected(expectedModel)[2 * j + 1],
                    org.assertj.core.data.Offset.offset(1e-4f));
        }
        assertThat(w.sessions().iterator().next().finishing()).isEmpty(); // the old model is not needed at all
    }

    @Test
    void aColdRollbackReWarmsTheRestoredModelWithNoGapAndNoDuplicate() {
        StreamWorker w = worker(false, LabelsConfig.defaults());
        List<String> streams = List.of("a", "b", "c");
        feed(w, streams, 0, 90);
        dm.startShadow(PRUNED, 1.0);
        feed(w, streams, 90, 130);
        dm.promote();
        feed(w, streams, 130, 170);
        dm.stopShadow(); // monitoring: the original no longer runs on the streams
        feed(w, streams, 170, 211);
        assertThat(w.sessions()).allMatch(s -> s.shadowVersion() == null && s.finishing().isEmpty());
        int switchAt = 211; // mid-window: several windows are open
        dm.replaceServing(ORIGINAL); // the original is no pruned copy of the pruned model: a cold switch
        assertThat(dm.rewarmSamples()).isEqualTo(LEN - 1);
        feed(w, streams, switchAt, REC.rows());

        for (String s : streams) {
            List<Prediction> got = of(s);
            assertNoGapNoDuplicate(got);
            for (int j = 0; j < WINDOWS; j++) {
                int end = Recording.lastSample(j, LEN, STRIDE);
                if (end >= switchAt) { // served by the restored original, equal to its batch evaluation
                    Prediction p = got.get(j);
                    assertThat(p.model()).as("%s window %d", s, j).isEqualTo(ORIGINAL);
                    assertThat(p.classIndex()).as("%s window %d", s, j)
                            .isEqualTo(Evaluator.argmax(EXPECTED_ORIGINAL, j, 2));
                    assertThat(p.logp()[1]).as("%s window %d", s, j).isCloseTo(EXPECTED_ORIGINAL[2 * j + 1],
                            org.assertj.core.data.Offset.offset(1e-4f));
                } else if (end >= 170) {
                    assertThat(got.get(j).model()).as("%s window %d", s, j).isEqualTo(PRUNED);
                }
            }
        }
        assertThat(w.sessions()).allMatch(s -> s.finishing().isEmpty() && s.servingVersion().equals(ORIGINAL));
    }

    @Test
    void aStreamYoungerThanAWindowIsReWarmedFromItsFirstSample() {
        StreamWorker w = worker(false, LabelsConfig.defaults());
        feed(w, List.of("y"), 0, LEN - 7); // no window has ended yet
        dm.replaceServing(OTHER);
        feed(w, List.of("y"), LEN - 7, REC.rows());
        List<Prediction> got = of("y");
        assertNoGapNoDuplicate(got);
        for (int j = 0; j < WINDOWS; j++) {
            assertThat(got.get(j).model()).isEqualTo(OTHER);
            assertThat(got.get(j).classIndex()).as("window %d", j).isEqualTo(Evaluator.argmax(EXPECTED_OTHER, j, 2));
        }
    }

    @Test
    void continuousWindowsAreReWarmedOnTheRing() {
        dm = new DeploymentManager(ORIGINAL, WindowSpec.continuous(STRIDE), false);
        StreamWorker w = new StreamWorker(0, context(LabelsConfig.defaults()), new WorkerQueue(16, OverflowPolicy.BLOCK));
        int switchAt = 123; // fewer samples than the ring holds (max(256, stride)): the re-warm replays all of them
        feed(w, List.of("c"), 0, switchAt);
        dm.replaceServing(OTHER);
        feed(w, List.of("c"), switchAt, REC.rows());
        // oracle: the other model run on the stream from its first sample, one prediction every STRIDE samples
        io.ssmedge.inference.WindowedStream oracle = new io.ssmedge.inference.WindowedStream(OTHER.model(),
                WindowSpec.continuous(STRIDE));
        int d = MODEL.inputSize();
        float[] raw = new float[d];
        float[] u = new float[d];
        float[] logp = new float[2];
        List<float[]> expected = new ArrayList<>();
        for (int i = 0; i < REC.rows(); i++) {
            System.arraycopy(REC.table().values(), i * d, raw, 0, d);
            OTHER.model().normalization().apply(raw, u);
            if (oracle.offer(u, logp)) {
                expected.add(logp.clone());
            }
        }
        List<Prediction> got = of("c");
        assertThat(got).hasSize(REC.rows() / STRIDE); // none lost, none twice
        for (int k = 0; k < got.size(); k++) {
            int last = (k + 1) * STRIDE - 1;
            assertThat(got.get(k).tsMillis()).isEqualTo(REC.ts(last));
            if (last >= switchAt) {
                assertThat(got.get(k).model()).isEqualTo(OTHER);
                assertThat(got.get(k).logp()[1]).as("prediction %d", k).isCloseTo(expected.get(k)[1],
                        org.assertj.core.data.Offset.offset(1e-4f));
            } else {
                assertThat(got.get(k).model()).isEqualTo(ORIGINAL);
            }
        }
    }

    @Test
    void workersPickUpADeploymentOnlyBetweenBatches() {
        StreamWorker w = worker(false, LabelsConfig.defaults());
        feed(w, List.of("s"), 0, LEN);
        dm.startShadow(PRUNED, 1.0);
        dm.promote();
        // the rest of the current batch still runs the deployment it started with
        for (int i = LEN; i < LEN + 3 * STRIDE; i++) {
            w.handleSafely(sensor("s", i));
        }
        assertThat(out).allMatch(p -> p.model().equals(ORIGINAL)).hasSize(4);
        StreamSession s = w.sessions().iterator().next();
        assertThat(s.servingVersion()).isEqualTo(ORIGINAL);
        assertThat(s.shadowVersion()).isNull();
        w.pickUpDeployment(); // next batch: carried to the pruned model (it is a pruned copy), original kept warm
        assertThat(s.servingVersion()).isEqualTo(PRUNED);
        assertThat(s.shadowVersion()).isEqualTo(ORIGINAL);
    }

    @Test
    void concurrentSwitchesOnARunningPoolKeepEveryStreamComplete() throws Exception {
        dm = new DeploymentManager(ORIGINAL, WindowSpec.fixed(LEN, STRIDE), false);
        WorkerPool pool = new WorkerPool(context(LabelsConfig.defaults()), new WorkersConfig(2, 100_000,
                OverflowPolicy.BLOCK, 100));
        pool.start();
        List<String> streams = List.of("s1", "s2", "s3", "s4", "s5");
        try {
            for (int i = 0; i < REC.rows(); i++) {
                for (String s : streams) {
                    pool.submit(sensor(s, i));
                }
                switch (i) {
                    case 70 -> dm.startShadow(PRUNED, 0.6);
                    case 150 -> dm.promote();
                    case 190 -> dm.rollback();
                    case 230 -> dm.startShadow(OTHER, 1.0);
                    case 260 -> dm.promote();
                    case 300 -> dm.replaceServing(PRUNED);
                    default -> {
                    }
                }
                if (i % 20 == 0) {
                    Thread.sleep(2); // let the workers run between switches
                }
            }
        } finally {
            assertThat(pool.drainAndStop(Duration.ofSeconds(30))).isTrue();
        }
        for (String s : streams) {
            assertNoGapNoDuplicate(of(s));
        }
        assertThat(out.stream().map(Prediction::model).distinct()).contains(ORIGINAL, PRUNED);
    }

    @Test
    void theManagerRefusesWhatCannotRun() {
        dm = new DeploymentManager(ORIGINAL, WindowSpec.fixed(LEN, STRIDE), false);
        assertThatThrownBy(dm::promote).isInstanceOf(IllegalStateException.class).hasMessageContaining("no shadow");
        assertThatThrownBy(dm::rollback).isInstanceOf(IllegalStateException.class).hasMessageContaining("no shadow");
        assertThatThrownBy(() -> dm.startShadow(PRUNED, 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("share");
        assertThatThrownBy(() -> dm.startShadow(ORIGINAL, 1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("already serving");
        ModelVersion s4d = ModelVersions.load("embedded:s4d-skab");
        assertThat(s4d.version()).startsWith("sha256:").hasSize(7 + 64).isNotEqualTo(ORIGINAL.version());
        assertThat(ModelVersions.load("embedded:s5-skab")).isEqualTo(ORIGINAL); // same bytes, same version
    }
}
