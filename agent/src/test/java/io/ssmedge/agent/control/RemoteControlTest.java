package io.ssmedge.agent.control;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ssmedge.agent.command.CommandName;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static io.ssmedge.agent.control.ControlFixture.GROUP;
import static io.ssmedge.agent.control.ControlFixture.ID;
import static io.ssmedge.agent.control.ControlFixture.NOW;
import static io.ssmedge.agent.control.ControlFixture.ack;
import static io.ssmedge.agent.control.ControlFixture.signed;
import static io.ssmedge.agent.control.ControlFixture.window;
import static org.assertj.core.api.Assertions.assertThat;

/** The remote control's decisions, without a broker: what is applied, what is refused and why. */
class RemoteControlTest {
    @TempDir
    Path tmp;
    ControlFixture f;

    @BeforeEach
    void setUp() {
        f = new ControlFixture(tmp);
    }

    @Test
    void aValidConfigurationChangesTheWindowAndIsAcknowledged() {
        assertThat(f.stride()).isEqualTo(8);
        JsonNode ack = f.configAck(window(1, Target.agent(ID), 4));
        assertThat(ack.get("status").asText()).isEqualTo("applied");
        assertThat(ack.get("version").asLong()).isEqualTo(1);
        assertThat(ack.get("applied_at").asText()).isEqualTo(NOW.toString());
        assertThat(ack.get("reason").isNull()).isTrue();
        assertThat(f.stride()).isEqualTo(4);
        // what is not in the document keeps the local value
        assertThat(f.host.config.model().path()).isEqualTo("embedded:s5-skab");
        assertThat(f.host.config.mqtt().clientId()).isEqualTo(ID);
        assertThat(f.control.status().get("applied").get("version").asLong()).isEqualTo(1);
        assertThat(f.control.status().get("last_rejection").isNull()).isTrue();
    }

    @Test
    void theAppliedConfigurationSurvivesARestart() {
        f.configAck(window(3, Target.agent(ID), 5));
        f.restart(CrashPoints.NONE);
        assertThat(f.stride()).isEqualTo(5);
        assertThat(f.control.state().applied().version()).isEqualTo(3);
        // the retained document arrives again after the reconnect: nothing happens, no acknowledgement
        int runs = f.host.runs.get();
        assertThat(f.push(ControlTopics.CONFIG, signed(window(3, Target.agent(ID), 5), f.key))).isEmpty();
        assertThat(f.host.runs.get()).isEqualTo(runs);
    }

    @Test
    void anUnsignedDocumentIsRefused() {
        byte[] msg = ("{\"payload\":\"" + Base64.getEncoder().encodeToString(
                ControlJson.bytes(window(1, Target.agent(ID), 4))) + "\",\"signatures\":[]}").getBytes(StandardCharsets.UTF_8);
        assertRefused(msg, "no_signature", "not signed");
        byte[] noSigKey = ("{\"payload\":\"" + Base64.getEncoder().encodeToString(
                ControlJson.bytes(window(1, Target.agent(ID), 4))) + "\"}").getBytes(StandardCharsets.UTF_8);
        assertRefused(noSigKey, "no_signature", "not signed");
        // a bare document without an envelope
        assertRefused(ControlJson.bytes(window(1, Target.agent(ID), 4)), "malformed", "unknown key");
    }

    @Test
    void aDocumentChangedAfterSigningIsRefused() {
        Envelope good = Envelope.parse(signed(window(1, Target.agent(ID), 4), f.key));
        byte[] changed = ControlJson.bytes(window(1, Target.agent(ID), 2)); // same signature, other stride
        byte[] msg = new Envelope(changed, good.signatures()).toJson();
        JsonNode ack = assertRefused(msg, "bad_signature", "does not match the document");
        assertThat(ack.get("version").asLong()).isEqualTo(1); // the claimed version, to match the push
    }

