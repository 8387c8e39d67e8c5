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

/** The live demo headless for ~20 s: samples go through the embedded broker to the agent, predictions come back. */
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

    private static Set<String> streams(TestClient c) {
        return c.on("/predictions").stream().map(m -> m.topic().split("/")[2]).collect(Collectors.toSet());
    }
}
