package io.ssmedge.agent.daemon;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ssmedge.agent.deploy.ModelVersions;
import io.ssmedge.agent.rollout.RolloutState;
import io.ssmedge.agent.rollout.store.ModelStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A real kill -9 of the agent during a staged rollout: a child JVM ({@link RolloutKillChild}) runs the agent with its
 * embedded broker and a quick rollout on live traffic; it is killed (SIGKILL) at random moments and started again on
 * the same data_dir, more than 20 times. Every start must serve the model the rollout's state names, verified
 * (its version is the SHA-256 of the stored files, never a mix of two), the state file and events.jsonl must agree
 * (every complete line parses, numbered without gap; the events the state has but the journal lacks are the
 * state's pending ones), promotions only climb between rollbacks, and the rollout goes on where it was.
 */
class AgentRolloutKillTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ORIGINAL = ModelVersions.load("embedded:s5-skab").version();

    @TempDir
    Path tmp;

    /** One child run: what it printed. */
    private record Run(String started, List<String> serving, String lastLine) {
    }

    @Test
    void killNineAtRandomMomentsAlwaysRestartsOnAVerifiedModelAndResumes() throws Exception {
        Path data = tmp.resolve("data");
        Random rnd = new Random(20261201);
        int kills = 0;
        int previousRatio = 0;      // what the state served after the previous kill
        long previousSeq = 0;
        for (int run = 0; kills < 21; run++) {
            assertThat(run).as("runs needed for 22 kills").isLessThan(40);
            Process p = child(data, run);
            List<String> lines = new CopyOnWriteArrayList<>();
            Thread reader = reader(p, lines);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (lines.stream().noneMatch(l -> l.startsWith("STARTED")) && p.isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertThat(lines).as("run %d: the child started (output %s)", run, lines)
                    .anyMatch(l -> l.startsWith("STARTED"));
            // a random moment of the rollout; every fifth run lives long enough for a gate to decide in one go (the
            // evidence is checkpointed every 50 observations, so short runs alone might never complete a gate)
            Thread.sleep(run % 5 == 4 ? 4000 + rnd.nextInt(2000) : 100 + rnd.nextInt(1500));
            assertThat(p.isAlive()).as("run %d: the child is still running (output %s)", run, lines).isTrue();
            p.destroyForcibly(); // SIGKILL on Linux: no shutdown hook, no flush
            assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
            reader.join(5000);
            kills++;

            // the start: the model the state served before the kill, verified against the store
            String[] started = lines.stream().filter(l -> l.startsWith("STARTED")).findFirst().orElseThrow().split(" ");
            int startedRatio = Integer.parseInt(started[1]);
            if (run > 0) {
                assertThat(startedRatio).as("run %d resumes serving the stage the state named", run).isEqualTo(previousRatio);
            }
            assertVerified(data, startedRatio, started[2], run);
            for (String l : lines) {
                if (l.startsWith("SERVING ")) {
                    String[] s = l.split(" ");
                    assertVerified(data, Integer.parseInt(s[1]), s[2], run);
                }
            }
            // the files as the kill left them
            RolloutState st = JSON.readValue(data.resolve("rollout/state.json").toFile(), RolloutState.class);
            List<JsonNode> events = completeEvents(data.resolve("rollout/events.jsonl"));
            assertJournalAgreesWithState(events, st, run);
            assertThat(st.seq).as("run %d: the state never goes back", run).isGreaterThanOrEqualTo(previousSeq);
            previousSeq = st.seq;
            previousRatio = st.servingRatio;
        }
        // the rollout went on across the kills: promotions happened, and it did not start over after each restart
        List<JsonNode> events = completeEvents(data.resolve("rollout/events.jsonl"));
        long promotions = events.stream().filter(e -> e.get("type").asText().equals("promoted")).count();
        long firstStageStarts = events.stream().filter(e -> e.get("type").asText().equals("stage_started")
                && e.path("ratio").asInt() == 10).count();
        long rollbacks = events.stream().filter(e -> e.get("type").asText().equals("rolled_back")).count();
        LoggerFactory.getLogger(AgentRolloutKillTest.class).info("{} kills -9: {} events, {} promotions, {} rollbacks, "
                + "serving {} % at the end", kills, events.size(), promotions, rollbacks, previousRatio);
        assertThat(promotions).as("promotions over %d kills", kills).isGreaterThanOrEqualTo(1);
        assertThat(firstStageStarts).as("the first stage started again only after a rollback").isLessThanOrEqualTo(1 + rollbacks);
    }

    private Process child(Path data, int run) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return new ProcessBuilder(java, "-Xmx256m", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=error", RolloutKillChild.class.getName(), data.toString(),
                Integer.toString(run)).redirectErrorStream(true).start();
    }

    private static Thread reader(Process p, List<String> lines) {
        Thread t = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    if (line.startsWith("STARTED") || line.startsWith("SERVING") || line.startsWith("NOT")
                            || line.contains("Exception") || line.contains("ERROR")) {
                        lines.add(line);
                    }
                }
            } catch (IOException e) {
                // the pipe closes when the child dies
            }
        });
        t.setDaemon(true);
        t.start();
        return t;
    }

    /** The served version is the original's or the SHA-256 of the stored stage folder (files and hash file agree). */
    private static void assertVerified(Path data, int ratio, String version, int run) throws IOException {
        if (ratio == 0) {
            assertThat(version).as("run %d: the original", run).isEqualTo(ORIGINAL);
            return;
        }
        Path folder = data.resolve("rollout/models").resolve(ratio + "-last");
        assertThat(version).as("run %d: stage %d %% is the stored, hashed model", run, ratio)
                .isEqualTo("sha256:" + ModelStore.hash(folder));
        assertThat(Files.readString(folder.resolve(ModelStore.HASH_FILE)).trim()).isEqualTo(version.substring(7));
    }

    /** Every complete line of the journal (a kill may leave a torn last line, cut off at the next start). */
    private static List<JsonNode> completeEvents(Path file) throws IOException {
        String all = Files.readString(file);
        List<JsonNode> out = new ArrayList<>();
        int end = all.lastIndexOf('\n');
        if (end < 0) {
            return out;
        }
        for (String line : all.substring(0, end).split("\n")) {
            out.add(JSON.readTree(line)); // throws when a complete line does not parse
        }
        return out;
    }

    /**
     * Lines numbered 1..n; the state was written first (with its pending events), so n ≤ its seq and every event it
     * has beyond the journal is pending; promotions climb until a rollback.
     */
    private static void assertJournalAgreesWithState(List<JsonNode> events, RolloutState st, int run) {
        for (int i = 0; i < events.size(); i++) {
            assertThat(events.get(i).get("seq").asLong()).as("run %d: event %d", run, i + 1).isEqualTo(i + 1);
            assertThat(events.get(i).get("time").asText()).isNotEmpty();
        }
        assertThat((long) events.size()).as("run %d: journal lines vs the state's seq", run).isLessThanOrEqualTo(st.seq);
        Set<Long> pending = new HashSet<>();
        st.pending.forEach(e -> pending.add(e.get("seq").asLong()));
        for (long s = events.size() + 1; s <= st.seq; s++) {
            assertThat(pending).as("run %d: event %d is in the state but not in the journal", run, s).contains(s);
        }
        int lastPromoted = 0;
        for (JsonNode e : events) {
            switch (e.get("type").asText()) {
                case "promoted" -> {
                    assertThat(e.get("ratio").asInt()).as("run %d: promotions climb (event %s)", run, e)
                            .isGreaterThan(lastPromoted);
                    lastPromoted = e.get("ratio").asInt();
                }
                case "rolled_back" -> lastPromoted = e.get("ratio").asInt();
                default -> {
                }
            }
        }
    }
}
