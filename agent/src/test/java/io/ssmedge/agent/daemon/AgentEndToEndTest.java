package io.ssmedge.agent.daemon;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ssmedge.agent.config.AgentConfig;
import io.ssmedge.agent.config.HttpConfig;
import io.ssmedge.agent.config.MqttConfig;
import io.ssmedge.agent.config.MqttVersion;
import io.ssmedge.agent.config.ModelConfig;
import io.ssmedge.agent.config.OverflowPolicy;
import io.ssmedge.agent.config.TopicsConfig;
import io.ssmedge.agent.config.WindowConfig;
import io.ssmedge.agent.config.WorkersConfig;
import io.ssmedge.agent.mqtt.MqttConnections;
import io.ssmedge.agent.stream.RejectReason;
import io.ssmedge.agent.testing.TestBroker;
import io.ssmedge.agent.testing.Recording;
import io.ssmedge.agent.testing.Scrape;
import io.ssmedge.agent.testing.TestClient;
import io.ssmedge.eval.Evaluator;
import io.ssmedge.model.ModelLoader;
import io.ssmedge.model.SsmModel;
import io.ssmedge.testing.Fixtures;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

/**
 * The daemon against a real broker: sensor messages in, predictions equal to the batch evaluation out. Every
 * scenario runs against the embedded broker and, when installed, against Mosquitto.
 */
@ParameterizedClass(name = "{0} broker")
@EnumSource(TestBroker.Kind.class)
class AgentEndToEndTest {
    static final SsmModel MODEL = ModelLoader.loadEmbedded("s5-skab");
    static final ObjectMapper JSON = new ObjectMapper();
    static final Duration WAIT = Duration.ofSeconds(60);

    @Parameter
    TestBroker.Kind kind;
    @TempDir
    Path dir;
    TestBroker broker;
    Agent agent;
    TestClient client;

    @BeforeEach
    void broker() {
        broker = kind.start(dir);
    }

