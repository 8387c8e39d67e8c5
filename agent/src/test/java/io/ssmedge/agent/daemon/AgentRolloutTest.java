package io.ssmedge.agent.daemon;

import com.fasterxml.jackson.databind.JsonNode;
import io.ssmedge.agent.config.AgentConfig;
import io.ssmedge.agent.config.MqttVersion;
import io.ssmedge.agent.config.RolloutConfig;
import io.ssmedge.agent.testing.TestBroker;
import io.ssmedge.agent.testing.Recording;
import io.ssmedge.agent.testing.TestClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;

import static io.ssmedge.agent.daemon.AgentEndToEndTest.MODEL;
import static io.ssmedge.agent.daemon.AgentEndToEndTest.WAIT;
import static io.ssmedge.agent.daemon.AgentEndToEndTest.read;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The rollout engine driving the running daemon over a real broker. */
class AgentRolloutTest {
    @TempDir
    Path dir;
    final AgentEndToEndTest e2e = new AgentEndToEndTest();

    @BeforeEach
    void broker() {
        // the embedded broker always runs; AgentEndToEndTest covers the same MQTT paths against Mosquitto too
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

    private AgentConfig config(List<Integer> ratios) {
        RolloutConfig r = RolloutConfig.defaults().withEnabled(true).withDataDir(dir.resolve("data")).withRatios(ratios)
                .withLimits(new RolloutConfig.Limits(0.20, 1.0, 1.0, 0.8))   // the synthetic fixture only guards accuracy
                .withStatistics(new RolloutConfig.Statistics(0.05, 0.05, 0.1, 0.05, 1))
                .withProbation(new RolloutConfig.Probation(10, 24))
                .withMonitoring(new RolloutConfig.Monitoring(1.0, 100_000, 0.2));
        // windows of 60 samples every 60: neighbouring windows share no sample
        return e2e.config(MqttVersion.V5, 60, 60).withRollout(r);
    }

    /** Streams × [from, to) samples of the fixture, replayed in laps with later timestamps; waits until stepped. */
    private void publish(Agent agent, TestClient client, List<String> streams, int from, int to) {
        Recording rec = Recording.fixture(MODEL);
        for (int i = from; i < to; i++) {
            Recording lap = rec.at(Recording.BASE_TS + (double) (i / rec.rows()) * rec.rows() * 1000, 1000);
            for (String s : streams) {
                client.publish("plant/" + s + "/sensors", lap.json(i % rec.rows()), 1);
                client.publish("plant/" + s + "/labels", lap.label(i % rec.rows()), 1);
            }
        }
        long total = (long) to * streams.size();
        await().atMost(WAIT).until(() -> agent.metrics().samples.sum() == total);
    }

    @Test
    void healthyRolloutAdvancesWithoutGapOrDuplicateAndAnswersCommands() throws Exception {
        Agent agent = e2e.start(config(List.of(10, 30)));
        TestClient events = new TestClient(e2e.broker.uri(), "rollout-watcher").subscribe("ssm-edge/+/rollout/#")
                .subscribe("ssm-edge/+/rollout");
        List<String> streams = List.of("p1", "p2", "p3", "p4");
        int samples = 0;
        while (samples < 12_000 && agent.rollout().engine().servingRatio() < 30) {
            publish(agent, e2e.client, streams, samples, samples + 1200);
            samples += 1200;
        }
        await().atMost(WAIT).until(() -> agent.rollout().engine().servingRatio() == 30);
        JsonNode status = read(e2e.httpGet("/api/status")).get("rollout");
        assertThat(status.get("serving").get("ratio").asInt()).isEqualTo(30);
        assertThat(status.get("serving").get("model_version").asText()).isEqualTo(agent.deployments().serving().version());
        assertThat(status.get("original").get("model_version").asText()).startsWith("sha256:");
        assertThat(status.get("state").asText()).isIn("probation", "monitoring");
        assertThat(status.get("events").size()).isGreaterThanOrEqualTo(6);
        assertThat(e2e.httpGet("/metrics")).contains("ssm_edge_rollout_state{state=\"").contains("ssm_edge_rollout_memory_gain");
        // events and the retained state reach MQTT
        await().atMost(WAIT).until(() -> events.on("/rollout/events").stream()
                .anyMatch(m -> read(m.payload()).get("type").asText().equals("promoted")));
        await().atMost(WAIT).until(() -> !events.on("/rollout").isEmpty());

        // every stream: one prediction per window, in order, none missing or repeated across the switches
        int windows = samples / 60;
        for (String s : streams) {
            await().atMost(WAIT).until(() -> e2e.predictions(s).size() >= windows);
            List<JsonNode> got = e2e.predictions(s);
            assertThat(got).hasSize(windows);
            for (int j = 1; j < got.size(); j++) {
                assertThat(got.get(j).get("ts").asDouble() - got.get(j - 1).get("ts").asDouble()).as("%s window %d", s, j)
                        .isEqualTo(60_000.0);
            }
        }

        // operator commands over HTTP
        assertThat(post("pause")).contains("\"accepted\":true");
        assertThat(read(e2e.httpGet("/api/status")).get("rollout").get("state").asText()).isEqualTo("paused");
        assertThat(post("pause")).contains("\"accepted\":false");
        assertThat(post("resume")).contains("\"accepted\":true");
        assertThat(post("rollback")).contains("\"accepted\":true");
        assertThat(agent.rollout().engine().servingRatio()).isEqualTo(10);
        assertThat(agent.deployments().serving().ratio()).isEqualTo(0.10);
        JsonNode after = read(e2e.httpGet("/api/status")).get("rollout");
        JsonNode last = after.get("events");
        assertThat(last.toString()).contains("\"type\":\"rolled_back\"").contains("\"type\":\"quarantined\"");
        // 30 % is on hold; the midpoint 20 % is tried next (or the rollout waits, rolled back)
        assertThat(after.get("state").asText()).isIn("rolled_back", "calibrating", "shadow");
        events.close();
    }

    private String post(String command) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + e2e.agent.httpPort() + "/api/commands/" + command))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        return r.body();
    }
}