    @Test
    void aDocumentSignedByAnUnknownKeyIsRefused() {
        KeyPair stranger = Ed25519Keys.generate();
        assertRefused(signed(window(1, Target.agent(ID), 4), stranger), "unknown_key",
                "signed by key " + Ed25519Keys.keyId(stranger.getPublic()) + ", which this gateway does not trust");
    }

    @Test
    void replayedAndRolledBackVersionsAreRefused() {
        f.configAck(window(5, Target.agent(ID), 4));
        // same version, other content (an attacker cannot make it, but an operator mistake can)
        assertRefused(signed(window(5, Target.agent(ID), 2), f.key), "version_not_greater", "version 5 is not greater");
        // an older document replayed by someone who recorded it
        assertRefused(signed(window(4, Target.agent(ID), 2), f.key), "version_not_greater", "version 4 is not greater");
        assertThat(f.stride()).isEqualTo(4);
        // still refused after a restart: the versions are in the trusted state
        f.restart(CrashPoints.NONE);
        assertRefused(signed(window(4, Target.agent(ID), 2), f.key), "version_not_greater", "replayed or rolled-back");
        assertThat(f.configAck(window(6, Target.agent(ID), 2)).get("status").asText()).isEqualTo("applied");
        assertThat(f.stride()).isEqualTo(2);
    }

    @Test
    void expiredAndFutureDocumentsAreRefused() {
        ObjectNode d = window(1, Target.agent(ID), 4);
        d.put("expires_at", NOW.minusSeconds(1).toString());
        d.put("issued_at", NOW.minusSeconds(100).toString());
        assertRefused(signed(d, f.key), "expired", "expired at");
        ObjectNode future = window(1, Target.agent(ID), 4);
        future.put("issued_at", NOW.plusSeconds(3600).toString());
        future.put("expires_at", NOW.plusSeconds(7200).toString());
        assertRefused(signed(future, f.key), "not_yet_valid", "in the future");
    }

    @Test
    void documentsForOtherGatewaysAreRefused() {
        assertRefused(signed(window(1, Target.agent("gw-2"), 4), f.key), "not_for_this_gateway", "gateway gw-2");
        JsonNode a = ack(f.pushGroup(GROUP, ControlTopics.CONFIG, signed(window(1, Target.ofGroup("line9"), 4), f.key)));
        assertThat(a.get("code").asText()).isEqualTo("not_for_this_gateway");
        // a group document published on this gateway's own topic: the topic says someone else meant it
        JsonNode b = ack(f.push(ControlTopics.CONFIG, signed(window(1, Target.ofGroup(GROUP), 4), f.key)));
        assertThat(b.get("code").asText()).isEqualTo("not_for_this_gateway");
        assertThat(b.get("reason").asText()).contains("published on the topic of gateway gw-1");
        assertThat(f.stride()).isEqualTo(8);
    }

