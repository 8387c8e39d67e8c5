package io.ssmedge.agent.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ssmedge.agent.testing.TestClient;
import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The live demo headless: samples go through the embedded broker to the agent and predictions come back (~20 s, at
 * real time); with the staged rollout and the accelerated plant clock, a stage is promoted and the fault storm with
 * wrong labels that follows makes probation roll it back (~1–2 min).
 */
class LiveDemoTest {
    @Test
    void predictionsFlowEndToEndThroughTheBroker() throws Exception {
        StringWriter text = new StringWriter();
        PrintWriter out = new PrintWriter(text, true);
        DemoSettings s = new DemoSettings(20, 4, 10, List.of("8s rotor-imbalance pump02 for 8s"), 0, List.<Path>of(),
                "embedded:s5-skab", 0, 5, 1);
        LiveDemo demo = LiveDemo.start(s, out, DemoRollout.Starter.NONE);
        try (TestClient listener = new TestClient("tcp://127.0.0.1:" + demo.brokerPort(), "demo-listener")
                .subscribe("factory/line3/+/predictions")) {
            // predictions of every pump arrive over MQTT, as a consumer on the plant network would see them
            await().atMost(Duration.ofSeconds(60)).until(() -> streams(listener).size() == 4);
            demo.awaitEnd();
            demo.stop();
            JsonNode p = new ObjectMapper().readTree(listener.on("/predictions").get(0).payload());
            assertThat(p.get("model").get("stage").asText()).isEqualTo("demo");
            assertThat(p.get("probabilities").get("anomaly").asDouble()).isBetween(0.0, 1.0);
        }
        long samples = demo.simulator().counts().samples.get();
        assertThat(samples).isEqualTo(4 * 20 * 10);
        assertThat(demo.agent().metrics().samples.sum()).as("every published sample reached the agent").isEqualTo(samples);
        // length 60 / stride 8 windows: (200 − 60) / 8 + 1 = 18 predictions per pump, all scored by the true labels
        assertThat(demo.agent().metrics().predictions.sum()).isEqualTo(4 * 18);
        assertThat(demo.agent().overall().snapshot().matched()).isEqualTo(4 * 18);
        assertThat(demo.simulator().counts().faultySamples.get()).isEqualTo(80);
        String printed = text.toString();
        assertThat(printed).contains("embedded MQTT broker on mqtt://127.0.0.1:" + demo.brokerPort())
                .contains("4 simulated pumps (pump01 … pump04)").contains("fault       rotor-imbalance in pump02 at 8 s for 8 s")
                .contains("status      http://127.0.0.1:").contains("rollout     no rollout")
                .containsPattern("\\[00:0[5-9]\\] [\\d,]+ samples").contains("µs/sample").contains("B/stream")
                .contains("Summary  800 samples, 72 predictions").contains("(72 labeled)");
    }

    @Test
    void aStageIsPromotedAndTheFaultStormWithBadLabelsRollsItBack() throws Exception {
        StringWriter text = new StringWriter();
        PrintWriter out = new PrintWriter(text, true);
        // the demo's own defaults: 20 pumps at 10 Hz, 20 random faults per pump and hour, plant clock 20× faster,
        // storm (a fault in every pump, labels wrong) right after the first promotion; until stopped
        DemoSettings s = new DemoSettings(0, 20, 10, List.of(), 20, List.<Path>of(), "embedded:s5-skab", 0, 5, 1, 20,
                DemoSettings.STORM_AT_PROMOTION, 120);
        LiveDemo demo = LiveDemo.start(s, out, DemoRollout.Starter.AGENT);
        try (TestClient listener = new TestClient("tcp://127.0.0.1:" + demo.brokerPort(), "demo-listener")
                .subscribe("factory/line3/+/predictions").subscribe("ssm-edge/+/rollout/events")) {
            // generous: the shadow gate needs ~600 decorrelated observations (~150,000 samples), and this machine
            // may be shared; at 4,000 samples/s that is under a minute
            await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofSeconds(1))
                    .until(() -> eventTypes(listener).contains("promoted"));
            await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(1))
                    .until(() -> eventTypes(listener).contains("rolled_back"));
            demo.stop();
            List<JsonNode> events = events(listener);
            JsonNode promoted = events.stream().filter(e -> e.get("type").asText().equals("promoted")).findFirst().orElseThrow();
            JsonNode rolledBack = events.stream().filter(e -> e.get("type").asText().equals("rolled_back")).findFirst()
                    .orElseThrow();
            assertThat(promoted.get("ratio").asInt()).isEqualTo(10);
            assertThat(events.indexOf(promoted)).isLessThan(events.indexOf(rolledBack));
            // probation caught it: the warm previous model serves again, for a reason a guard names
            assertThat(rolledBack.get("gate").asText()).isEqualTo("probation");
            assertThat(rolledBack.get("ratio").asInt()).isZero();
            assertThat(rolledBack.get("reason").asText()).containsAnyOf("false-alarm rate", "miss rate", "accuracy drop");
            assertThat(demo.simulator().storms()).hasSize(1);
            assertThat(demo.simulator().counts().labelsWrong.get()).as("labels of the storm published wrong")
                    .isPositive().isLessThanOrEqualTo(20L * demo.simulator().storms().get(0).samples());
            // predictions came over MQTT from both models in turn: the original, the 10 % stage, the original again
            List<String> versions = listener.on("/predictions").stream()
                    .map(m -> read(m.payload()).get("model").get("version").asText()).toList();
            assertThat(versions).contains(promoted.get("model_version").asText());
            assertThat(versions.get(versions.size() - 1)).isEqualTo(versions.get(0));
        }
        assertThat(demo.agent().metrics().predictions.sum()).isPositive();
        assertThat(text.toString()).contains("clock       the plant's clock runs 20 times faster")
                .contains("storm       right after the first promotion")
                .containsPattern("\\[\\d\\d:\\d\\d plant \\d:\\d\\d:\\d\\d\\] rollout promoted: switched to 10 % pruned")
                .contains("storm   a fault in every pump for 120 s").contains("rollout rolled back: switched back to the original model");
    }

    private static List<JsonNode> events(TestClient c) {
        return c.on("/rollout/events").stream().map(m -> read(m.payload())).toList();
    }

    private static Set<String> eventTypes(TestClient c) {
        return events(c).stream().map(e -> e.get("type").asText()).collect(Collectors.toSet());
    }

    private static JsonNode read(String json) {
        try {
            return new ObjectMapper().readTree(json);
        } catch (Exception e) {
            throw new AssertionError("not JSON: " + json, e);
        }
    }

    private static Set<String> streams(TestClient c) {
        return c.on("/predictions").stream().map(m -> m.topic().split("/")[2]).collect(Collectors.toSet());
    }
}