    @AfterEach
    void stop() {
        if (agent != null) {
            agent.stop();
        }
        if (client != null) {
            client.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    AgentConfig config(MqttVersion version, int length, int stride) {
        return config(version, length, stride, OverflowPolicy.BLOCK);
    }

    /** The queue is large enough that nothing is dropped with any {@code overflow}. */
    AgentConfig config(MqttVersion version, int length, int stride, OverflowPolicy overflow) {
        AgentConfig d = AgentConfig.defaults();
        return d.withModel(new ModelConfig("embedded:s5-skab", "test", null, new WindowConfig(length, stride, false)))
                .withMqtt(d.mqtt().withPort(broker.port()).withVersion(version).withClientId("agent-" + version.key()))
                .withTopics(new TopicsConfig("plant/+/sensors", 1, "plant/+/labels", 1, "plant/{stream}/predictions", 1,
                        "ssm-edge/{client_id}/status", "ssm-edge/{client_id}/errors"))
                .withWorkers(new WorkersConfig(2, 100_000, overflow, 1000))
                .withHttp(new HttpConfig(true, "127.0.0.1", 0, null, 65536));
    }

    Agent start(AgentConfig cfg) throws InterruptedException {
        agent = Agent.start(cfg);
        assertThat(agent.subscriber().awaitReady(WAIT)).as("agent subscribed").isTrue();
        assertThat(agent.publisher().awaitReady(WAIT)).as("agent publisher connected").isTrue();
        client = new TestClient(broker.uri(), "test-client").subscribe("plant/+/predictions")
                .subscribe("ssm-edge/+/errors").subscribe("ssm-edge/+/status");
        return agent;
    }

    List<JsonNode> predictions(String stream) {
        return client.on(stream + "/predictions").stream().map(m -> read(m.payload()))
                .sorted(Comparator.comparingDouble(n -> n.get("ts").asDouble())).toList();
    }

    static JsonNode read(String s) {
        try {
            return JSON.readTree(s);
        } catch (Exception e) {
            throw new AssertionError("not JSON: " + s, e);
        }
    }

    /** Predicted class and probabilities of each window equal the batch evaluation within 1e-5. */
    static void assertMatchesBatch(List<JsonNode> got, Recording rec, int length, int stride) {
        float[] expected = rec.expectedLogp(MODEL, length, stride);
        int windows = expected.length / 2;
        assertThat(got).hasSize(windows);
        for (int j = 0; j < windows; j++) {
            JsonNode p = got.get(j);
            assertThat(p.get("ts").asDouble()).isEqualTo(rec.ts(Recording.lastSample(j, length, stride)));
            assertThat(p.get("class_index").asInt()).isEqualTo(Evaluator.argmax(expected, j, 2));
            assertThat(p.get("class").asText()).isEqualTo(MODEL.classes().get(Evaluator.argmax(expected, j, 2)));
            assertThat(p.get("probabilities").get("normal").asDouble()).isCloseTo(Math.exp(expected[2 * j]), within(1e-5));
            assertThat(p.get("probabilities").get("anomaly").asDouble())
                    .isCloseTo(Math.exp(expected[2 * j + 1]), within(1e-5));
        }
    }

    @ParameterizedTest
    @EnumSource(MqttVersion.class)
    void fixtureStreamsGiveTheBatchPredictionsAndLiveAccuracy(MqttVersion version) throws Exception {
        start(config(version, 60, 8, OverflowPolicy.DROP_OLDEST));
        assertThat(MqttConnections.shareThread(agent.subscriber(), agent.publisher())).as("one MQTT thread").isTrue();
        Recording rec = Recording.fixture(MODEL);
        for (int i = 0; i < rec.rows(); i++) {
            client.publish("plant/pumpA/sensors", rec.json(i), 1);
            client.publish("plant/pumpB/sensors", i % 2 == 0 ? rec.csv(i) : rec.namedJson(i, MODEL.channels()), 1);
            client.publish("plant/pumpA/labels", rec.label(i), 1);
        }
        int windows = rec.expectedLogp(MODEL, 60, 8).length / 2;
        await().atMost(WAIT).until(() -> predictions("pumpA").size() == windows && predictions("pumpB").size() == windows);
        assertMatchesBatch(predictions("pumpA"), rec, 60, 8);
        assertMatchesBatch(predictions("pumpB"), rec, 60, 8);

        JsonNode first = predictions("pumpA").get(0);
        assertThat(first.get("stream").asText()).isEqualTo("pumpA");
        assertThat(first.get("model").get("stage").asText()).isEqualTo("test");
        assertThat(first.get("model").get("version").asText()).startsWith("sha256:");
        assertThat(first.get("latency_ms").get("inference").asDouble()).isGreaterThanOrEqualTo(0);

        // labels of every sample: each prediction is scored by the label of its window's last sample
        float[] expected = rec.expectedLogp(MODEL, 60, 8);
        var batch = Evaluator.score(expected, rec.windows(60, 8).labels(), 2);
        await().atMost(WAIT).until(() -> agent.overall().snapshot().matched() == windows);
        assertThat(agent.overall().snapshot().accuracy()).isEqualTo(batch.accuracy());
        assertThat(agent.overall().snapshot().confusion()).isDeepEqualTo(batch.confusion().counts());
        assertThat(client.on("/status")).extracting(TestClient.Message::payload).contains("online");
        JsonNode live = read(httpGet("/api/status")).get("live_accuracy");
        assertThat(live.get("labeled_predictions").asInt()).isEqualTo(windows);
        assertThat(live.get("accuracy").asDouble()).isEqualTo(batch.accuracy());
    }

    @Test
    void skabRecordingGivesTheBatchPredictions() throws Exception {
        Path skab = Fixtures.skab();
        Assumptions.assumeTrue(skab != null, "SKAB data not found at ../shared/datasets/skab: skipping the SKAB "
                + "end-to-end test (the bundled fixture tests still run)");
        start(config(MqttVersion.V5, 60, 60));
        Recording rec = Recording.read(skab.resolve("valve1/1.csv"), MODEL);
        for (int i = 0; i < rec.rows(); i++) {
            client.publish("plant/valve1-1/sensors", rec.json(i), 1);
        }
        int windows = rec.expectedLogp(MODEL, 60, 60).length / 2;
        await().atMost(WAIT).until(() -> predictions("valve1-1").size() == windows);
        assertMatchesBatch(predictions("valve1-1"), rec, 60, 60);
    }

    @Test
    void malformedPayloadsAreCountedAndReportedWithoutLosingState() throws Exception {
        start(config(MqttVersion.V5, 60, 60));
        // sensor clock = this machine's clock, so the end-to-end latency is measured
        Recording rec = Recording.fixture(MODEL).at(io.ssmedge.agent.stream.Timestamps.nowMillis() - 1000, 1);
        byte[] huge = new byte[10 * 1024 * 1024];
        java.util.Arrays.fill(huge, (byte) '1');
        for (int i = 0; i < rec.rows(); i++) {
            client.publish("plant/p/sensors", rec.json(i), 1);
            switch (i) {
                case 30 -> client.publish("plant/p/sensors", "{\"ts\": 1, \"values\": [1, 2");
                case 31 -> client.publish("plant/p/sensors", "{\"values\": [1, NaN, 3, 4, 5, 6, 7, 8]}");
                case 32 -> client.publish("plant/p/sensors", "{\"values\": [1, 2, 3]}");
                case 33 -> client.publish("plant/p/sensors", huge, 1);
                case 34 -> client.publish("plant/p/sensors", new String(rec.json(34))); // a repeat
                default -> { }
            }
        }
        int windows = rec.expectedLogp(MODEL, 60, 60).length / 2;
        await().atMost(WAIT).until(() -> predictions("p").size() == windows);
        assertMatchesBatch(predictions("p"), rec, 60, 60);
        var m = agent.metrics();
        assertThat(m.rejectedCount(RejectReason.BAD_JSON)).isEqualTo(1);
        assertThat(m.rejectedCount(RejectReason.NOT_A_NUMBER)).isEqualTo(1);
        assertThat(m.rejectedCount(RejectReason.WRONG_CHANNEL_COUNT)).isEqualTo(1);
        assertThat(m.rejectedCount(RejectReason.TOO_LARGE)).isEqualTo(1);
        assertThat(m.repeatedSamples.sum()).isEqualTo(1); // the repeat is recognised by its ts and skipped
        await().atMost(WAIT).until(() -> client.on("/errors").size() == 4);
        List<JsonNode> errors = client.on("/errors").stream().map(e -> read(e.payload())).toList();
        assertThat(errors).extracting(e -> e.get("reason").asText())
                .containsExactlyInAnyOrder("bad_json", "not_a_number", "wrong_channel_count", "too_large");
        assertThat(errors).allSatisfy(e -> assertThat(e.get("stream").asText()).isEqualTo("p"));
        assertThat(errors).anySatisfy(e -> assertThat(e.get("message").asText())
                .contains("larger than payload.max_bytes"));
        assertThat(agent.subscriber().isConnected()).isTrue();

        // the same counts on the status pages (a real Netty server)
        Scrape metrics = Scrape.parse(httpGetBytes("/metrics", Scrape.PROTOBUF_ACCEPT));
        String version = agent.deployments().serving().version();
        assertThat(metrics.counter("ssm_edge_rejected_messages_total", "reason", "too_large")).isEqualTo(1);
        assertThat(metrics.counter("ssm_edge_predictions_total", "model_version", version)).isEqualTo(windows);
        assertThat(metrics.histogram("ssm_edge_inference_seconds", "model_version", version).getSampleCount())
                .isPositive();
        assertThat(metrics.histogram("ssm_edge_end_to_end_seconds", "model_version", version).getSampleCount())
                .isEqualTo(windows);
        assertThat(metrics.gauge("ssm_edge_streams")).isEqualTo(1);
        assertThat(metrics.gauge("process_resident_memory_bytes")).isPositive();
        JsonNode status = read(httpGet("/api/status"));
        assertThat(status.get("ready").asBoolean()).isTrue();
        assertThat(status.get("model").get("name").asText()).isEqualTo("embedded:s5-skab");
        assertThat(status.get("metrics").get("rejected").get("too_large").asInt()).isEqualTo(1);
        assertThat(status.get("streams").get(0).get("stream").asText()).isEqualTo("p");
        assertThat(status.get("streams").get(0).get("samples").asInt()).isEqualTo(rec.rows());
        assertThat(status.get("streams").get(0).get("state_bytes").asLong())
                .isEqualTo(io.ssmedge.inference.WindowedStream.compact(MODEL, // the worker keeps states only
                        io.ssmedge.inference.WindowSpec.fixed(60, 60)).stateBytes());
        assertThat(status.get("metrics").get("memory").get("rss_bytes").asLong()).isPositive();
        // "RSS after start" is taken once, MEMORY_AFTER_START_MILLIS after start, and then stays on the status page
        await().atMost(Duration.ofMillis(Agent.MEMORY_AFTER_START_MILLIS + 15_000)).until(() -> agent.rssAtStartBytes() > 0);
        assertThat(read(httpGet("/api/status")).get("metrics").get("memory").get("rss_at_start_bytes").asLong())
                .isEqualTo(agent.rssAtStartBytes());
    }

    byte[] httpGetBytes(String path, String accept) throws Exception {
        var http = java.net.http.HttpClient.newHttpClient();
        var r = http.send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create("http://127.0.0.1:" + agent.httpPort() + path)).header("Accept", accept).build(),
                java.net.http.HttpResponse.BodyHandlers.ofByteArray());
        assertThat(r.statusCode()).as(path).isEqualTo(200);
        return r.body();
    }