    @Test
    void invalidSettingsAreRefusedWithTheMessageOfAgentYaml() {
        assertRefused(signed(window(1, Target.agent(ID), -3), f.key), "invalid_content",
                "model.window.stride: expected a whole number from 0 to 1000000, got -3");
        assertRefused(signed(ControlFixture.config(1, Target.agent(ID), "{\"topics\": {\"sensorz\": \"a/+/b\"}}"), f.key),
                "invalid_content", "topics.sensorz: unknown key");
        assertRefused(signed(ControlFixture.config(1, Target.agent(ID), "{\"workers\": {\"overflow\": \"maybe\"}}"),
                f.key), "invalid_content", "workers.overflow: expected one of");
        assertRefused(signed(ControlFixture.config(1, Target.agent(ID), "{\"mqtt\": {\"host\": \"evil.example\"}}"),
                f.key), "invalid_content", "settings.mqtt: cannot be set remotely");
        assertRefused(signed(ControlFixture.config(1, Target.agent(ID), "{\"control\": {\"enabled\": false}}"),
                f.key), "invalid_content", "settings.control: cannot be set remotely");
        assertRefused(signed(ControlFixture.config(1, Target.agent(ID), "{\"rollout\": {\"data_dir\": \"/etc\"}}"),
                f.key), "invalid_content", "settings.rollout.data_dir: cannot be set remotely");
        // the window must fit the model: it is checked against the model before anything is applied
        assertRefused(signed(ControlFixture.config(1, Target.agent(ID),
                "{\"model\": {\"path\": \"embedded:nope\"}}"), f.key), "invalid_content", "no embedded model 'nope'");
        ObjectNode noVersion = window(1, Target.agent(ID), 4);
        noVersion.remove("version");
        assertRefused(signed(noVersion, f.key), "invalid_content", "version: required");
        ObjectNode extra = window(1, Target.agent(ID), 4);
        extra.put("data_dir", "/tmp/evil");
        assertRefused(signed(extra, f.key), "invalid_content", "data_dir: unknown key");
        assertThat(f.control.status().get("last_rejection").get("code").asText()).isEqualTo("invalid_content");
        assertThat(f.control.status().get("applied").isNull()).isTrue();
        // the refused versions are not used up: a valid version 1 is still taken
        assertThat(f.configAck(window(1, Target.agent(ID), 4)).get("status").asText()).isEqualTo("applied");
    }

    @Test
    void aMergePatchNullRemovesALocalSetting() {
        assertThat(f.host.config.labels().joinWindowMs()).isEqualTo(500);
        f.configAck(ControlFixture.config(1, Target.agent(ID), "{\"labels\": {\"join_window_ms\": 900}}"));
        assertThat(f.host.config.labels().joinWindowMs()).isEqualTo(900);
        assertThat(f.stride()).isEqualTo(8); // local value: the base is always agent.yaml
        f.configAck(ControlFixture.config(2, Target.agent(ID), "{\"model\": {\"window\": {\"stride\": null}}}"));
        assertThat(f.stride()).isZero(); // removed: the default (the model's stride) applies
        assertThat(f.host.config.labels().joinWindowMs()).isEqualTo(500); // version 2 does not carry version 1's labels
    }

    @Test
    void agentConfigurationWinsOverGroupAtTheSameVersion() {
        JsonNode g = ack(f.pushGroup(GROUP, ControlTopics.CONFIG, signed(window(7, Target.ofGroup(GROUP), 4), f.key)));
        assertThat(g.get("status").asText()).isEqualTo("applied");
        assertThat(f.stride()).isEqualTo(4);
        assertThat(f.configAck(window(7, Target.agent(ID), 6)).get("status").asText()).isEqualTo("applied");
        assertThat(f.stride()).isEqualTo(6);
        // the group document of the same version arrives again (other member's retained copy, or a reconnect):
        // ignored; another group document of version 7 is refused
        assertThat(f.pushGroup(GROUP, ControlTopics.CONFIG, signed(window(7, Target.ofGroup(GROUP), 4), f.key))).isEmpty();
        JsonNode again = ack(f.pushGroup(GROUP, ControlTopics.CONFIG, signed(window(7, Target.ofGroup(GROUP), 3), f.key)));
        assertThat(again.get("code").asText()).isEqualTo("version_not_greater");
        assertThat(f.stride()).isEqualTo(6);
        // a newer group version is taken
        ack(f.pushGroup(GROUP, ControlTopics.CONFIG, signed(window(8, Target.ofGroup(GROUP), 3), f.key)));
        assertThat(f.stride()).isEqualTo(3);
        // the agent document of a lower version (retained) does not come back after a restart
        f.restart(CrashPoints.NONE);
        assertThat(f.push(ControlTopics.CONFIG, signed(window(7, Target.agent(ID), 6), f.key))).isEmpty();
        assertThat(f.stride()).isEqualTo(3);
    }

