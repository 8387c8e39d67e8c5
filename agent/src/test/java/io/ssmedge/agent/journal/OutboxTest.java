package io.ssmedge.agent.journal;

import io.ssmedge.agent.deploy.ModelVersion;
import io.ssmedge.agent.deploy.ModelVersions;
import io.ssmedge.agent.stream.Prediction;
import io.ssmedge.agent.stream.PredictionSink;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The outbox's bookkeeping across "crashes" (a journal abandoned and opened again from its files): a prediction is
 * published again exactly when neither the broker confirmed it nor the MQTT client holds it.
 */
class OutboxTest {
    static final ModelVersion VERSION = ModelVersions.load("embedded:s5-skab");
    static final int CHANNELS = VERSION.model().inputSize();

    @TempDir
    Path dir;
    final List<StreamJournal> open = new ArrayList<>();
    final List<Prediction> published = Collections.synchronizedList(new ArrayList<>());

    @AfterEach
    void closeAll() {
        open.forEach(StreamJournal::close);
    }

    StreamJournal journal() {
        StreamJournal j = StreamJournal.open(dir, CHANNELS, 16, 1, 1, 1 << 20, StreamJournal.versionsBesides(VERSION));
        open.add(j);
        return j;
    }

    static Prediction prediction(String stream, double ts) {
        return new Prediction(stream, ts, true, 1, new float[] {-2.5f, -0.1f}, 3, 4, VERSION);
    }

    /** One message of one sample at ts, completing the window that ends there. */
    static void message(StreamJournal j, SampleRing ring, String stream, double ts) {
        float[] row = new float[CHANNELS];
        row[0] = (float) ts;
        ring.add(ts, row, 0);
        j.writer(0).append(stream, ring, 1, List.of(prediction(stream, ts)));
    }

    static void crash(StreamJournal j) {
        j.flush(); // the records are in the file; nothing else happens (as after kill -9)
    }

    @Test
    void aJournaledPredictionIsPublishedAfterItsSyncAndAgainAfterACrashUntilConfirmed() {
        StreamJournal j = journal();
        SampleRing ring = new SampleRing(CHANNELS, 16);
        message(j, ring, "p", 1000);
        message(j, ring, "p", 2000);
        j.outbox().confirmed("p", 1000);
        crash(j);

        StreamJournal again = journal();
        assertThat(again.recovered().get("p").total()).isEqualTo(2);
        assertThat(again.outbox().pending()).isEqualTo(1);
        again.startPublishing(published::add);
        await().atMost(Duration.ofSeconds(5)).until(() -> published.size() == 1);
        assertThat(published.get(0).tsMillis()).isEqualTo(2000);
        assertThat(published.get(0).logp()).containsExactly(-2.5f, -0.1f);
        assertThat(published.get(0).model().version()).isEqualTo(VERSION.version());
    }

    @Test
    void whatTheClientHoldsIsNotPublishedAgainAndAStaleCopyIsRecognised() {
        StreamJournal j = journal();
        SampleRing ring = new SampleRing(CHANNELS, 16);
        message(j, ring, "p", 1000); // confirmed by the broker: the client's copy is stale
        message(j, ring, "p", 2000); // still held by the client: it sends it again itself
        message(j, ring, "p", 3000); // never handed over
        j.outbox().confirmed("p", 1000);
        crash(j);

        StreamJournal again = journal();
        assertThat(again.outbox().held("p", 1000)).isFalse();
        assertThat(again.outbox().held("p", 2000)).isTrue();
        again.writer(0).compact(Map.of("p", again.recovered().get("p"))); // what the worker does at restore
        again.outbox().confirmedByBroker();
        again.startPublishing(published::add);
        await().atMost(Duration.ofSeconds(5)).until(() -> published.size() == 1);
        assertThat(published.get(0).tsMillis()).isEqualTo(3000);
        again.outbox().confirmed("p", 2000);
        await().atMost(Duration.ofSeconds(5)).until(() -> again.outbox().pending() == 1); // 3000 awaits its PUBCOMP
        crash(again);

        StreamJournal third = journal();
        assertThat(third.outbox().pending()).isEqualTo(1);
        assertThat(third.outbox().held("p", 3000)).isTrue();
        assertThat(third.recovered().get("p").total()).isEqualTo(3);
    }

    @Test
    void aTornRecordLosesItsSamplesAndItsPredictionsTogether() throws IOException {
        StreamJournal j = journal();
        SampleRing ring = new SampleRing(CHANNELS, 16);
        message(j, ring, "p", 1000);
        message(j, ring, "p", 2000);
        crash(j);
        Path file = dir.resolve("worker-0.log");
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.truncate(ch.size() - 3);
        }

        StreamJournal again = journal();
        assertThat(again.recovered().get("p").total()).isEqualTo(1);
        assertThat(again.outbox().pending()).isEqualTo(1);
        again.startPublishing(published::add);
        await().atMost(Duration.ofSeconds(5)).until(() -> published.size() == 1);
        assertThat(published.get(0).tsMillis()).isEqualTo(1000);
    }

    @Test
    void confirmedPredictionsLeaveTheJournalAtCompactionAndTheMarksAfterTheRotation() {
        StreamJournal j = StreamJournal.open(dir, CHANNELS, 16, 1, 1, 200, StreamJournal.versionsBesides(VERSION));
        open.add(j);
        j.startPublishing(new PredictionSink() { // never connected: everything stays pending
            @Override
            public void publish(Prediction p) {
                throw new AssertionError("offer only");
            }

            @Override
            public boolean offer(Prediction p) {
                return false;
            }
        });
        j.outbox().confirmedByBroker();
        SampleRing ring = new SampleRing(CHANNELS, 16);
        for (int i = 1; i <= 20; i++) {
            message(j, ring, "p", i * 1000);
        }
        for (int i = 1; i <= 18; i++) {
            j.outbox().confirmed("p", i * 1000);
        }
        j.flush(); // delivered.log beyond 200 bytes: rotated, a compaction requested
        assertThat(dir.resolve("delivered.old")).exists();
        j.writer(0).compact(Map.of("p", ring));
        j.flush();
        assertThat(dir.resolve("delivered.old")).doesNotExist();
        crash(j);

        StreamJournal again = journal();
        assertThat(again.outbox().pending()).isEqualTo(2);
        assertThat(again.outbox().held("p", 19_000)).isTrue();
        assertThat(again.outbox().held("p", 20_000)).isTrue();
    }
}
