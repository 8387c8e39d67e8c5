package io.ssmedge.agent.control;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ssmedge.agent.command.Command;
import io.ssmedge.agent.command.CommandResult;
import io.ssmedge.agent.config.AgentConfig;
import io.ssmedge.agent.config.ConfigException;
import io.ssmedge.agent.config.ConfigLoader;
import io.ssmedge.agent.config.ControlConfig;
import io.ssmedge.agent.mqtt.ConnectionSpec;
import io.ssmedge.agent.mqtt.Credentials;
import io.ssmedge.agent.mqtt.MqttConnection;
import io.ssmedge.agent.mqtt.MqttConnections;
import io.ssmedge.agent.mqtt.TlsSocketFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Remote configuration, commands and key rotation over MQTT, signed with Ed25519: the entry point of
 * {@code io.ssmedge.agent.control}.
 *
 * <p>Every message goes through the same steps, and the first that fails refuses it with its reason (nothing
 * changes; the previous configuration stays in force):
 * <ol>
 *   <li>size ({@code control.max_document_bytes}) and envelope form;</li>
 *   <li>signatures over the exact payload bytes, against the trusted keys and their threshold;</li>
 *   <li>the document's kind matches the topic, its target is this gateway or one of its groups and the topic's;</li>
 *   <li>configurations: not expired, not issued in the future, version greater than the one in force (the same
 *       version only when a per-gateway document replaces a group document), settings valid (same checks and
 *       messages as agent.yaml), model folder matches its SHA-256; commands: not older than
 *       {@code control.max_command_age_seconds}, nonce never seen; key sets: version greater.</li>
 * </ol>
 * A valid configuration is then committed (document, then trusted state, each written atomically: the state is
 * the commit point), put in force through the {@link AgentHost}, and acknowledged. A document that arrives again
 * unchanged (a retained message after a reconnect) is ignored without an acknowledgement.
 *
 * <p>Thread-safe: messages are handled one at a time.
 */