    @Test
    void aGroupConfigurationFirstThenTheAgentsOwnInEitherOrderEndsAtTheAgentsOwn() {
        // the broker delivers retained messages in no particular order after a restart
        assertThat(f.configAck(window(7, Target.agent(ID), 6)).get("status").asText()).isEqualTo("applied");
        JsonNode g = ack(f.pushGroup(GROUP, ControlTopics.CONFIG, signed(window(7, Target.ofGroup(GROUP), 4), f.key)));
        assertThat(g.get("code").asText()).isEqualTo("version_not_greater");
        assertThat(f.stride()).isEqualTo(6);
    }

    @Test
    void thresholdCountsDistinctKeys() {
        ControlFixture two = new ControlFixture(tmp.resolve("two"), 2);
        byte[] once = signed(window(1, Target.agent(ID), 4), two.key);
        JsonNode a = ack(two.push(ControlTopics.CONFIG, once));
        assertThat(a.get("code").asText()).isEqualTo("not_enough_signatures");
        assertThat(a.get("reason").asText()).contains("signed by 1 trusted key, 2 needed");
        byte[] twiceSameKey = signed(window(1, Target.agent(ID), 4), two.key, two.key);
        assertThat(ack(two.push(ControlTopics.CONFIG, twiceSameKey)).get("code").asText()).isEqualTo("not_enough_signatures");
        byte[] both = signed(window(1, Target.agent(ID), 4), two.key, two.second);
        assertThat(ack(two.push(ControlTopics.CONFIG, both)).get("status").asText()).isEqualTo("applied");
    }

    @Test
    void keyRotationReplacesTheKeysAndTheOldKeyStopsWorking() {
        KeyPair next = Ed25519Keys.generate();
        ObjectNode keys = new TrustedKeys(2, 1, Map.of(Ed25519Keys.keyId(next.getPublic()), next.getPublic())).toJson();
        // a key set signed by a key the gateway does not trust is refused
        assertThat(ack(f.push(ControlTopics.KEYS, signed(keys, next))).get("code").asText()).isEqualTo("unknown_key");
        // signed by the key in force: taken
        JsonNode a = ack(f.control.handle("ssm-edge/keys", signed(keys, f.key)));
        assertThat(a.get("status").asText()).isEqualTo("applied");
        assertThat(a.get("version").asLong()).isEqualTo(2);
        assertThat(ack(f.push(ControlTopics.CONFIG, signed(window(1, Target.agent(ID), 4), f.key))).get("code").asText())
                .isEqualTo("unknown_key");
        assertThat(ack(f.push(ControlTopics.CONFIG, signed(window(1, Target.agent(ID), 4), next))).get("status").asText())
                .isEqualTo("applied");
        // rotation survives a restart, even though the local trusted-keys.json still lists the old key (version 1)
        f.restart(CrashPoints.NONE);
        assertThat(ack(f.push(ControlTopics.CONFIG, signed(window(2, Target.agent(ID), 5), f.key))).get("code").asText())
                .isEqualTo("unknown_key");
        assertThat(ack(f.push(ControlTopics.CONFIG, signed(window(2, Target.agent(ID), 5), next))).get("status").asText())
                .isEqualTo("applied");
        // an older key set (version 1 again, signed by the new key) is refused
        ObjectNode back = new TrustedKeys(1, 1, Map.of(Ed25519Keys.keyId(f.key.getPublic()), f.key.getPublic())).toJson();
        assertThat(ack(f.push(ControlTopics.KEYS, signed(back, next))).get("code").asText()).isEqualTo("version_not_greater");
    }

    @Test
    void aSignedCommandIsNotAConfiguration() {
        byte[] cmd = signed(ControlFixture.json(new String(Operator.command(CommandName.PAUSE, Map.of(), Target.agent(ID),
                NOW), StandardCharsets.UTF_8)), f.key);
        assertThat(ack(f.push(ControlTopics.CONFIG, cmd)).get("code").asText()).isEqualTo("wrong_kind");
        assertThat(ack(f.push(ControlTopics.COMMANDS, signed(window(1, Target.agent(ID), 4), f.key))).get("code").asText())
                .isEqualTo("wrong_kind");
    }

