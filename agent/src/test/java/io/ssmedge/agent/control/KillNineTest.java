package io.ssmedge.agent.control;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ssmedge.agent.config.AgentConfig;
import io.ssmedge.agent.config.ConfigLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static io.ssmedge.agent.control.ControlFixture.ID;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * kill -9 of a JVM that applies configurations back to back, at random moments: after the restart the trusted
 * state holds at least the last acknowledged version and the configuration in force is one version completely.
 */
class KillNineTest {
    /** Version v: stride v % 50 + 1 and join window 1000 + v, so the two sections tell which version they come from. */
    static ObjectNode version(int v) {
        return ControlFixture.config(v, Target.agent(ID), "{\"model\": {\"window\": {\"stride\": " + (v % 50 + 1)
                + "}}, \"labels\": {\"join_window_ms\": " + (1000 + v) + "}}");
    }

    @Test
    void killNineWhileApplyingNeverLosesAnAcknowledgedVersion(@TempDir Path tmp) throws Exception {
        Random rnd = new Random(9);
        for (int run = 0; run < 3; run++) {
            Path dir = tmp.resolve("run" + run);
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            Process p = new ProcessBuilder(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                    "-Dorg.slf4j.simpleLogger.defaultLogLevel=error", KillChild.class.getName(), dir.toString())
                    .redirectErrorStream(true).start();
            AtomicLong acked = new AtomicLong();
            AtomicLong ready = new AtomicLong();
            Thread reader = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String line; (line = r.readLine()) != null; ) {
                        if (line.startsWith("ACK ")) {
                            acked.set(Long.parseLong(line.substring(4)));
                        } else if (line.equals("READY")) {
                            ready.set(1);
                        }
                    }
                } catch (java.io.IOException e) {
                    // the pipe closes when the child dies
                }
            });
            reader.start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (acked.get() < 2 && p.isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertThat(acked.get()).as("child applied configurations").isGreaterThanOrEqualTo(2);
            Thread.sleep(rnd.nextInt(400));
            p.destroyForcibly(); // SIGKILL on Linux: no shutdown hooks, no flushing
            p.waitFor(10, TimeUnit.SECONDS);
            reader.join(5000);
            long lastAck = acked.get();

            AgentConfig local = ConfigLoader.load(dir.resolve("agent.yaml"));
            RemoteControl rc = RemoteControl.open(dir.resolve("agent.yaml"), local,
                    new ControlFixture.MutableClock(ControlFixture.NOW), CrashPoints.NONE);
            long v = rc.state().applied().version();
            assertThat(v).as("run %d: trusted state not older than the last ack %d", run, lastAck)
                    .isGreaterThanOrEqualTo(lastAck);
            assertThat(v).as("at most the one being applied when killed").isLessThanOrEqualTo(lastAck + 1);
            AgentConfig c = rc.startupConfig();
            assertThat(c.model().window().stride()).as("run %d version %d", run, v).isEqualTo((int) (v % 50 + 1));
            assertThat(c.labels().joinWindowMs()).as("run %d version %d", run, v).isEqualTo(1000 + v);
        }
    }
}