public final class RemoteControl implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RemoteControl.class);
    /** Clocks of operator machines and gateways may differ this much. */
    static final Duration CLOCK_SKEW = Duration.ofMinutes(5);

    private final AgentConfig local;
    private final ControlConfig settings;
    private final ControlTopics topics;
    private final JsonNode localTree;
    private final Path base;
    private final Clock clock;
    private final CrashPoints crash;
    private final TrustedStateStore store;
    private final ModelStore models;
    private final ExecutorService inbox = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "ssm-edge-control");
        t.setDaemon(true);
        return t;
    });

    // written only while holding the lock (one message at a time); volatile so that the status page reads them
    // without the lock: a status request must never wait for a pipeline restart (which stops the status server)
    private volatile TrustedState state;
    private volatile AgentConfig effective;
    private volatile String startupProblem;
    private volatile AgentHost host;
    private MqttConnection mqtt;
    private final ModelDownloads downloads;
    private volatile Consumer<Ack> ackListener = a -> { };
    private volatile ObjectNode lastRejection;
    private volatile long appliedCount;
    private volatile long rejectedCount;
    private volatile long commandCount;

    RemoteControl(AgentConfig local, JsonNode localTree, Path base, Clock clock, CrashPoints crash) {
        this.local = local;
        this.settings = local.control();
        this.topics = new ControlTopics(local.mqtt().clientId(), settings.groups());
        this.localTree = localTree.deepCopy();
        this.base = base;
        this.clock = clock;
        this.crash = crash;
        this.store = new TrustedStateStore(settings.dataDir(), crash);
        this.models = new ModelStore(settings.dataDir());
        this.state = store.load(readLocalKeys(settings.trustedKeys()));
        models.removeDownloads();
        this.downloads = new ModelDownloads(models, inbox);
        this.effective = startupConfig(local);
    }

    /**
     * Opens the remote control of the gateway whose settings file is {@code configFile} (already read into
     * {@code local}, with {@code control.enabled: true}): reads the trusted state from the data dir.
     */
    public static RemoteControl open(Path configFile, AgentConfig local) {
        return new RemoteControl(local, ConfigLoader.readTree(configFile), configFile.toAbsolutePath().getParent(),
                Clock.systemUTC(), CrashPoints.NONE);
    }

    /** For tests: a clock and crash points of their own. */
    static RemoteControl open(Path configFile, AgentConfig local, Clock clock, CrashPoints crash) {
        return new RemoteControl(local, ConfigLoader.readTree(configFile), configFile.toAbsolutePath().getParent(),
                clock, crash);
    }

    /** What the gateway runs at start: the local agent.yaml with the configuration in force laid over it. */
    public synchronized AgentConfig startupConfig() {
        return effective;
    }

    /** Starts driving the gateway (call once the host runs {@link #startupConfig()}). */
    public synchronized void attach(AgentHost h) {
        this.host = h;
    }

    /** Registers what the remote control adds to a pipeline that starts: reload-model and the status object. */
    public void register(io.ssmedge.agent.daemon.Agent agent) {
        agent.commands().register(io.ssmedge.agent.command.CommandName.RELOAD_MODEL, c -> reloadModelLater());
        agent.addStatusSection("control", this::status);
    }

    /**
     * reload-model restarts the pipeline, which must not happen on the thread of the command (it may be the
     * pipeline's own HTTP thread): it is queued and acknowledged as under way.
     */
    private CommandResult reloadModelLater() {
        inbox.execute(() -> {
            CommandResult r = reloadModel();
            log.info("reload-model: {}", r.message());
        });
        return CommandResult.ok("reloading the model (checked against its SHA-256 first); /api/status shows the result");
    }

    /** Connects to the broker (own connection, CLIENT_ID-control) and starts taking documents. */
    public synchronized void connect(AgentConfig local) {
        String clientId = local.mqtt().clientId() + "-control";
        mqtt = MqttConnections.create(ConnectionSpec.of("remote control", local.mqtt(), clientId,
                Credentials.read(local.mqtt()), TlsSocketFactory.create(local.mqtt().tls()), null, topics.subscriptions(),
                (topic, payload, ack) -> inbox.execute(() -> deliver(topic, payload)), null));
        mqtt.start();
        downloads.connectWith((filter, sha) -> {
            MqttConnection c = MqttConnections.create(ConnectionSpec.of("model " + sha.substring(0, 12), local.mqtt(),
                    local.mqtt().clientId() + "-model", Credentials.read(local.mqtt()),
                    TlsSocketFactory.create(local.mqtt().tls()), null,
                    List.of(new io.ssmedge.agent.mqtt.Subscription(filter, 1)),
                    (t, b, ack) -> inbox.execute(() -> downloads.message(t, b)), null));
            c.start();
            return c;
        });
        log.info("remote control: listening on {} (groups {}), trusted keys {} (threshold {})",
                ControlTopics.agentTopic(topics.clientId(), "{config,commands,keys}"), settings.groups(),
                state.keys().keys().keySet(), state.keys().threshold());
    }

    public MqttConnection connection() {
        return mqtt;
    }

    /** Every acknowledgement is also given to this listener (tests). */
    void onAck(Consumer<Ack> listener) {
        this.ackListener = listener;
    }

    private void deliver(String topic, byte[] payload) {
        Optional<Ack> ack = handle(topic, payload);
        ack.ifPresent(a -> ackListener.accept(a));
        if (ack.isPresent() && mqtt != null) {
            try {
                mqtt.publish(ack.get().topic(), ack.get().json(), 1, false);
            } catch (RuntimeException e) {
                log.warn("acknowledgement not published on {}: {}", ack.get().topic(), e.getMessage());
            }
        }
    }

    /**
     * Handles one received message; never throws.
     *
     * @return the acknowledgement to publish, empty for a message that needs none (an unchanged redelivery, or a
     *         topic that is not the control's)
     */
    public synchronized Optional<Ack> handle(String topic, byte[] message) {
        Optional<ControlTopics.Route> route = topics.route(topic);
        if (route.isEmpty() || message == null || message.length == 0) {
            return Optional.empty(); // an empty retained message clears the topic: nothing to do
        }
        String kind = route.get().kind();
        try {
            if (message.length > settings.maxDocumentBytes()) {
                throw new Refusal(Refusal.Code.TOO_LARGE, "the message has " + message.length + " bytes, more than "
                        + "control.max_document_bytes (" + settings.maxDocumentBytes() + ")");
            }
            Envelope e = Envelope.parse(message);
            switch (kind) {
                case ControlTopics.CONFIG:
                    return config(route.get().target(), e);
                case ControlTopics.COMMANDS:
                    return Optional.of(command(route.get().target(), e));
                default:
                    return keys(e);
            }
        } catch (Refusal r) {
            return Optional.of(refused(topic, kind, message, r));
        } catch (RuntimeException ex) {
            // a bug or a disk failure: the document is not applied; say so instead of dying
            log.error("remote control: {} on {} not handled", kind, topic, ex);
            return Optional.of(refused(topic, kind, message, new Refusal(Refusal.Code.NOT_STARTED,
                    "the gateway failed while handling it: " + ex)));
        }
    }

    // ---- configurations ----

    private Optional<Ack> config(Target topicTarget, Envelope e) {
        ObjectNode doc = Documents.open(e, state.keys(), ConfigDocument.KIND);
        ConfigDocument d = ConfigDocument.fromJson(doc, e.sha256());
        checkTarget(topicTarget, d.target());
        if (d.sha256().equals(state.seen().get(d.target().key()))) {
            log.debug("configuration version {} for {} arrived again; already taken", d.version(), d.target());
            return Optional.empty();
        }
        Instant now = clock.instant();
        if (!now.isBefore(d.expiresAt())) {
            throw new Refusal(Refusal.Code.EXPIRED, "configuration version " + d.version() + " expired at "
                    + d.expiresAt() + " (now " + now + ")");
        }
        if (d.issuedAt().isAfter(now.plus(CLOCK_SKEW))) {
            throw new Refusal(Refusal.Code.NOT_YET_VALID, "configuration version " + d.version() + " is issued at "
                    + d.issuedAt() + ", in the future (now " + now + "; check the clocks)");
        }
        checkVersion(d);
        AgentConfig next;
        try {
            next = keepLocal(SettingsPatch.effective(localTree, base, "configuration version " + d.version(),
                    d.settings(), models));
        } catch (ModelPending p) {
            return Optional.of(awaitModel(p, d, topicTarget, e));
        }
        crash.reached("validated");

        TrustedState before = state;
        AgentConfig previousConfig = effective;
        store.writeDocument(d.sha256(), e.payload());
        crash.reached("document written");
        TrustedState committed = state.withApplied(d, now);
        store.save(committed); // the commit point
        state = committed;
        effective = next;
        crash.reached("state committed");
        if (host != null) {
            try {
                host.run(next);
            } catch (RuntimeException ex) {
                log.warn("configuration version {} could not be started; back to the previous settings", d.version(), ex);
                TrustedState back = state.withAppliedReverted(before.applied(), before.previous());
                store.save(back);
                state = back;
                effective = previousConfig;
                throw new Refusal(Refusal.Code.NOT_STARTED, "configuration version " + d.version() + " is valid but "
                        + "could not be started (" + ex.getMessage() + "); the previous configuration runs again");
            }
        }
        crash.reached("applied");
        cleanup();
        appliedCount++;
        log.info("configuration version {} for {} applied", d.version(), d.target());
        ObjectNode ack = ackBase(d.version());
        ack.put("status", "applied");
        ack.putNull("reason");
        ack.put("applied_at", now.toString());
        ack.put("sha256", d.sha256());
        ack.set("target", d.target().toJson());
        return Optional.of(new Ack(ControlTopics.ackTopic(topics.clientId(), ControlTopics.CONFIG),
                ControlJson.bytes(ack), true));
    }

    // ---- models published in chunks ----

    /**
     * The configuration names a model that is not here yet: receive it (own connection, subscribed to TOPIC/#),
     * then handle the configuration again. Answered "pending" now; "applied" or "rejected" when the model is
     * complete, has failed its check, or did not arrive within {@link ModelDownloads#TIMEOUT}.
     */
    private Ack awaitModel(ModelPending p, ConfigDocument d, Target topicTarget, Envelope e) {
        String failure = downloads.takeFailure(p.sha256);
        if (failure != null) {
            throw new Refusal(Refusal.Code.MODEL_MISMATCH, "settings.model: model " + p.sha256 + " from " + p.topic
                    + " could not be received: " + failure);
        }
        String again = topicTarget == null ? null : topicTarget.group()
                ? ControlTopics.groupTopic(topicTarget.name(), ControlTopics.CONFIG)
                : ControlTopics.agentTopic(topicTarget.name(), ControlTopics.CONFIG);
        byte[] message = e.toJson();
        downloads.await(p.topic, p.sha256, () -> deliver(again, message));
        log.info("configuration version {} waits for model {} published on {}", d.version(), p.sha256, p.topic);
        ObjectNode ack = ackBase(d.version());
        ack.put("status", "pending");
        ack.put("reason", "receiving model " + p.sha256 + " from " + p.topic + "; applied when it is complete and verified");
        ack.putNull("applied_at");
        return new Ack(ControlTopics.ackTopic(topics.clientId(), ControlTopics.CONFIG), ControlJson.bytes(ack), false);
    }

    /** One message of a model topic (from the download connection, or a test). */
    public void modelMessage(String topic, byte[] payload) {
        downloads.message(topic, payload);
    }

    /**
     * Rollback rule: a configuration is taken only when its version is greater than the one in force; at the same
     * version a per-gateway document replaces a group document (never the reverse). A version never goes below
     * the highest taken from its own target either.
     */
    private void checkVersion(ConfigDocument d) {
        TrustedState.Applied a = state.applied();
        Long highest = state.highest().get(d.target().key());
        if (highest != null && d.version() <= highest) {
            throw notGreater(d, highest, "the highest taken from " + d.target());
        }
        if (a != null && (d.version() < a.version()
                || d.version() == a.version() && !(a.target().group() && !d.target().group()))) {
            throw notGreater(d, a.version(), "the version in force");
        }
    }

    private static Refusal notGreater(ConfigDocument d, long v, String which) {
        return new Refusal(Refusal.Code.VERSION_NOT_GREATER, "version " + d.version() + " is not greater than " + v
                + " (" + which + "): a replayed or rolled-back configuration; sign it with a higher version");
    }

    private void checkTarget(Target topicTarget, Target docTarget) {
        boolean mine = docTarget.group() ? settings.groups().contains(docTarget.name())
                : docTarget.name().equals(topics.clientId());
        if (!mine) {
            throw new Refusal(Refusal.Code.NOT_FOR_THIS_GATEWAY, "the document is for " + docTarget
                    + "; this is gateway " + topics.clientId() + (settings.groups().isEmpty() ? " (in no group)"
                    : " (groups " + String.join(", ", settings.groups()) + ")"));
        }
        if (topicTarget != null && !topicTarget.equals(docTarget)) {
            throw new Refusal(Refusal.Code.NOT_FOR_THIS_GATEWAY, "the document is for " + docTarget
                    + " but was published on the topic of " + topicTarget);
        }
    }

    /** Keeps the documents and models of the configuration in force and the one before (for rollback). */
    private void cleanup() {
        Set<String> docs = new HashSet<>();
        for (TrustedState.Applied a : new TrustedState.Applied[]{state.applied(), state.previous()}) {
            if (a != null) {
                docs.add(a.sha256());
            }
        }
        try {
            store.keepDocuments(docs);
            Set<Path> keep = new HashSet<>();
            for (String sha : docs) {
                keep.addAll(modelsOf(sha));
            }
            keep.add(modelPath(effective));
            models.keepOnly(keep);
        } catch (RuntimeException ex) {
            log.warn("remote control: old files not removed: {}", ex.getMessage());
        }
    }

    private Set<Path> modelsOf(String sha) {
        try {
            JsonNode m = ControlJson.object(store.readDocument(sha), Refusal.Code.MALFORMED, "document")
                    .path("settings").path("model").path("sha256");
            return m.isTextual() ? Set.of(models.location(m.asText()).toAbsolutePath().normalize()) : Set.of();
        } catch (RuntimeException ex) {
            return Set.of();
        }
    }

    private static Path modelPath(AgentConfig c) {
        return Path.of(c.model().path()).toAbsolutePath().normalize();
    }

    // ---- commands ----

    private Ack command(Target topicTarget, Envelope e) {
        ObjectNode doc = Documents.open(e, state.keys(), CommandDocument.KIND);
        CommandDocument c = CommandDocument.fromJson(doc);
        checkTarget(topicTarget, c.target());
        Instant now = clock.instant();
        Duration maxAge = Duration.ofSeconds(settings.maxCommandAgeSeconds());
        if (c.issuedAt().isBefore(now.minus(maxAge)) || c.issuedAt().isBefore(state.nonceFloor())) {
            throw new Refusal(Refusal.Code.COMMAND_TOO_OLD, "the command was issued at " + c.issuedAt()
                    + ", more than control.max_command_age_seconds (" + maxAge.toSeconds() + ") ago (now " + now + ")");
        }
        if (c.issuedAt().isAfter(now.plus(CLOCK_SKEW))) {
            throw new Refusal(Refusal.Code.NOT_YET_VALID, "the command is issued at " + c.issuedAt()
                    + ", in the future (now " + now + "; check the clocks)");
        }
        if (state.nonces().containsKey(c.nonce())) {
            throw new Refusal(Refusal.Code.COMMAND_REPLAYED, "nonce " + Documents.printable(c.nonce())
                    + " was used before: a replayed command");
        }
        // remembered before it runs: after a crash a command may be lost, but never carried out twice
        TrustedState next = state.withNonce(c.nonce(), c.issuedAt(), now.minus(maxAge));
        store.save(next);
        state = next;
        CommandResult r = host == null ? CommandResult.rejected("the gateway is starting")
                : host.commands().dispatch(new Command(c.name(), c.args(), "mqtt:" + String.join("+",
                keysOf(e))));
        commandCount++;
        ObjectNode ack = ControlJson.MAPPER.createObjectNode();
        ack.put("client_id", topics.clientId());
        ack.put("command", c.name().wire());
        ack.put("nonce", c.nonce());
        ack.put("status", r.accepted() ? "accepted" : "rejected");
        ack.put("reason", r.message());
        if (!r.accepted()) {
            ack.put("code", "refused_by_gateway");
        }
        ack.put("at", now.toString());
        return new Ack(ControlTopics.ackTopic(topics.clientId(), ControlTopics.COMMANDS), ControlJson.bytes(ack),
                r.accepted());
    }

    private java.util.List<String> keysOf(Envelope e) {
        return e.signatures().stream().map(Envelope.Sig::keyId).filter(state.keys().keys()::containsKey).distinct()
                .toList();
    }

    // ---- key rotation ----

    private Optional<Ack> keys(Envelope e) {
        ObjectNode doc = Documents.open(e, state.keys(), TrustedKeys.KIND);
        TrustedKeys next;
        try {
            next = TrustedKeys.fromJson(doc);
        } catch (IllegalArgumentException ex) {
            throw new Refusal(Refusal.Code.INVALID_CONTENT, "trusted keys: " + ex.getMessage());
        }
        TrustedKeys cur = state.keys();
        if (next.version() == cur.version() && next.toJson().equals(cur.toJson())) {
            return Optional.empty();
        }
        if (next.version() <= cur.version()) {
            throw new Refusal(Refusal.Code.VERSION_NOT_GREATER, "key set version " + next.version()
                    + " is not greater than " + cur.version() + " (the keys in force)");
        }
        TrustedState s = state.withKeys(next);
        store.save(s);
        state = s;
        log.info("trusted keys version {} in force: {} (threshold {})", next.version(), next.keys().keySet(),
                next.threshold());
        ObjectNode ack = ackBase(next.version());
        ack.put("status", "applied");
        ack.putNull("reason");
        ack.put("applied_at", clock.instant().toString());
        return Optional.of(new Ack(ControlTopics.ackTopic(topics.clientId(), ControlTopics.KEYS),
                ControlJson.bytes(ack), true));
    }

    // ---- acknowledgements and status ----

    private ObjectNode ackBase(long version) {
        ObjectNode o = ControlJson.MAPPER.createObjectNode();
        o.put("client_id", topics.clientId());
        if (version >= 0) {
            o.put("version", version);
        } else {
            o.putNull("version");
        }
        return o;
    }

    private Ack refused(String topic, String kind, byte[] message, Refusal r) {
        rejectedCount++;
        long claimed = Documents.claimedVersion(message);
        log.warn("remote control: {} on {} refused ({}): {}", kind, topic, r.code().key(), r.getMessage());
        ObjectNode ack = ackBase(kind.equals(ControlTopics.COMMANDS) ? -1 : claimed);
        if (kind.equals(ControlTopics.COMMANDS)) {
            ack.remove("version");
            ack.put("nonce", Documents.claimedNonce(message));
        }
        ack.put("status", "rejected");
        ack.put("code", r.code().key());
        ack.put("reason", r.getMessage());
        ack.putNull("applied_at");
        ack.put("at", clock.instant().toString());
        ObjectNode last = ack.deepCopy();
        last.put("topic", topic);
        lastRejection = last;
        String ackKind = kind.equals(ControlTopics.COMMANDS) ? ControlTopics.COMMANDS
                : kind.equals(ControlTopics.KEYS) ? ControlTopics.KEYS : ControlTopics.CONFIG;
        return new Ack(ControlTopics.ackTopic(topics.clientId(), ackKind), ControlJson.bytes(ack), false);
    }

    /** The {@code control} object of /api/status (lock-free). */
    public ObjectNode status() {
        TrustedState state = this.state;
        ObjectNode o = ControlJson.MAPPER.createObjectNode();
        o.put("enabled", true);
        TrustedState.Applied a = state.applied();
        if (a == null) {
            o.putNull("applied");
        } else {
            o.set("applied", a.toJson());
        }
        if (startupProblem != null) {
            o.put("startup_problem", startupProblem);
        }
        o.set("last_rejection", lastRejection);
        ObjectNode k = o.putObject("trusted_keys");
        k.put("version", state.keys().version());
        k.put("threshold", state.keys().threshold());
        state.keys().keys().keySet().forEach(k.putArray("keys")::add);
        settings.groups().forEach(o.putArray("groups")::add);
        ObjectNode c = o.putObject("counts");
        c.put("applied", appliedCount);
        c.put("rejected", rejectedCount);
        c.put("commands", commandCount);
        return o;
    }

    /** The trusted state in force (for tests). */
    TrustedState state() {
        return state;
    }

    /** Re-checks the model in force against its hash and starts it again (command reload-model). */
    public CommandResult reloadModel() {
        AgentConfig cfg = effective;
        Path p = modelPath(cfg);
        if (!cfg.model().embedded() && !models.intact(p)) {
            return CommandResult.rejected("the model " + p + " no longer matches its SHA-256; not loaded (the running "
                    + "model stays)");
        }
        if (host == null) {
            return CommandResult.rejected("the gateway is starting");
        }
        host.restart();
        return CommandResult.ok("model " + cfg.model().path() + " loaded again");
    }

    @Override
    public void close() {
        downloads.close();
        inbox.shutdown();
        try {
            inbox.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (mqtt != null) {
            mqtt.close(Duration.ofSeconds(5));
        }
    }

    // ---- start ----

    private AgentConfig startupConfig(AgentConfig local) {
        TrustedState.Applied a = state.applied();
        if (a == null) {
            return local;
        }
        try {
            byte[] payload = store.readDocument(a.sha256());
            ConfigDocument d = ConfigDocument.fromJson(ControlJson.object(payload, Refusal.Code.MALFORMED,
                    "stored document"), a.sha256());
            AgentConfig c = keepLocal(SettingsPatch.effective(localTree, base, "stored configuration version "
                    + a.version(), d.settings(), models));
            log.info("remote control: configuration version {} (from {}) in force", a.version(), a.target());
            return c;
        } catch (RuntimeException ex) {
            // e.g. the local agent.yaml was changed so that the received settings no longer fit: run the local file
            startupProblem = "configuration version " + a.version() + " cannot be used with this agent.yaml ("
                    + ex.getMessage() + "); running the local settings";
            log.error("remote control: {}", startupProblem);
            return local;
        }
    }

    /**
     * The sections that never come over the network are those the gateway started with, including what its command
     * line changed (e.g. {@code --embedded-broker PORT}).
     */
    private AgentConfig keepLocal(AgentConfig c) {
        return c.withMqtt(local.mqtt()).withBroker(local.broker()).withHttp(local.http()).withControl(local.control());
    }

    static TrustedKeys readLocalKeys(Path file) {
        byte[] b;
        try {
            b = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new ConfigException(file + ": cannot read the trusted keys file: " + e.getMessage(), e);
        }
        try {
            ObjectNode o = ControlJson.object(b, Refusal.Code.MALFORMED, "the file");
            if (o.has("payload")) { // a signed key set, installed by hand: the local file is trusted as it is
                o = ControlJson.object(Envelope.parse(b).payload(), Refusal.Code.MALFORMED, "its payload");
            }
            return TrustedKeys.fromJson(o);
        } catch (Refusal | IllegalArgumentException e) {
            throw new ConfigException(file + ": " + e.getMessage());
        }
    }
}
