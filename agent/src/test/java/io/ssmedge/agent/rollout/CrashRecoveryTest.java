package io.ssmedge.agent.rollout;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ssmedge.agent.config.RolloutConfig;
import io.ssmedge.agent.rollout.store.CrashHook;
import io.ssmedge.agent.rollout.store.EventJournal;
import io.ssmedge.agent.rollout.store.ModelStore;
import io.ssmedge.inference.WindowSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * kill -9 at random points of a rollout, simulated in-process: a {@link CrashHook} throws at the k-th durable
 * write step (half-written temp file, before a rename, before a folder fsync, half-written journal line, between
 * hashing and renaming a model folder). After each crash a NEW engine starts on the same data dir, as the daemon
 * would after a restart, and must serve a verified model consistent with its journal.
 */
class CrashRecoveryTest {
    @TempDir
    Path dir;

    static final class Crash extends RuntimeException {
        Crash(String point) {
            super("simulated crash at " + point, null, false, false);
        }
    }

    static final class FixedClock extends Clock {
        long now = Instant.parse("2026-01-01T00:00:00Z").toEpochMilli();

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId z) {
            return this;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(now);
        }
    }

    @Test
    void everyRestartServesAVerifiedModelConsistentWithItsJournal() throws IOException {
        RolloutConfig cfg = RehearsalTest.config(dir).withRatios(List.of(5, 10, 15, 20, 25, 33, 45))
                .withStatistics(new RolloutConfig.Statistics(0.05, 0.05, 0.02, 0.01, 1))
                .withProbation(new RolloutConfig.Probation(20, 24));
        WindowSpec spec = WindowSpec.fixed(60, 8);
        SplittableRandom rnd = new SplittableRandom(2026);
        FixedClock clock = new FixedClock();
        int crashes = 0;
        int restarts = 0;
        long window = 0;
        while (crashes < 25 && restarts < 200) {
            int[] steps = {0};
            int crashAt = 1 + rnd.nextInt(12);
            CrashHook hook = point -> {
                if (++steps[0] == crashAt) {
                    throw new Crash(point);
                }
            };
            Rehearsal.SimPort port = new Rehearsal.SimPort();
            RolloutEngine engine = new RolloutEngine(cfg, Synthetic.MODEL, null, spec, port, clock, null,
                    RolloutEngine.Options.offline(hook));
            restarts++;
            try {
                StageModel s = engine.start();
                if (port.serving == null) {
                    port.serving = s;
                }
                checkConsistent(engine, port);
                // a healthy candidate: both models always agree and are right, one window per stream at a time
                for (int i = 0; i < 1500; i++) {
                    clock.now += 8000;
                    window++;
                    int label = (int) ((window / 37) % 2);
                    if (port.shadow != null) {
                        engine.onPair("s" + (window % 6), port.serving.ratio(), label, port.shadow.ratio(), label, label);
                    }
                    engine.tick();
                }
                if (engine.phase() == RolloutEngine.Phase.MONITORING || engine.phase() == RolloutEngine.Phase.DONE) {
                    break;
                }
            } catch (Crash c) {
                crashes++;
            }
        }
        assertThat(crashes).isGreaterThanOrEqualTo(20);
        // a last clean restart completes the rollout
        Rehearsal.SimPort port = new Rehearsal.SimPort();
        RolloutEngine engine = new RolloutEngine(cfg, Synthetic.MODEL, null, spec, port, clock, null,
                RolloutEngine.Options.offline(CrashHook.NONE));
        StageModel s = engine.start();
        if (port.serving == null) {
            port.serving = s;
        }
        checkConsistent(engine, port);
        for (int i = 0; i < 100_000 && engine.phase() != RolloutEngine.Phase.MONITORING; i++) {
            clock.now += 8000;
            window++;
            int label = (int) ((window / 37) % 2);
            if (port.shadow != null) {
                engine.onPair("s" + (window % 6), port.serving.ratio(), label, port.shadow.ratio(), label, label);
            }
            engine.tick();
        }
        assertThat(engine.servingRatio()).isEqualTo(45);
        checkConsistent(engine, port);
    }

    /** The served model is the stored, hash-verified one the state names; the journal is complete and agrees. */
    private void checkConsistent(RolloutEngine engine, Rehearsal.SimPort port) throws IOException {
        Path root = dir.resolve("rollout");
        RolloutState st = new ObjectMapper().readValue(root.resolve("state.json").toFile(), RolloutState.class);
        StageModel serving = port.serving;
        assertThat(serving.ratio()).isEqualTo(st.servingRatio);
        assertThat(serving.version()).isEqualTo(st.versions.get(st.servingRatio));
        String folder = st.servingRatio == 0 ? "original" : st.servingRatio + "-last";
        assertThat("sha256:" + ModelStore.hash(root.resolve("models").resolve(folder))).isEqualTo(serving.version());
        assertThat(Files.readString(root.resolve("models").resolve(folder).resolve(ModelStore.HASH_FILE)).trim())
                .isEqualTo(serving.version().substring("sha256:".length()));
        // journal: every line parses, numbered 1..n without gap or repeat, n = the state's last event
        List<ObjectNode> journal = EventJournal.readAll(root.resolve("events.jsonl"));
        for (int i = 0; i < journal.size(); i++) {
            assertThat(journal.get(i).get("seq").asLong()).isEqualTo(i + 1);
        }
        assertThat((long) journal.size()).isEqualTo(st.seq);
        // the journal's switches lead to the model the state serves
        int servingByJournal = 0;
        for (ObjectNode e : journal) {
            String t = e.get("type").asText();
            if (t.equals("promoted") || t.equals("rolled_back")) {
                servingByJournal = e.get("ratio").asInt();
            }
        }
        assertThat(servingByJournal).isEqualTo(st.servingRatio);
        assertThat(engine.serving().version()).isEqualTo(serving.version());
    }
}
