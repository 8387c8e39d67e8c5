package io.ssmedge.agent.control;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;

import static io.ssmedge.agent.control.ControlFixture.ID;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A crash at any point while a configuration is applied (20 points drawn from every named step, including
 * half-written and unsynced files): after the restart the gateway runs the old or the new configuration
 * completely, and its trusted state is never older than the last acknowledged version.
 */
class CrashSafetyTest {
    /** Thrown at the chosen point: not a RuntimeException, so nothing on the way catches it (like a kill). */
    static final class SimulatedCrash extends Error {
        SimulatedCrash(String where) {
            super("crash at: " + where, null, false, false);
        }
    }

    /** Crashes at the n-th point reached (1-based); 0 = never. Records the points it saw. */
    static final class ArmedCrash implements CrashPoints {
        int at;
        final AtomicInteger count = new AtomicInteger();
        final List<String> seen = new ArrayList<>();

        @Override
        public void reached(String where) {
            seen.add(where);
            if (count.incrementAndGet() == at) {
                throw new SimulatedCrash(where);
            }
        }
    }

    /** Version 1: stride 4, labels 700 ms; version 2: stride 6, labels 900 ms (two sections: all or nothing). */
    static ObjectNode version(int v) {
        return ControlFixture.config(v, Target.agent(ID), v == 1
                ? "{\"model\": {\"window\": {\"stride\": 4}}, \"labels\": {\"join_window_ms\": 700}}"
                : "{\"model\": {\"window\": {\"stride\": 6}}, \"labels\": {\"join_window_ms\": 900}}");
    }

    @Test
    void crashAt20RandomPointsLeavesOldOrNewCompletely(@TempDir Path tmp) {
        // count the points of one application first
        ControlFixture probe = new ControlFixture(tmp.resolve("probe"));
        probe.configAck(version(1));
        ArmedCrash counter = new ArmedCrash();
        probe.restart(counter);
        probe.configAck(version(2));
        int points = counter.count.get();
        assertThat(points).as("named crash points in one application: %s", counter.seen).isGreaterThanOrEqualTo(12);

        Random rnd = new Random(13);
        List<String> outcomes = new ArrayList<>();
        for (int run = 0; run < 20; run++) {
            int at = run < points ? run + 1 : 1 + rnd.nextInt(points); // every point once, then random ones
            ControlFixture f = new ControlFixture(tmp.resolve("run" + run));
            JsonNode first = f.configAck(version(1));
            assertThat(first.get("status").asText()).isEqualTo("applied");
            long acked = 1;

            ArmedCrash crash = new ArmedCrash();
            crash.at = at;
            f.restart(crash);
            String where;
            try {
                Optional<Ack> a = f.push(ControlTopics.CONFIG, ControlFixture.signed(version(2), f.key));
                throw new AssertionError("no crash at point " + at + ": " + a);
            } catch (SimulatedCrash c) {
                where = c.getMessage();
            }

            f.restart(CrashPoints.NONE);
            int stride = f.stride();
            long join = f.host.config.labels().joinWindowMs();
            TrustedState s = f.control.state();
            assertThat(s.applied().version()).as(where).isGreaterThanOrEqualTo(acked);
            if (s.applied().version() == 1) {
                assertThat(stride).as(where).isEqualTo(4);
                assertThat(join).as(where).isEqualTo(700);
            } else {
                assertThat(s.applied().version()).as(where).isEqualTo(2);
                assertThat(stride).as(where).isEqualTo(6);
                assertThat(join).as(where).isEqualTo(900);
            }
            assertThat(s.highest().get("agent:" + ID)).as(where).isEqualTo(s.applied().version());
            outcomes.add(where + " -> version " + s.applied().version());

            // the broker delivers the retained version 2 again after the restart: it ends applied either way
            f.push(ControlTopics.CONFIG, ControlFixture.signed(version(2), f.key));
            assertThat(f.control.state().applied().version()).isEqualTo(2);
            assertThat(f.stride()).isEqualTo(6);
            try (var files = Files.list(tmp.resolve("run" + run).resolve("data/control"))) {
                assertThat(files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".tmp")).toList())
                        .as("temporary files removed at start").isEmpty();
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
        // both outcomes occur: crashes before the commit keep version 1, after it give version 2
        assertThat(outcomes).anyMatch(o -> o.endsWith("version 1")).anyMatch(o -> o.endsWith("version 2"));
    }
}