    @Test
    void commandsRunOnceAndNotWhenOldOrReplayed() {
        byte[] cmd = signed(ControlFixture.json(new String(Operator.command(CommandName.PAUSE, Map.of(), Target.agent(ID),
                NOW.minusSeconds(10)), StandardCharsets.UTF_8)), f.key);
        JsonNode a = ack(f.push(ControlTopics.COMMANDS, cmd));
        assertThat(a.get("status").asText()).isEqualTo("accepted");
        assertThat(a.get("command").asText()).isEqualTo("pause");
        assertThat(f.host.pauses.get()).isEqualTo(1);
        JsonNode replay = ack(f.push(ControlTopics.COMMANDS, cmd));
        assertThat(replay.get("status").asText()).isEqualTo("rejected");
        assertThat(replay.get("code").asText()).isEqualTo("command_replayed");
        assertThat(replay.get("nonce").asText()).isEqualTo(a.get("nonce").asText());
        f.restart(CrashPoints.NONE);
        assertThat(ack(f.push(ControlTopics.COMMANDS, cmd)).get("code").asText()).isEqualTo("command_replayed");
        assertThat(f.host.pauses.get()).isEqualTo(1);

        byte[] old = signed(ControlFixture.json(new String(Operator.command(CommandName.PAUSE, Map.of(), Target.agent(ID),
                NOW.minusSeconds(301)), StandardCharsets.UTF_8)), f.key);
        assertThat(ack(f.push(ControlTopics.COMMANDS, old)).get("code").asText()).isEqualTo("command_too_old");
        // a command nobody handles is refused by the dispatcher, with its reason
        byte[] rollback = signed(ControlFixture.json(new String(Operator.command(CommandName.ROLLBACK, Map.of(),
                Target.ofGroup(GROUP), NOW), StandardCharsets.UTF_8)), f.key);
        JsonNode r = ack(f.pushGroup(GROUP, ControlTopics.COMMANDS, rollback));
        assertThat(r.get("status").asText()).isEqualTo("rejected");
        assertThat(r.get("reason").asText()).contains("not available");
        assertThat(f.host.pauses.get()).isEqualTo(1);
    }

    @Test
    void aConfigurationThatCannotStartLeavesThePreviousInForce() {
        f.configAck(window(1, Target.agent(ID), 4));
        f.host.failNext = new IllegalStateException("port in use");
        JsonNode a = f.configAck(window(2, Target.agent(ID), 6));
        assertThat(a.get("code").asText()).isEqualTo("not_started");
        assertThat(a.get("reason").asText()).contains("port in use");
        assertThat(f.control.state().applied().version()).isEqualTo(1);
        f.restart(CrashPoints.NONE);
        assertThat(f.stride()).isEqualTo(4);
    }

