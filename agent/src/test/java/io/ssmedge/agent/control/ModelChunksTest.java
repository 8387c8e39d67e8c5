package io.ssmedge.agent.control;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;

import static io.ssmedge.agent.control.ControlFixture.ID;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** A model published in chunks on a topic: fetched, checked against the signed hash, then applied. */
class ModelChunksTest {
    static final String TOPIC = "ssm-edge/models/pump";

    @Test
    void aConfigurationWaitsForItsModelThenAppliesIt(@TempDir Path tmp) throws Exception {
        ControlFixture f = new ControlFixture(tmp.resolve("gw"));
        List<JsonNode> acks = new CopyOnWriteArrayList<>();
        f.control.onAck(a -> acks.add(ControlJson.object(a.json(), Refusal.Code.MALFORMED, "ack")));
        Path model = ControlFixture.modelFolder(tmp.resolve("pump"));
        String sha = ModelStore.folderHash(model);
        List<ModelChunks.Part> parts = new ArrayList<>(ModelChunks.split(model, 4096));
        assertThat(parts.size()).isGreaterThan(5);

        JsonNode pending = f.configAck(ControlFixture.config(1, Target.agent(ID),
                "{\"model\": {\"topic\": \"" + TOPIC + "\", \"sha256\": \"" + sha + "\"}}"));
        assertThat(pending.get("status").asText()).isEqualTo("pending");
        assertThat(f.control.state().applied()).isNull();

        Collections.shuffle(parts, new Random(3)); // retained messages come in any order, the manifest too
        for (ModelChunks.Part p : parts) {
            f.control.modelMessage(TOPIC + "/" + p.subTopic(), p.payload());
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> f.control.state().applied() != null);
        assertThat(acks).anyMatch(a -> a.get("status").asText().equals("applied") && a.get("version").asLong() == 1);
        assertThat(Path.of(f.host.config.model().path())).isEqualTo(
                tmp.resolve("gw/data/models/sha256-" + sha).toAbsolutePath().normalize());
        assertThat(ModelStore.folderHash(Path.of(f.host.config.model().path()))).isEqualTo(sha);
        assertThat(tmp.resolve("gw/data/models/.download-" + sha)).doesNotExist();
    }

    @Test
    void aChangedChunkFailsTheCheckAndTheConfigurationIsRefused(@TempDir Path tmp) throws Exception {
        ControlFixture f = new ControlFixture(tmp.resolve("gw"));
        List<JsonNode> acks = new CopyOnWriteArrayList<>();
        f.control.onAck(a -> acks.add(ControlJson.object(a.json(), Refusal.Code.MALFORMED, "ack")));
        Path model = ControlFixture.modelFolder(tmp.resolve("pump"));
        String sha = ModelStore.folderHash(model);
        List<ModelChunks.Part> parts = ModelChunks.split(model, 4096);
        f.configAck(ControlFixture.config(1, Target.agent(ID),
                "{\"model\": {\"topic\": \"" + TOPIC + "\", \"sha256\": \"" + sha + "\"}}"));
        for (ModelChunks.Part p : parts) {
            byte[] b = p.payload().clone();
            if (p.subTopic().equals("model.safetensors/3")) {
                b[100] ^= 1; // an attacker (or a broken broker) changes one bit
            }
            f.control.modelMessage(TOPIC + "/" + p.subTopic(), b);
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> acks.stream().anyMatch(a -> a.get("status").asText()
                .equals("rejected")));
        JsonNode r = acks.stream().filter(a -> a.get("status").asText().equals("rejected")).findFirst().orElseThrow();
        assertThat(r.get("code").asText()).isEqualTo("model_mismatch");
        assertThat(r.get("reason").asText()).contains("could not be received").contains("SHA-256");
        assertThat(f.control.state().applied()).isNull();
        assertThat(f.host.config.model().path()).isEqualTo("embedded:s5-skab");
        assertThat(tmp.resolve("gw/data/models/sha256-" + sha)).doesNotExist();
    }

    @Test
    void hostileManifestsAreRefused(@TempDir Path tmp) {
        String sha = "a".repeat(64);
        for (String m : List.of("{\"sha256\": \"" + "b".repeat(64) + "\", \"chunk_bytes\": 4096, \"files\": []}",
                "{\"sha256\": \"" + sha + "\", \"chunk_bytes\": 4096, \"files\": [{\"name\": \"../x\", \"bytes\": 1, \"chunks\": 1}]}",
                "{\"sha256\": \"" + sha + "\", \"chunk_bytes\": 4096, \"files\": [{\"name\": \"x\", \"bytes\": 99999999999, \"chunks\": 24414063}]}",
                "{\"sha256\": \"" + sha + "\", \"chunk_bytes\": 1, \"files\": [{\"name\": \"x\", \"bytes\": 1, \"chunks\": 1}]}",
                "[1, 2]")) {
            ModelChunks c = new ModelChunks(sha, tmp.resolve("in"));
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> c.accept("manifest",
                    m.getBytes(java.nio.charset.StandardCharsets.UTF_8))).as(m).isInstanceOf(IllegalArgumentException.class);
        }
        assertThat(Files.exists(tmp.resolve("in/x"))).isFalse();
    }
}