    String httpGet(String path) throws Exception {
        var http = java.net.http.HttpClient.newHttpClient();
        var r = http.send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create("http://127.0.0.1:" + agent.httpPort() + path)).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(path).isEqualTo(200);
        return r.body();
    }

    @ParameterizedTest
    @EnumSource(MqttVersion.class)
    void reconnectsAndResubscribesAfterTheBrokerRestarts(MqttVersion version) throws Exception {
        start(config(version, 60, 60, OverflowPolicy.DROP_OLDEST)); // both connections come back on one thread
        assertThat(MqttConnections.shareThread(agent.subscriber(), agent.publisher())).as("one MQTT thread").isTrue();
        Recording rec = Recording.fixture(MODEL);
        for (int i = 0; i < 120; i++) {
            client.publish("plant/r/sensors", rec.json(i), 1);
        }
        await().atMost(WAIT).until(() -> predictions("r").size() == 2);
        client.close();
        broker.restart(); // no persistence: the broker forgets sessions and subscriptions
        await().atMost(WAIT).until(() -> agent.subscriber().isReady() && agent.publisher().isReady());
        assertThat(agent.subscriber().reconnects()).isGreaterThanOrEqualTo(1);
        client = new TestClient(broker.uri(), "test-client-2").subscribe("plant/+/predictions");
        for (int i = 120; i < rec.rows(); i++) {
            client.publish("plant/r/sensors", rec.json(i), 1);
        }
        int windows = rec.expectedLogp(MODEL, 60, 60).length / 2;
        await().atMost(WAIT).until(() -> predictions("r").size() == windows - 2);
        assertThat(agent.metrics().samples.sum()).isEqualTo(rec.rows());
        // the stream's state went on across the outage: the later windows still equal the batch evaluation
        float[] expected = rec.expectedLogp(MODEL, 60, 60);
        List<JsonNode> got = predictions("r");
        for (int j = 2; j < windows; j++) {
            assertThat(got.get(j - 2).get("probabilities").get("anomaly").asDouble())
                    .isCloseTo(Math.exp(expected[2 * j + 1]), within(1e-5));
        }
    }

    /**
     * overflow block with a worker queue of 2 on one MQTT thread: the input finds the queue full again and again and
     * must pause reading, never wait on the thread that also carries the predictions and their PUBACKs. Every window
     * of both streams still gives the batch evaluation's prediction, and nothing is dropped.
     */
    @ParameterizedTest
    @EnumSource(MqttVersion.class)
    void overflowBlockWithATinyQueuePausesTheSharedThreadAndLosesNothing(MqttVersion version) throws Exception {
        AgentConfig big = config(version, 60, 8, OverflowPolicy.BLOCK);
        start(big.withWorkers(new WorkersConfig(1, 2, OverflowPolicy.BLOCK, 1000)));
        assertThat(MqttConnections.shareThread(agent.subscriber(), agent.publisher())).as("one MQTT thread").isTrue();
        Recording rec = Recording.fixture(MODEL);
        for (int i = 0; i < rec.rows(); i++) {
            client.publish("plant/pumpA/sensors", rec.json(i), 1);
            client.publish("plant/pumpB/sensors", rec.csv(i), 1);
        }
        int windows = rec.expectedLogp(MODEL, 60, 8).length / 2;
        await().atMost(WAIT).until(() -> predictions("pumpA").size() == windows && predictions("pumpB").size() == windows);
        assertMatchesBatch(predictions("pumpA"), rec, 60, 8);
        assertMatchesBatch(predictions("pumpB"), rec, 60, 8);
        assertThat(agent.metrics().dropped.sum()).isZero();
        assertThat(agent.metrics().sensorMessages.sum()).isEqualTo(2L * rec.rows());
        assertThat(agent.metrics().inputPauses.sum()).as("the input did find the queue full").isPositive();
    }

    @ParameterizedTest
    @EnumSource(MqttVersion.class)
    void stopPublishesWhatIsDueAndTheSessionKeepsLaterSamples(MqttVersion version) throws Exception {
        AgentConfig cfg = config(version, 60, 60);
        start(cfg);
        // overflow block too: the input pauses reading instead of waiting for the worker (MessageHandler.offer)
        assertThat(MqttConnections.shareThread(agent.subscriber(), agent.publisher())).as("one MQTT thread").isTrue();
        Recording rec = Recording.fixture(MODEL);
        for (int i = 0; i < 240; i++) {
            client.publish("plant/s/sensors", rec.json(i), 1);
        }
        await().atMost(WAIT).until(() -> agent.metrics().sensorMessages.sum() == 240);
        agent.stop();
        assertThat(agent.metrics().predictions.sum()).isEqualTo(4);
        await().atMost(WAIT).until(() -> predictions("s").size() == 4);
        assertThat(client.on("/status").get(client.on("/status").size() - 1).payload()).isEqualTo("offline");

        // while the agent is away the broker keeps QoS 1 samples in its session
        for (int i = 240; i < 300; i++) {
            client.publish("plant/s/sensors", rec.json(i), 1);
        }
        agent = Agent.start(cfg);
        await().atMost(WAIT).until(() -> agent.metrics().sensorMessages.sum() == 60);
        await().atMost(WAIT).until(() -> predictions("s").size() == 5);
        assertThat(predictions("s").get(4).get("ts").asDouble()).isEqualTo(rec.ts(299));
    }
}
