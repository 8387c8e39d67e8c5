package io.ssmedge.agent.daemon;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ssmedge.agent.config.TopicsConfig;
import io.ssmedge.agent.metrics.AgentMetrics;
import io.ssmedge.agent.mqtt.MqttConnection;
import io.ssmedge.agent.mqtt.MqttException;
import io.ssmedge.agent.stream.Prediction;
import io.ssmedge.agent.stream.Timestamps;
import io.ssmedge.inference.WindowSpec;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class PredictionPublisherTest {
    record Sent(String topic, byte[] payload, int qos, boolean retained) {
    }

    /** An MQTT connection that keeps what it is asked to publish, or refuses everything. */
    static final class FakeConnection implements MqttConnection {
        final List<Sent> sent = new ArrayList<>();
        final List<String> threads = new ArrayList<>(); // the thread of each publish
        volatile java.util.concurrent.CountDownLatch gate;
        boolean refuse;
        boolean onlyQueues; // as the Netty output: publish queues for the client's own thread

        @Override
        public void start() {
        }

        @Override
        public boolean awaitReady(Duration timeout) {
            return true;
        }

        @Override
        public boolean isConnected() {
            return true;
        }

        @Override
        public boolean isReady() {
            return true;
        }

        @Override
        public long reconnects() {
            return 0;
        }

        @Override
        public void publish(String topic, byte[] payload, int qos, boolean retained) {
            if (gate != null) {
                try {
                    gate.await(); // the broker's in-flight window is full until the gate opens
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            if (refuse) {
                throw new MqttException("offline buffer full");
            }
            sent.add(new Sent(topic, payload, qos, retained));
            threads.add(Thread.currentThread().getName());
        }

        @Override
        public boolean publishOnlyQueues() {
            return onlyQueues;
        }

        @Override
        public void close(Duration timeout) {
        }
    }

    private final FakeConnection mqtt = new FakeConnection();
    private final AgentMetrics metrics = new AgentMetrics();
    private final ModelIdentity id = new ModelIdentity("embedded:s5-skab", "production", "sha256:fromconfig");
    private final TopicsConfig topics = TopicsConfig.defaults();

    private PredictionPublisher publisher(WindowSpec window) {
        return new PredictionPublisher(mqtt, topics, List.of("normal", "anomaly"), id, window, metrics);
    }

    private static final io.ssmedge.agent.deploy.ModelVersion VERSION = new io.ssmedge.agent.deploy.ModelVersion(
            io.ssmedge.model.ModelLoader.loadEmbedded("s5-skab"), "sha256:0123456789ab", 0, "original", null);

    private static Prediction prediction(double ts, boolean fromSensor) {
        return new Prediction("pump7", ts, fromSensor, 1, new float[]{(float) Math.log(0.25), (float) Math.log(0.75)},
                40, 90, VERSION);
    }

    @Test
    void publishesTheDocumentedJsonOnTheStreamsTopic() throws Exception {
        double ts = Timestamps.nowMillis() - 5;
        publisher(WindowSpec.fixed(60, 8)).publish(prediction(ts, true));

        assertThat(mqtt.sent).hasSize(1);
        Sent s = mqtt.sent.get(0);
        assertThat(s.topic()).isEqualTo(topics.predictionTopic("pump7"));
        assertThat(s.qos()).isEqualTo(topics.predictionsQos());
        assertThat(s.retained()).isFalse();
        JsonNode j = new ObjectMapper().readTree(s.payload());
        assertThat(j.get("stream").asText()).isEqualTo("pump7");
        assertThat(j.get("ts").asDouble()).isEqualTo(ts);
        assertThat(j.get("class").asText()).isEqualTo("anomaly");
        assertThat(j.get("class_index").asInt()).isEqualTo(1);
        assertThat(j.get("probabilities").get("normal").asDouble()).isCloseTo(0.25, within(1e-6));
        assertThat(j.get("probabilities").get("anomaly").asDouble()).isCloseTo(0.75, within(1e-6));
        assertThat(j.get("model").get("version").asText()).isEqualTo("sha256:0123456789ab");
        assertThat(j.get("model").get("stage").asText()).isEqualTo("production");
        assertThat(j.get("window").get("length").asInt()).isEqualTo(60);
        assertThat(j.get("window").get("stride").asInt()).isEqualTo(8);
        assertThat(j.get("latency_ms").get("queue").asDouble()).isEqualTo(0.04);
        assertThat(j.get("latency_ms").get("inference").asDouble()).isEqualTo(0.09);
        assertThat(j.get("latency_ms").get("end_to_end").asDouble()).isBetween(0.0, 60_000.0);

        assertThat(metrics.predictions.total()).isEqualTo(1); // counted under the version that made it
        assertThat(metrics.endToEnd.total().count()).isEqualTo(1);
        assertThat(metrics.publish.total().count()).isEqualTo(1);
    }

    @Test
    void noEndToEndLatencyWithoutASensorTsOrWithAClockFarOff() throws Exception {
        PredictionPublisher p = publisher(WindowSpec.continuous(4));
        p.publish(prediction(Timestamps.nowMillis(), false));           // arrival time: no sensor clock
        p.publish(prediction(Timestamps.nowMillis() - 7_200_000, true)); // two hours behind
        ObjectMapper json = new ObjectMapper();
        for (Sent s : mqtt.sent) {
            JsonNode j = json.readTree(s.payload());
            assertThat(j.get("latency_ms").get("end_to_end").isNull()).isTrue();
            assertThat(j.get("window").get("mode").asText()).isEqualTo("continuous");
            assertThat(j.get("window").has("length")).isFalse();
        }
        assertThat(metrics.endToEndSkipped.sum()).as("only the sensor ts far off counts as skipped").isEqualTo(1);
        assertThat(metrics.endToEnd.total().count()).isZero();
        assertThat(metrics.predictions.total()).isEqualTo(2);
    }

    @Test
    void aRefusedPublishIsCountedAndNotAPrediction() {
        mqtt.refuse = true;
        publisher(WindowSpec.fixed(60, 60)).publish(prediction(Timestamps.nowMillis(), true));
        assertThat(metrics.publishFailures.sum()).isEqualTo(1);
        assertThat(metrics.predictions.sum()).isZero();
        assertThat(metrics.endToEnd.total().count()).isZero();
    }

    /**
     * Started (as in the daemon), publish returns while the MQTT client blocks; once the broker takes messages
     * again, every prediction goes out once, in order, with the same JSON the caller's-thread path writes.
     */
    @Test
    void startedPublisherDoesNotMakeTheWorkerWaitForTheBroker() throws Exception {
        mqtt.gate = new java.util.concurrent.CountDownLatch(1);
        PredictionPublisher p = publisher(WindowSpec.fixed(60, 8));
        p.start();
        int n = 500;
        long t0 = System.nanoTime();
        for (int i = 0; i < n; i++) {
            p.publish(new Prediction("pump" + i, 1000.0 + i, false, i % 2, new float[]{(float) Math.log(0.5),
                    (float) Math.log(0.5)}, 40, 90, VERSION));
        }
        assertThat(System.nanoTime() - t0).as("publish waited for the blocked broker").isLessThan(5_000_000_000L);
        assertThat(mqtt.sent).isEmpty();
        mqtt.gate.countDown();
        assertThat(p.close(Duration.ofSeconds(20))).isTrue();
        assertThat(mqtt.sent).hasSize(n);
        for (int i = 0; i < n; i++) {
            Sent s = mqtt.sent.get(i);
            assertThat(s.topic()).isEqualTo(topics.predictionTopic("pump" + i));
            Prediction same = new Prediction("pump" + i, 1000.0 + i, false, i % 2, new float[]{(float) Math.log(0.5),
                    (float) Math.log(0.5)}, 40, 90, VERSION);
            assertThat(new String(s.payload(), java.nio.charset.StandardCharsets.UTF_8))
                    .isEqualTo(new String(p.format(same, Double.NaN), java.nio.charset.StandardCharsets.UTF_8));
        }
        assertThat(metrics.predictions.total()).isEqualTo(n);
    }

    /**
     * With a client whose publish only queues (the Netty output) no sender thread starts: the worker formats and
     * hands over each prediction itself, in order, with the JSON the sender thread would write.
     */
    @Test
    void withAClientThatOnlyQueuesTheWorkerPublishesItself() throws Exception {
        mqtt.onlyQueues = true;
        PredictionPublisher p = publisher(WindowSpec.fixed(60, 8));
        p.start();
        int n = 50;
        for (int i = 0; i < n; i++) {
            p.publish(new Prediction("pump" + i, 1000.0 + i, false, i % 2, new float[]{(float) Math.log(0.5),
                    (float) Math.log(0.5)}, 40, 90, VERSION));
            assertThat(mqtt.sent).as("handed over before publish returned").hasSize(i + 1);
        }
        assertThat(mqtt.threads).containsOnly(Thread.currentThread().getName());
        for (int i = 0; i < n; i++) {
            Prediction same = new Prediction("pump" + i, 1000.0 + i, false, i % 2, new float[]{(float) Math.log(0.5),
                    (float) Math.log(0.5)}, 40, 90, VERSION);
            assertThat(mqtt.sent.get(i).topic()).isEqualTo(topics.predictionTopic("pump" + i));
            assertThat(new String(mqtt.sent.get(i).payload(), java.nio.charset.StandardCharsets.UTF_8))
                    .isEqualTo(new String(p.format(same, Double.NaN), java.nio.charset.StandardCharsets.UTF_8));
        }
        assertThat(p.close(Duration.ofSeconds(1))).isTrue();
        assertThat(metrics.predictions.total()).isEqualTo(n);
    }
}
