package io.ssmedge.agent.control;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ssmedge.agent.command.CommandDispatcher;
import io.ssmedge.agent.command.CommandName;
import io.ssmedge.agent.command.CommandResult;
import io.ssmedge.agent.config.AgentConfig;
import io.ssmedge.agent.config.ConfigLoader;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One gateway's remote control on a temp folder, without MQTT: signing keys, an agent.yaml with a control section,
 * a host that records what it was asked to run, and helpers to build and sign documents.
 */
final class ControlFixture {
    static final String ID = "gw-1";
    static final String GROUP = "line3";
    static final Instant NOW = Instant.parse("2026-12-01T12:00:00Z");

    final Path dir;
    final Path configFile;
    final KeyPair key = Ed25519Keys.generate();
    final AgentConfig local;
    final FakeHost host = new FakeHost();
    MutableClock clock = new MutableClock(NOW);
    RemoteControl control;

    ControlFixture(Path dir) {
        this(dir, 1);
    }

    /** @param threshold signatures needed; with 2 the key set holds {@link #key} and {@link #second} */
    ControlFixture(Path dir, int threshold) {
        this.dir = dir;
        try {
            Files.createDirectories(dir);
            List<PublicKey> keys = threshold == 1 ? List.of(key.getPublic()) : List.of(key.getPublic(), second.getPublic());
            Map<String, PublicKey> m = new LinkedHashMap<>();
            keys.forEach(k -> m.put(Ed25519Keys.keyId(k), k));
            Files.writeString(dir.resolve("trusted-keys.json"), new TrustedKeys(1, threshold, m).toJson().toString());
            configFile = dir.resolve("agent.yaml");
            Files.writeString(configFile, "model:\n  path: embedded:s5-skab\n  window:\n    stride: 8\n"
                    + "mqtt:\n  client_id: " + ID + "\n"
                    + "http:\n  enabled: false\n"
                    + "labels:\n  join_window_ms: 500\n"
                    + "control:\n  enabled: true\n  trusted_keys: trusted-keys.json\n  groups: [" + GROUP + ", other]\n"
                    + "  data_dir: data\n  max_command_age_seconds: 300\n");
            local = ConfigLoader.load(configFile);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        restart(CrashPoints.NONE);
    }

    final KeyPair second = Ed25519Keys.generate();

    /** A new RemoteControl on the same folder, as after a process restart; the host runs its startup config. */
    RemoteControl restart(CrashPoints crash) {
        control = RemoteControl.open(configFile, local, clock, crash);
        host.config = control.startupConfig();
        control.attach(host);
        return control;
    }

    // ---- documents ----

    static ObjectNode config(long version, Target target, String settingsJson) {
        ObjectNode o = ControlJson.MAPPER.createObjectNode();
        o.put("kind", "config");
        o.put("version", version);
        o.put("issued_at", NOW.minusSeconds(60).toString());
        o.put("expires_at", NOW.plusSeconds(86_400).toString());
        o.set("target", target.toJson());
        o.set("settings", json(settingsJson));
        return o;
    }

    static ObjectNode window(long version, Target target, int stride) {
        return config(version, target, "{\"model\": {\"window\": {\"stride\": " + stride + "}}}");
    }

    static JsonNode json(String s) {
        return ControlJson.object(s.getBytes(StandardCharsets.UTF_8), Refusal.Code.MALFORMED, "test");
    }

    static byte[] signed(JsonNode doc, KeyPair... keys) {
        return signedBytes(ControlJson.bytes(doc), keys);
    }

    static byte[] signedBytes(byte[] payload, KeyPair... keys) {
        List<PrivateKey> priv = new ArrayList<>();
        List<PublicKey> pub = new ArrayList<>();
        for (KeyPair k : keys) {
            priv.add(k.getPrivate());
            pub.add(k.getPublic());
        }
        return Envelope.sign(payload, priv, pub).toJson();
    }

    Optional<Ack> push(String kind, byte[] message) {
        return control.handle(ControlTopics.agentTopic(ID, kind), message);
    }

    Optional<Ack> pushGroup(String group, String kind, byte[] message) {
        return control.handle(ControlTopics.groupTopic(group, kind), message);
    }

    /** Pushes a config on the gateway's own topic and returns its (required) acknowledgement as JSON. */
    JsonNode configAck(JsonNode doc) {
        return ack(push(ControlTopics.CONFIG, signed(doc, key)));
    }

    static JsonNode ack(Optional<Ack> a) {
        if (a.isEmpty()) {
            throw new AssertionError("expected an acknowledgement, got none");
        }
        return ControlJson.object(a.get().json(), Refusal.Code.MALFORMED, "ack");
    }

    int stride() {
        return host.config.model().window().stride();
    }

    /** Copies the bundled s5-skab model into a folder (as a model delivered to the gateway's disk). */
    static Path modelFolder(Path dir) throws IOException {
        Files.createDirectories(dir);
        for (String f : List.of("config.json", "model.safetensors")) {
            try (InputStream in = ControlFixture.class.getResourceAsStream("/io/ssmedge/models/s5-skab/" + f)) {
                Files.copy(in, dir.resolve(f));
            }
        }
        return dir;
    }

    /** Records what it runs; commands go to a dispatcher with a pause handler. */
    static final class FakeHost implements AgentHost {
        AgentConfig config;
        final CommandDispatcher commands = new CommandDispatcher();
        final AtomicInteger runs = new AtomicInteger();
        final AtomicInteger pauses = new AtomicInteger();
        RuntimeException failNext;

        FakeHost() {
            commands.register(CommandName.PAUSE, c -> {
                pauses.incrementAndGet();
                return CommandResult.ok("paused");
            });
        }

        @Override
        public void run(AgentConfig next) {
            if (failNext != null) {
                RuntimeException e = failNext;
                failNext = null;
                throw e;
            }
            runs.incrementAndGet();
            config = next;
        }

        @Override
        public void restart() {
            runs.incrementAndGet();
        }

        @Override
        public AgentConfig running() {
            return config;
        }

        @Override
        public CommandDispatcher commands() {
            return commands;
        }
    }

    static final class MutableClock extends Clock {
        volatile Instant now;

        MutableClock(Instant now) {
            this.now = now;
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
