package io.ssmedge.agent.daemon;

import com.fasterxml.jackson.databind.JsonNode;
import io.ssmedge.agent.config.AgentConfig;
import io.ssmedge.agent.config.MqttVersion;
import io.ssmedge.agent.config.RolloutConfig;
import io.ssmedge.agent.testing.Recording;
import io.ssmedge.agent.testing.TestBroker;
import io.ssmedge.model.InputNormalization;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import static io.ssmedge.agent.daemon.AgentEndToEndTest.MODEL;
import static io.ssmedge.agent.daemon.AgentEndToEndTest.WAIT;
import static io.ssmedge.agent.daemon.AgentEndToEndTest.read;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Input drift in the running daemon: the workers' raw samples reach the rollout's drift check (the same decision as
 * in the rehearsal); inputs moved away from the model's training statistics pause the rollout, with the reason in
 * /api/status, a drift event, and the figures in /metrics.
 */
class AgentRolloutDriftTest {
    @TempDir
    Path dir;
    final AgentEndToEndTest e2e = new AgentEndToEndTest();

    @BeforeEach
    void broker() {
        e2e.kind = TestBroker.Kind.EMBEDDED;
        e2e.dir = dir;
        e2e.broker();
    }

    @AfterEach
    void stop() {
        if (e2e.broker != null) {
            e2e.stop();
        }
    }

    /** Sample i of the fixture with channel 0 moved by {@code shift} training standard deviations. */
    private static byte[] shifted(Recording rec, int i, double shift) {
        InputNormalization norm = MODEL.normalization();
        int d = rec.table().channels();
        StringBuilder b = new StringBuilder("{\"ts\":").append(rec.ts(i)).append(",\"values\":[");
        for (int c = 0; c < d; c++) {
            double v = rec.table().values()[i * d + c] + (c == 0 ? shift * norm.std(0) : 0);
            b.append(c == 0 ? "" : ",").append(v);
        }
        return b.append("]}").toString().getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void inputsAwayFromTheTrainingStatisticsPauseTheRollout() throws Exception {
        RolloutConfig r = RolloutConfig.defaults().withEnabled(true).withRatios(List.of(10, 30))
                .withDrift(new RolloutConfig.Drift(3, 200));
        AgentConfig cfg = e2e.config(MqttVersion.V5, 60, 60).withDurability(dir.resolve("data"),
                io.ssmedge.agent.config.Durability.PROCESSED).withRollout(r);
        Agent agent = e2e.start(cfg);
        Recording rec = Recording.fixture(MODEL);
        List<String> streams = List.of("d1", "d2");
        int n = Math.min(rec.rows(), 1500);
        for (int i = 0; i < n; i++) {
            for (String s : streams) {
                e2e.client.publish("plant/" + s + "/sensors", shifted(rec, i, 12), 1);
            }
        }
        await().atMost(WAIT).until(() -> agent.metrics().samples.sum() == (long) n * streams.size());
        await().atMost(WAIT).until(() -> read(e2e.httpGet("/api/status")).get("rollout").get("state").asText()
                .equals("paused"));
        JsonNode status = read(e2e.httpGet("/api/status")).get("rollout");
        assertThat(status.get("reason").asText()).contains("input drift").contains("training standard deviations");
        JsonNode drift = status.get("drift");
        assertThat(drift.get("state").asText()).isEqualTo("drifted");
        assertThat(drift.get("samples").asLong()).isGreaterThanOrEqualTo(200).isLessThanOrEqualTo((long) n * streams.size());
        assertThat(drift.get("shift").asDouble()).isGreaterThan(3);
        assertThat(drift.get("channel").asText()).isEqualTo(MODEL.channels().get(0));
        assertThat(status.get("events").toString()).contains("\"type\":\"drift\"").contains("\"type\":\"paused\"");
        assertThat(e2e.httpGet("/metrics")).contains("ssm_edge_rollout_input_drift{measure=\"shift\"}");
        // the engine refuses to resume while the inputs are still drifted
        assertThat(agent.rollout().engine().resume("test").accepted()).isFalse();
        // the rollout's state lives in the one data_dir
        assertThat(dir.resolve("data/rollout/events.jsonl")).exists();
    }
}