    @Test
    void modelsAreVerifiedByHashAndCopied(@TempDir Path elsewhere) throws Exception {
        Path model = ControlFixture.modelFolder(elsewhere.resolve("pump"));
        String sha = ModelStore.folderHash(model);
        String wrong = "0".repeat(64);
        assertRefused(signed(ControlFixture.config(1, Target.agent(ID), "{\"model\": {\"path\": \"" + model
                + "\", \"sha256\": \"" + wrong + "\"}}"), f.key), "model_mismatch", "has SHA-256 " + sha);
        assertRefused(signed(ControlFixture.config(1, Target.agent(ID), "{\"model\": {\"path\": \"" + model + "\"}}"),
                f.key), "invalid_content", "settings.model.sha256: required with model.path");
        JsonNode ok = f.configAck(ControlFixture.config(1, Target.agent(ID), "{\"model\": {\"path\": \"" + model
                + "\", \"sha256\": \"" + sha + "\", \"stage\": \"canary\"}}"));
        assertThat(ok.get("status").asText()).isEqualTo("applied");
        Path running = Path.of(f.host.config.model().path());
        assertThat(running).isEqualTo(tmp.resolve("data/models/sha256-" + sha).toAbsolutePath().normalize());
        assertThat(f.host.config.model().stage()).isEqualTo("canary");
        // the source may change afterwards: the gateway runs its verified copy
        Files.write(model.resolve("config.json"), "{}".getBytes(StandardCharsets.UTF_8));
        assertThat(ModelStore.folderHash(running)).isEqualTo(sha);
        // a model tampered with on the gateway is not reloaded
        assertThat(f.control.reloadModel().accepted()).isTrue();
        Files.write(running.resolve("config.json"), "{}".getBytes(StandardCharsets.UTF_8));
        assertThat(f.control.reloadModel().accepted()).isFalse();
        assertThat(f.control.reloadModel().message()).contains("no longer matches its SHA-256");
    }

    @Test
    void theFolderHashIsThatOfSha256sum(@TempDir Path d) throws Exception {
        Files.writeString(d.resolve("b.txt"), "world\n");
        Files.writeString(d.resolve("a.txt"), "hello\n");
        // cd d && sha256sum * | sha256sum  (values of sha256sum for "hello\n" and "world\n")
        String manifest = "5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03  a.txt\n"
                + "e258d248fda94c63753607f7c4494ee0fcbe92f1a76bfdac795c9d84101eb317  b.txt\n";
        assertThat(ModelStore.folderHash(d)).isEqualTo(Ed25519Keys.sha256Hex(manifest.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void topicsOutsideTheControlAreIgnoredAndEmptyRetainedMessagesToo() {
        assertThat(f.control.handle("ssm-edge/gw-2/config", signed(window(1, Target.agent("gw-2"), 4), f.key))).isEmpty();
        assertThat(f.control.handle(ControlTopics.agentTopic(ID, "config"), new byte[0])).isEmpty();
    }

    @Test
    void oversizedMessagesAreRefusedUnread() {
        byte[] big = new byte[2 * 1024 * 1024];
        assertRefused(big, "too_large", "control.max_document_bytes");
    }

    @Test
    void theTrustedStateIsSeparateFromConfigurationContents() throws Exception {
        f.configAck(window(1, Target.agent(ID), 4));
        Path state = tmp.resolve("data/control/trusted-state.json");
        assertThat(state).exists();
        JsonNode s = ControlJson.object(Files.readAllBytes(state), Refusal.Code.MALFORMED, "state");
        assertThat(s.get("highest_version").get("agent:" + ID).asLong()).isEqualTo(1);
        assertThat(s.toString()).doesNotContain("stride");
        assertThat(tmp.resolve("data/control/documents")).isDirectoryContaining("glob:**.json");
    }

    private JsonNode assertRefused(byte[] message, String code, String reasonPart) {
        int runs = f.host.runs.get();
        var before = f.control.state();
        Optional<Ack> a = f.push(ControlTopics.CONFIG, message);
        JsonNode ack = ack(a);
        assertThat(ack.get("status").asText()).isEqualTo("rejected");
        assertThat(ack.get("code").asText()).isEqualTo(code);
        assertThat(ack.get("reason").asText()).contains(reasonPart);
        assertThat(ack.get("applied_at").isNull()).isTrue();
        assertThat(a.get().topic()).isEqualTo("ssm-edge/" + ID + "/config/ack");
        assertThat(f.host.runs.get()).as("nothing applied").isEqualTo(runs);
        assertThat(f.control.state()).as("trusted state unchanged").isEqualTo(before);
        assertThat(f.control.status().get("last_rejection").get("code").asText()).isEqualTo(code);
        return ack;
    }

}
