package io.ssmedge.agent.control;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ssmedge.agent.command.CommandName;
import io.ssmedge.agent.command.CommandResult;
import io.ssmedge.agent.config.AgentConfig;
import io.ssmedge.agent.config.ConfigLoader;
import io.ssmedge.agent.daemon.Agent;
import io.ssmedge.agent.testing.TestBroker;
import io.ssmedge.agent.testing.TestClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two gateways of group line3 against a real broker, driven only through the operator's command line: keys,
 * sign, push (group and agent), bad documents, commands and their replay, the daemon's live window change without
 * losing sensor samples, and /api/status.
 */
class ControlMqttTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path dir;
    TestBroker broker;
    final List<Gateway> gateways = new ArrayList<>();
    TestClient client;

    /** One daemon as `ssm-edge run` starts it with control enabled. */
    static final class Gateway {
        final RemoteControl control;
        final AgentSupervisor supervisor;
        final List<Agent> started = new CopyOnWriteArrayList<>();
        final AtomicInteger pauses = new AtomicInteger();

        Gateway(Path configFile) {
            AgentConfig local = ConfigLoader.load(configFile);
            control = RemoteControl.open(configFile, local);
            supervisor = new AgentSupervisor(a -> {
                control.register(a);
                a.commands().register(CommandName.PAUSE, c -> {
                    pauses.incrementAndGet();
                    return CommandResult.ok("paused");
                });
                started.add(a);
            });
            supervisor.start(control.startupConfig());
            control.attach(supervisor);
            control.connect(local);
        }

        int stride() {
            return supervisor.agent().window().stride();
        }

        long samples() {
            return started.stream().mapToLong(a -> a.metrics().samples.sum()).sum();
        }

        void stop() {
            control.close();
            supervisor.stop();
        }
    }

    @AfterEach
    void stop() {
        gateways.forEach(Gateway::stop);
        if (client != null) {
            client.close();
        }
        if (broker != null) {
            broker.stop();
        }
    }

    static OperatorCliTest.Run cli(String... args) {
        return OperatorCliTest.cli(args);
    }

    Path gatewayConfig(String id) throws Exception {
        Path f = dir.resolve(id + ".yaml");
        Files.writeString(f, "model:\n  path: embedded:s5-skab\n  window:\n    stride: 8\n"
                + "mqtt:\n  host: 127.0.0.1\n  port: " + broker.port() + "\n  client_id: " + id + "\n"
                + "topics:\n  sensors: plant/+/sensors\n  predictions: plant/{stream}/predictions\n"
                + "workers:\n  threads: 1\n  overflow: block\n"
                + "http:\n  port: 0\n"
                + "control:\n  enabled: true\n  trusted_keys: keys/trusted-keys.json\n  groups: [line3]\n"
                + "  data_dir: data-" + id + "\n");
        return f;
    }

    Path document(String name, String json) throws Exception {
        Path f = dir.resolve(name + ".json");
        Files.writeString(f, json);
        return f;
    }

    static String config(long version, String target, int stride) {
        return "{\"kind\": \"config\", \"version\": " + version + ", \"target\": " + target
                + ", \"settings\": {\"model\": {\"window\": {\"stride\": " + stride + "}}}}";
    }

    OperatorCliTest.Run signAndPush(String name, String json, String... target) throws Exception {
        Path doc = document(name, json);
        OperatorCliTest.Run s = cli("config", "sign", doc.toString(), "--key", dir.resolve("keys/signing.key").toString());
        assertThat(s.exit()).as(s.err()).isZero();
        List<String> args = new ArrayList<>(List.of("config", "push", "--broker", broker.uri(), "--wait", "30"));
        args.addAll(List.of(target));
        args.add(dir.resolve(name + ".signed.json").toString());
        return cli(args.toArray(String[]::new));
    }

    @ParameterizedTest(name = "{0} broker")
    @EnumSource(TestBroker.Kind.class)
    void operatorChangesAGroupThenOneGatewayAndBadDocumentsChangeNothing(TestBroker.Kind kind) throws Exception {
        broker = kind.start(dir);
        OperatorCliTest.Run keys = cli("keys", "generate", "--out", dir.resolve("keys").toString());
        assertThat(keys.exit()).as(keys.err()).isZero();
        assertThat(keys.out()).contains("trusted-keys.json");
        Gateway gw1 = new Gateway(gatewayConfig("gw-1"));
        Gateway gw2 = new Gateway(gatewayConfig("gw-2"));
        gateways.add(gw1);
        gateways.add(gw2);
        for (Gateway g : gateways) {
            assertThat(g.control.connection().awaitReady(WAIT)).isTrue();
            assertThat(g.supervisor.agent().subscriber().awaitReady(WAIT)).isTrue();
        }
        assertThat(gw1.stride()).isEqualTo(8);

        // a group configuration reaches every member
        OperatorCliTest.Run group = signAndPush("group", config(1, "{\"group\": \"line3\"}", 4), "--group", "line3", "--expect", "2");
        assertThat(group.exit()).as(group.out() + group.err()).isZero();
        assertThat(group.out()).contains("gw-1").contains("gw-2").contains("2 answers: 2 applied, 0 rejected");
        assertThat(gw1.stride()).isEqualTo(4);
        assertThat(gw2.stride()).isEqualTo(4);

        // samples sent while gw-1 changes its window are all used: the old pipeline finishes its queue, the broker
        // keeps the rest for the new one
        client = new TestClient(broker.uri(), "sensors");
        long before = gw1.samples();
        for (int i = 0; i < 300; i++) {
            client.publish("plant/pump1/sensors", String.format(Locale.ROOT,
                    "{\"ts\": %d, \"values\": [0.02, 0.04, 1.33, 0.05, 79.3, 26.0, 233.1, 32.0]}", 1_700_000_000_000L + i * 1000L)
                    .getBytes(StandardCharsets.UTF_8), 1);
        }
        // the gateway's own configuration of the same version overrides the group's
        OperatorCliTest.Run own = signAndPush("own", config(1, "{\"agent\": \"gw-1\"}", 6), "--agent", "gw-1");
        assertThat(own.exit()).as(own.out() + own.err()).isZero();
        assertThat(own.out()).contains("gw-1").contains("applied at");
        assertThat(gw1.stride()).isEqualTo(6);
        assertThat(gw2.stride()).isEqualTo(4);
        await().atMost(WAIT).untilAsserted(() -> assertThat(gw1.samples() - before).isEqualTo(300));
        assertThat(gw2.samples()).isEqualTo(300); // gw-2 subscribes to the same sensors and took them all too

        // /api/status of the new pipeline shows the applied version and the new window
        JsonNode status = JSON.readTree(httpGet(gw1.supervisor.agent().httpPort(), "/api/status"));
        assertThat(status.get("window").get("stride").asInt()).isEqualTo(6);
        assertThat(status.get("control").get("applied").get("version").asLong()).isEqualTo(1);
        assertThat(status.get("control").get("applied").get("target").get("agent").asText()).isEqualTo("gw-1");

        // a replayed older group document (same version, other content) is refused by both, with the reason
        OperatorCliTest.Run replay = signAndPush("replay", config(1, "{\"group\": \"line3\"}", 2), "--group", "line3", "--expect", "2");
        assertThat(replay.exit()).isEqualTo(1);
        assertThat(replay.out()).contains("REJECTED (version_not_greater)");
        assertThat(gw1.stride()).isEqualTo(6);
        assertThat(gw2.stride()).isEqualTo(4);

        // a document changed after signing
        Path signed = dir.resolve("own.signed.json");
        JsonNode env = JSON.readTree(signed.toFile());
        String payload = new String(java.util.Base64.getDecoder().decode(env.get("payload").asText()),
                StandardCharsets.UTF_8).replace("\"version\" : 1", "\"version\" : 5").replace("\"stride\" : 6", "\"stride\" : 1");
        assertThat(payload).contains("\"version\" : 5");
        Files.writeString(dir.resolve("forged.signed.json"), "{\"payload\": \"" + java.util.Base64.getEncoder()
                .encodeToString(payload.getBytes(StandardCharsets.UTF_8)) + "\", \"signatures\": " + env.get("signatures") + "}");
        OperatorCliTest.Run forged = cli("config", "push", "--broker", broker.uri(), "--agent", "gw-1", "--wait", "30",
                dir.resolve("forged.signed.json").toString());
        assertThat(forged.exit()).isEqualTo(1);
        assertThat(forged.out()).contains("REJECTED (bad_signature)");
        assertThat(gw1.stride()).isEqualTo(6);
        JsonNode after = JSON.readTree(httpGet(gw1.supervisor.agent().httpPort(), "/api/status"));
        assertThat(after.get("control").get("last_rejection").get("code").asText()).isEqualTo("bad_signature");

        // a signed command, and its replay
        TestClient spy = new TestClient(broker.uri(), "spy").subscribe("ssm-edge/+/commands")
                .subscribe("ssm-edge/+/commands/ack");
        try {
            OperatorCliTest.Run pause = cli("command", "--broker", broker.uri(), "--agent", "gw-1", "--wait", "30", "--key",
                    dir.resolve("keys/signing.key").toString(), "pause");
            assertThat(pause.exit()).as(pause.out() + pause.err()).isZero();
            assertThat(pause.out()).contains("gw-1").contains("done: paused");
            assertThat(gw1.pauses.get()).isEqualTo(1);
            await().atMost(WAIT).until(() -> !spy.on("/gw-1/commands").isEmpty());
            spy.publish("ssm-edge/gw-1/commands", spy.on("/gw-1/commands").get(0).payload());
            await().atMost(WAIT).until(() -> spy.on("/commands/ack").stream()
                    .anyMatch(m -> m.payload().contains("command_replayed")));
            assertThat(gw1.pauses.get()).isEqualTo(1);
        } finally {
            spy.close();
        }

        // a model published in chunks on the broker, named by topic and hash in gw-2's configuration
        Path model = ControlFixture.modelFolder(dir.resolve("pump-model"));
        OperatorCliTest.Run pub = cli("config", "publish-model", "--broker", broker.uri(), "--chunk-kb", "8", model.toString());
        assertThat(pub.exit()).as(pub.out() + pub.err()).isZero();
        String sha = ModelStore.folderHash(model);
        assertThat(pub.out()).contains("\"sha256\": \"" + sha + "\"");
        OperatorCliTest.Run delivered = signAndPush("model", "{\"kind\": \"config\", \"version\": 2, \"target\": {\"agent\": \"gw-2\"}, "
                + "\"settings\": {\"model\": {\"topic\": \"ssm-edge/models/" + sha + "\", \"sha256\": \"" + sha
                + "\", \"stage\": \"delivered\"}}}", "--agent", "gw-2");
        assertThat(delivered.exit()).as(delivered.out() + delivered.err()).isZero();
        assertThat(delivered.out()).contains("receiving model " + sha).contains("applied at");
        assertThat(gw2.supervisor.agent().config().model().path()).endsWith("sha256-" + sha);
        assertThat(gw2.supervisor.agent().identity().stage()).isEqualTo("delivered");
    }

    static String httpGet(int port, String path) throws Exception {
        var http = java.net.http.HttpClient.newHttpClient();
        return http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + port + path))
                .build(), java.net.http.HttpResponse.BodyHandlers.ofString()).body();
    }
}
