package io.ssmedge.agent.daemon;

import com.fasterxml.jackson.databind.JsonNode;
import io.ssmedge.agent.config.AgentConfig;
import io.ssmedge.agent.config.MqttVersion;
import io.ssmedge.agent.deploy.ModelVersion;
import io.ssmedge.agent.deploy.ModelVersions;
import io.ssmedge.agent.deploy.PairedWindow;
import io.ssmedge.agent.testing.TestBroker;
import io.ssmedge.agent.testing.Recording;
import io.ssmedge.agent.testing.TestClient;
import io.ssmedge.eval.Evaluator;
import io.ssmedge.pruning.Pruner;
import io.ssmedge.pruning.PruningMethod;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static io.ssmedge.agent.daemon.AgentEndToEndTest.MODEL;
import static io.ssmedge.agent.daemon.AgentEndToEndTest.WAIT;
import static io.ssmedge.agent.daemon.AgentEndToEndTest.read;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Shadow, promote and rollback on the running daemon against a real broker: what subscribers see. */
class AgentDeploymentTest {
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

    @Test
    void predictionsAcrossShadowPromoteAndRollbackHaveNoGapNoDuplicateAndNameTheirModel() throws Exception {
        Path prunedDir = dir.resolve("pruned30");
        Pruner.apply(MODEL, Pruner.plan(MODEL, PruningMethod.LAST, 30)).save(prunedDir);
        ModelVersion pruned = ModelVersions.load(prunedDir, 0.3, "last");
        AgentConfig cfg = e2e.config(MqttVersion.V5, 60, 8);
        Agent agent = e2e.start(cfg);
        TestClient client = e2e.client;
        List<PairedWindow> pairs = Collections.synchronizedList(new ArrayList<>());
        agent.deployments().addListener(pairs::add);
        ModelVersion original = agent.deployments().serving();
        List<String> streams = List.of("m1", "m2", "m3");
        Recording rec = Recording.fixture(MODEL);

        publish(client, agent, streams, rec, 0, 100);
        agent.deployments().startShadow(pruned, 1.0);
        publish(client, agent, streams, rec, 100, 150);
        JsonNode status = read(e2e.httpGet("/api/status")).get("deployment");
        assertThat(status.get("serving").get("version").asText()).isEqualTo(original.version());
        assertThat(status.get("shadow").get("version").asText()).isEqualTo(pruned.version());
        assertThat(status.get("shadow").get("stream_share").asDouble()).isEqualTo(1.0);
        assertThat(status.get("shadow").get("kept_states_per_layer")).hasSize(MODEL.layers());
        agent.deployments().promote();
        publish(client, agent, streams, rec, 150, 200);
        agent.deployments().rollback();
        publish(client, agent, streams, rec, 200, rec.rows());

        int windows = rec.expectedLogp(MODEL, 60, 8).length / 2;
        float[] expectedPruned = rec.expectedLogp(pruned.model(), 60, 8);
        for (String s : streams) {
            await().atMost(WAIT).until(() -> e2e.predictions(s).size() >= windows);
            List<JsonNode> got = e2e.predictions(s);
            assertThat(got).hasSize(windows);
            for (int j = 0; j < windows; j++) {
                int start = j * 8;
                int end = Recording.lastSample(j, 60, 8);
                JsonNode p = got.get(j);
                assertThat(p.get("ts").asDouble()).isEqualTo(rec.ts(end));
                // the pruned model serves windows ending between promote (150) and rollback (200) that it saw
                // from their first sample (it joined at 100); every other window comes from the original
                boolean byPruned = end >= 150 && end < 200 && start >= 100;
                assertThat(p.get("model").get("version").asText()).as("%s window %d", s, j)
                        .isEqualTo(byPruned ? pruned.version() : original.version());
                if (byPruned) {
                    assertThat(p.get("class_index").asInt()).isEqualTo(Evaluator.argmax(expectedPruned, j, 2));
                    assertThat(p.get("model").get("pruned_ratio").asDouble()).isEqualTo(0.3);
                }
            }
        }
        // paired: every window both models saw from its first sample (the pruned model joined at 100: windows
        // from j = 13 on), each once its label was joined; all end after the promote, so the pruned model serves
        // and the original shadows until the rollback (200), then the roles swap back
        int paired = windows - 13;
        await().atMost(WAIT).until(() -> pairs.size() >= paired * streams.size());
        assertThat(pairs).hasSize(paired * streams.size());
        int[] labels = rec.table().labels();
        float[] expectedOriginal = rec.expectedLogp(MODEL, 60, 8);
        for (PairedWindow w : pairs) {
            int j = ((int) Math.round((w.endTs() - Recording.BASE_TS) / 1000) - 59) / 8;
            assertThat(j).isGreaterThanOrEqualTo(13);
            boolean beforeRollback = Recording.lastSample(j, 60, 8) < 200;
            assertThat(w.serving()).isEqualTo(beforeRollback ? pruned : original);
            assertThat(w.shadow()).isEqualTo(beforeRollback ? original : pruned);
            float[] servingExpected = beforeRollback ? expectedPruned : expectedOriginal;
            float[] shadowExpected = beforeRollback ? expectedOriginal : expectedPruned;
            assertThat(w.servingClass()).isEqualTo(Evaluator.argmax(servingExpected, j, 2));
            assertThat(w.shadowClass()).isEqualTo(Evaluator.argmax(shadowExpected, j, 2));
            assertThat(w.label()).isEqualTo(labels[Recording.lastSample(j, 60, 8)]);
        }
        JsonNode after = read(e2e.httpGet("/api/status")).get("deployment");
        assertThat(after.get("serving").get("version").asText()).isEqualTo(original.version());
        assertThat(after.get("shadow").get("version").asText()).isEqualTo(pruned.version());
        assertThat(after.get("change").asText()).isEqualTo("rolled back");
        // (main's Prometheus registry names the model by version in ssm_edge_model_info)
        assertThat(e2e.httpGet("/metrics")).contains("model_version=\"" + original.version() + "\"");
    }

    /** Samples [from, to) of every stream, then waits until the agent has stepped them all. */
    private static void publish(TestClient client, Agent agent, List<String> streams, Recording rec, int from, int to) {
        for (int i = from; i < to; i++) {
            for (String s : streams) {
                client.publish("plant/" + s + "/sensors", rec.json(i), 1);
                client.publish("plant/" + s + "/labels", rec.label(i), 1);
            }
        }
        long total = (long) to * streams.size();
        await().atMost(WAIT).until(() -> agent.metrics().samples.sum() == total);
    }
}
