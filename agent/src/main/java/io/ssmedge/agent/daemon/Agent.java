package io.ssmedge.agent.daemon;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.ssmedge.agent.config.AgentConfig;
import io.ssmedge.agent.config.ConfigException;
import io.ssmedge.agent.config.ModelConfig;
import io.ssmedge.agent.config.TopicsConfig;
import io.ssmedge.agent.config.WindowConfig;
import io.ssmedge.agent.command.CommandDispatcher;
import io.ssmedge.agent.command.CommandName;
import io.ssmedge.agent.command.CommandResult;
import io.ssmedge.agent.config.Durability;
import io.ssmedge.agent.journal.StreamJournal;
import io.ssmedge.agent.dashboard.RecentRejections;
import io.ssmedge.agent.dashboard.StatusHistory;
import io.ssmedge.agent.deploy.DeploymentManager;
import io.ssmedge.agent.rollout.RolloutDriver;
import io.ssmedge.agent.deploy.ModelVersion;
import io.ssmedge.agent.deploy.ModelVersions;
import io.ssmedge.agent.http.HttpServer;
import io.ssmedge.agent.labels.LiveScore;
import io.ssmedge.agent.metrics.AgentMetrics;
import io.ssmedge.agent.metrics.MetricsReporter;
import io.ssmedge.agent.metrics.ProcessMemory;
import io.ssmedge.agent.mqtt.ConnectionSpec;
import io.ssmedge.agent.mqtt.Credentials;
import io.ssmedge.agent.mqtt.MqttConnection;
import io.ssmedge.agent.mqtt.MqttConnections;
import io.ssmedge.agent.mqtt.Subscription;
import io.ssmedge.agent.mqtt.TlsSocketFactory;
import io.ssmedge.agent.mqtt.Will;
import io.ssmedge.agent.stream.LabelPayloadParser;
import io.ssmedge.agent.stream.SensorPayloadParser;
import io.ssmedge.agent.stream.StreamMemory;
import io.ssmedge.agent.stream.StreamSession;
import io.ssmedge.agent.stream.TopicFilter;
import io.ssmedge.agent.stream.WorkerContext;
import io.ssmedge.agent.stream.WorkerPool;
import io.ssmedge.inference.WindowSpec;
import io.ssmedge.model.ModelLoader;
import io.ssmedge.model.SsmModel;
import io.ssmedge.model.UnstableState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.net.ssl.SSLSocketFactory;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.function.Supplier;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The running daemon: model, worker pool, two broker connections (sensors in on CLIENT_ID with a persistent
 * session; predictions, status and error reports out on CLIENT_ID-pub), status pages and the metrics reporter.
 *
 * <p>{@link #stop()} (on SIGTERM) finishes in-flight work in this order: stop reading sensors (the broker keeps the
 * session's QoS 1 messages for the next start), let the workers empty their queues and publish every prediction
 * that is due, publish "offline", disconnect cleanly, stop the status pages.
 */
public final class Agent implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Agent.class);
    static final byte[] ONLINE = "online".getBytes(StandardCharsets.UTF_8);
    static final byte[] OFFLINE = "offline".getBytes(StandardCharsets.UTF_8);
    /** QoS 2 messages in flight with MQTT 3.1.1: Mosquitto's default max_inflight_messages (see the constructor). */
    static final int QOS2_INFLIGHT_3_1_1 = 20;

    private final AgentConfig config;
    private final DeploymentManager deployments;
    private final ModelIdentity identity;
    private final WindowSpec window;
    private final AgentMetrics metrics;
    private final CommandDispatcher commands = new CommandDispatcher();
    private final LiveScore overall;
    private final WorkerPool pool;
    private final Durability durability;
    private final StreamJournal journal; // null unless durability is journal
    private final MqttConnection publisher;
    private final PredictionPublisher predictionSender;
    private volatile long rssAtStart = -1; // resident memory after start (/api/status); see MEMORY_AFTER_START_MILLIS
    private final MqttConnection subscriber;
    private final MessageRouter router;
    private final MetricsReporter reporter;
    private final RecentRejections rejections;
    private final StatusHistory history;
    private final HttpServer http;
    private final RolloutDriver rollout;
    private final Instant started = Instant.now();
    private final AtomicBoolean stopping = new AtomicBoolean();
    private final AtomicBoolean reading = new AtomicBoolean();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final Map<String, Supplier<? extends JsonNode>> statusSections = new ConcurrentSkipListMap<>();

    private Agent(AgentConfig config) {
        config = config.withDataFolders(); // rollout, control and broker folders under data_dir
        this.config = config;
        ModelVersion loaded = loadModel(config.model());
        this.window = windowSpec(config.model().window(), loaded.model());
        ModelVersion original = stable(loaded, config.model(), window);
        SsmModel model = original.model();
        this.identity = ModelIdentity.of(config.model());
        this.metrics = new AgentMetrics(original.version(), identity.stage());
        this.deployments = new DeploymentManager(original, window, config.topics().labels() != null);
        this.overall = new LiveScore(model.outputSize());
        SSLSocketFactory ssl = TlsSocketFactory.create(config.mqtt().tls());
        Credentials credentials = Credentials.read(config.mqtt());
        TopicsConfig topics = config.topics();
        String clientId = config.mqtt().clientId();
        String statusTopic = topics.statusTopic(clientId);

        this.durability = config.effectiveDurability();
        if (config.durability() == null && durability != Durability.JOURNAL) {
            log.info("durability: processed ({}); samples are confirmed to the broker once processed, open windows "
                    + "start again after a crash", config.dataDir() == null ? "no data_dir set"
                    : "data_dir " + config.dataDir() + " is not writable");
        }
        this.journal = durability == Durability.JOURNAL ? StreamJournal.open(config.dataDir().resolve("journal"),
                model.inputSize(), WorkerContext.ringCapacity(window), config.workers().threads(),
                config.journal().syncIntervalMs(), config.journal().maxFileMb() * 1024L * 1024L,
                StreamJournal.versionsBesides(original)) : null;
        ConnectionSpec out = ConnectionSpec.of("predictions out", config.mqtt(), clientId + "-pub",
                credentials, ssl, new Will(statusTopic, OFFLINE, 1, true), List.of(), null,
                this::publisherConnected);
        // with the journal, predictions not yet confirmed by the broker survive a crash in the client's files and are
        // sent again at the next start under the same packet id (MQTT 3.1.1 only: Paho's MQTT 5 client 1.2.5 resends
        // such messages with a stale topic alias, which brokers refuse with a protocol error,
        // eclipse-paho/paho.mqtt.java#1104); the journal's outbox learns which ones the broker confirmed (Outbox).
        // Creating the client checks its files against the journal's marks, before the workers compact the journal.
        boolean persist = journal != null && config.mqtt().version() == io.ssmedge.agent.config.MqttVersion.V3_1_1;
        if (persist) {
            out = out.withPersistence(config.dataDir().resolve("mqtt-out"));
        }
        if (topics.predictionsQos() == 2 && config.mqtt().version() == io.ssmedge.agent.config.MqttVersion.V3_1_1
                && config.mqtt().maxInflight() > QOS2_INFLIGHT_3_1_1) {
            // A broker limits the QoS 2 messages it holds for a client until their PUBREL (Mosquitto:
            // max_inflight_messages, default 20). Beyond it, an MQTT 5 client is told "quota exceeded" (and Paho's
            // MQTT 5 client keeps to the broker's Receive Maximum), but MQTT 3.1.1 has no way to say so: Mosquitto
            // 2.0 answers PUBREC and drops the message. So with 3.1.1 at most 20 QoS 2 predictions are in flight,
            // counting those the client restored from its files after a crash (Paho's own window leaves them out, and
            // the kill -9 test lost predictions that way: PahoConnection.tryPublish).
            out = out.withMaxInflight(QOS2_INFLIGHT_3_1_1);
        }
        if (journal != null && topics.predictionsQos() > 0) {
            out = out.withDelivery(new OutboxDeliveries(journal.outbox()));
            journal.outbox().confirmedByBroker();
            if (topics.predictionsQos() == 1 || !persist) {
                log.info("durability journal: a prediction in flight when the agent dies can be published twice ({}); "
                        + "exactly once needs topics.predictions_qos: 2 with MQTT 3.1.1", topics.predictionsQos() == 1
                        ? "QoS 1: the broker cannot recognise a resend" : "MQTT 5: unconfirmed predictions are kept in "
                        + "the journal only");
            }
        }
        publisher = MqttConnections.publisher(out, Math.max(1, topics.predictionsQos())); // status, rollout: QoS 1
        PredictionPublisher predictions = new PredictionPublisher(publisher, topics, model.classes(), identity, window,
                metrics);
        predictionSender = predictions;
        rejections = new RecentRejections(new ErrorReporter(publisher, topics.errorsTopic(clientId), metrics), 50);
        WorkerContext ctx = new WorkerContext(deployments,
                new SensorPayloadParser(config.payload().format(), config.payload().maxBytes(), model.channels()),
                new LabelPayloadParser(config.payload().format(), config.payload().maxBytes(), model.classes()),
                config.labels(), overall, metrics, predictions, rejections, config.workers().maxStreams(), new AtomicInteger(),
                durability, journal, config.input(), streamMemory(config.workers().maxStreams(), deployments));
        pool = new WorkerPool(ctx, config.workers());
        if (journal != null) {
            pool.restore(journal.recovered());
        }
        commands.register(CommandName.RESET_STREAM, c -> resetStream(c.args().get("stream")));

        List<Subscription> subs = new ArrayList<>();
        subs.add(new Subscription(topics.sensors(), topics.sensorsQos()));
        if (topics.labels() != null) {
            subs.add(new Subscription(topics.labels(), topics.labelsQos()));
        }
        router = new MessageRouter(new TopicFilter(topics.sensors()),
                topics.labels() == null ? null : new TopicFilter(topics.labels()), pool, metrics,
                config.payload().maxBytes());
        // one event-loop thread for sensors and predictions (MqttEventLoop): the input never waits on it, also not with
        // overflow block (it pauses reading instead, MessageHandler.offer), so PUBACKs of the output keep being read
        subscriber = MqttConnections.subscriber(ConnectionSpec.of("sensors in", config.mqtt(), clientId, credentials, ssl, null,
                subs, router, null).withManualAcks(durability != Durability.NONE), publisher);
        String rolloutTopic = "ssm-edge/" + clientId + "/rollout";
        rollout = config.rollout().enabled() ? new RolloutDriver(config.rollout(), deployments, window, Clock.systemUTC(),
                (kind, json) -> publishRollout(rolloutTopic + "/events", json, false),
                (kind, json) -> publishRollout(rolloutTopic, json, true)) : null;
        if (rollout != null) {
            rollout.register(commands);
            RolloutMetrics.register(rollout, metrics.registry());
            addStatusSection("rollout", rollout::status);
        } else {
            addStatusSection("rollout", () -> JsonNodeFactory.instance.objectNode().put("state", "off"));
        }
        history = new StatusHistory(360, 10).start(this::historyPoint); // the dashboard's last hour
        reporter = new MetricsReporter(metrics, config.metrics().reportIntervalSeconds(), this::memoryLine);
        AgentGauges.register(this, metrics.registry());
        http = config.http().enabled() ? HttpServer.start(config.http(), new AgentReport(this)) : null;
    }

    /** One point of the dashboard's curves: the last reporting interval's latency and rate, live accuracy so far. */
    private StatusHistory.Point historyPoint() {
        io.ssmedge.agent.metrics.LatencySnapshot e2e = metrics.endToEnd.recent();
        LiveScore.Snapshot live = overall.snapshot();
        boolean any = e2e.count() > 0;
        return new StatusHistory.Point(System.currentTimeMillis(), any ? e2e.p50() / 1000.0 : Double.NaN,
                any ? e2e.p99() / 1000.0 : Double.NaN, rates().samplesPerSecond(), live.accuracy(), live.falseAlarmRate(),
                live.missRate(), live.matched());
    }

    /**
     * Starts the daemon: loads the model, starts the workers and status pages, and connects to the broker in the
     * background (the agent keeps trying until the broker answers; /readyz says when it is connected).
     *
     * @throws io.ssmedge.SsmEdgeException with a clear message when the model, TLS files or HTTP port are unusable
     */
    public static Agent start(AgentConfig config) {
        Agent a = new Agent(config);
        if (a.rollout != null) {
            a.rollout.start();       // may switch to the stage the rollout had reached, before traffic flows
        }
        a.pool.start();
        a.predictionSender.start();
        a.publisher.start(); // the sensor connection starts once predictions can go out (publisherConnected)
        log.info("running {} ({}, {}) on {} worker thread{}: {} → {}", a.identity.name(), a.identity.stage(),
                a.deployments.serving().shortVersion(), config.workers().threads(), config.workers().threads() == 1 ? "" : "s",
                config.topics().sensors(), config.topics().predictions());
        a.reporter.once(MEMORY_AFTER_START_MILLIS, a::recordMemoryAfterStart);
        return a;
    }

    /**
     * Streams the heap holds at the serving model ({@link StreamMemory}): logged at start, a warning with the -Xmx
     * that would hold workers.max_streams when it is fewer.
     */
    private static StreamMemory streamMemory(int maxStreams, DeploymentManager deployments) {
        StreamMemory m = StreamMemory.ofThisJvm(maxStreams).follow(deployments);
        if (m.holdsMaxStreams()) {
            log.info("streams: {}; workers.max_streams = {} fit", m.describe(), maxStreams);
        } else {
            log.warn("streams: {}, fewer than workers.max_streams = {}: further streams are refused (reason no_memory); "
                    + "{}", m.describe(), maxStreams, m.advice());
        }
        return m;
    }

    /**
     * When "RSS after start" is taken: once the JIT compiler's start-up burst is over and its memory is back with
     * the system. In the first seconds C2 compiles the start-up code in arenas of up to ~18 MB that the C library
     * keeps after they are freed, until -XX:TrimNativeHeapInterval (5 s, deploy/jvm.options) trims it; sampled at
     * the end of {@link #start} the same idle agent showed 87-110 MB, 10 s later 86-89 MB (issue #12, BENCHMARKS.md).
     */
    static final long MEMORY_AFTER_START_MILLIS = 10_000;

    /** Takes the figure behind /api/status {@code rss_at_start_bytes} and logs it with the peak so far. */
    private void recordMemoryAfterStart() {
        rssAtStart = ProcessMemory.rssBytes();
        long peak = ProcessMemory.peakRssBytes();
        log.info("memory after start ({} s, {} streams so far): RSS {} MB (peak {} MB); heap {} MB used, at most {} MB; GC {}",
                MEMORY_AFTER_START_MILLIS / 1000, pool.sessions().size(), mb(rssAtStart), mb(peak),
                String.format(Locale.ROOT, "%.1f", ProcessMemory.heap().getUsed() / 1e6),
                String.format(Locale.ROOT, "%.0f", ProcessMemory.heap().getMax() / 1e6), ProcessMemory.collectors());
    }

    private static String mb(long bytes) {
        return bytes < 0 ? "n/a" : String.format(Locale.ROOT, "%.1f", bytes / 1e6);
    }

    /**
     * Everything {@link #start} would refuse, without connecting anywhere: model, TLS files (CA, certificate, key
     * are parsed), broker credentials, the HTTP token, and a writable data_dir for the journal. For {@code run --check}.
     */
    public static void preflight(AgentConfig config) {
        SsmModel m = loadModel(config.model()).model();
        windowSpec(config.model().window(), m);
        TlsSocketFactory.create(config.mqtt().tls());
        Credentials.read(config.mqtt());
        if (config.http().enabled()) {
            HttpServer.readToken(config.http());
        }
        if (config.effectiveDurability() == Durability.JOURNAL && !AgentConfig.writable(config.dataDir())) {
            throw new ConfigException("data_dir: " + config.dataDir() + " is not a folder this user may write; the journal "
                    + "(durability: journal) needs one, or set durability: processed");
        }
        AgentConfig c = config.withDataFolders();
        if (c.rollout().enabled()) {
            writableFolder(c.rollout().dataDir().resolve("rollout"), "the rollout's state, pruned models and events");
        }
        if (c.control().enabled()) {
            writableFolder(c.control().dataDir(), "remote control's trusted state and delivered models");
        }
        if (c.broker().embedded() && c.broker().dataDir() != null) {
            writableFolder(c.broker().dataDir(), "the embedded broker's sessions and queued messages");
        }
    }

    private static void writableFolder(java.nio.file.Path dir, String what) {
        if (!AgentConfig.writable(dir)) {
            throw new ConfigException("data_dir: " + dir + " (" + what + ") is not a folder this user may write; "
                    + "set data_dir to a folder the agent may write");
        }
    }

    /** What {@code run --check} reports: the model and windowing the config leads to (loads the model). */
    public static String describe(AgentConfig config) {
        ModelVersion v = loadModel(config.model());
        WindowSpec w = windowSpec(config.model().window(), v.model());
        SsmModel m = checkStability(v.model(), config.model(), w);
        ModelIdentity id = ModelIdentity.of(config.model());
        return String.format(Locale.ROOT, "model     %s (%s, version %s): %s%n"
                        + "windows   %s%n"
                        + "broker    %s (MQTT %s) as '%s'%n"
                        + "sensors   %s  →  predictions %s%n"
                        + "workers   %d, queue %d each, overflow %s%n"
                        + "streams   %s%n"
                        + "status    %s%n"
                        + "data      %s%n"
                        + "durability %s",
                id.name(), id.stage(), v.shortVersion(), m.summary(),
                w.continuous() ? "continuous, a prediction every " + w.stride() + " samples"
                        : w.length() + " samples, a new one every " + w.stride() + " samples ("
                        + w.concurrentWindows() + " open at a time, so " + w.concurrentWindows() + " model steps per sample)",
                config.mqtt().serverUri(), config.mqtt().version().key(), config.mqtt().clientId(),
                config.topics().sensors(), config.topics().predictions(),
                config.workers().threads(), config.workers().queueCapacity(), config.workers().overflow().key(),
                streamsLine(config.workers().maxStreams(), new DeploymentManager(v, w, false)),
                config.http().enabled() ? "http://" + config.http().bind() + ":" + config.http().port() + "/" : "off",
                dataFolders(config.withDataFolders()),
                switch (config.effectiveDurability()) {
                    case NONE -> "none: samples queued in the agent are lost if it dies";
                    case PROCESSED -> "processed: samples are confirmed to the broker once processed";
                    case JOURNAL -> "journal in " + config.dataDir() + ": open windows survive a crash";
                });
    }

    /** workers.max_streams and how many streams this JVM's heap holds, for {@code run --check}. */
    private static String streamsLine(int maxStreams, DeploymentManager deployments) {
        StreamMemory m = StreamMemory.ofThisJvm(maxStreams).follow(deployments);
        return "at most " + maxStreams + " (workers.max_streams); " + m.describe() + (m.holdsMaxStreams() ? ": they fit"
                : ": fewer, so further streams would be refused; " + m.advice());
    }

    /** Where each part keeps its state, for {@code run --check}. */
    private static String dataFolders(AgentConfig c) {
        StringBuilder b = new StringBuilder(c.dataDir() == null ? "no data_dir (no local state)" : c.dataDir().toString());
        if (c.rollout().enabled()) {
            b.append("; rollout in ").append(c.rollout().dataDir().resolve("rollout"));
        }
        if (c.control().enabled()) {
            b.append("; control in ").append(c.control().dataDir().resolve("control"));
        }
        if (c.broker().embedded()) {
            b.append("; broker ").append(c.broker().dataDir() == null ? "in memory" : "in " + c.broker().dataDir());
        }
        return b.toString();
    }

    /**
     * {@link #checkStability} for the loaded version; a model whose poles were clipped gets the version
     * "FINGERPRINT+clip" (it no longer computes what the loaded bytes say).
     */
    static ModelVersion stable(ModelVersion loaded, ModelConfig cfg, WindowSpec w) {
        SsmModel m = checkStability(loaded.model(), cfg, w);
        return m == loaded.model() ? loaded : new ModelVersion(m, loaded.version() + "+clip", loaded.ratio(),
                loaded.method(), loaded.keptPerLayer());
    }

    /**
     * A model with unstable states (|λ̄| ≥ 1) works on fixed windows (each window starts from a zero state) but a
     * continuous stream would grow without bound: refused there unless model.stabilize is clip, which moves those
     * poles just inside the unit circle (for any windowing).
     */
    static SsmModel checkStability(SsmModel m, ModelConfig cfg, WindowSpec w) {
        List<UnstableState> unstable = m.unstableStates();
        if (unstable.isEmpty()) {
            return m;
        }
        int len = w.continuous() ? (m.trainingWindow() > 0 ? m.trainingWindow() : 1000) : w.length();
        String states = UnstableState.describe(unstable, len);
        if (cfg.clipUnstable()) {
            log.warn("model.stabilize: clip: {} unstable state(s) moved to |λ̄| = {} ({}). The accuracy change is not "
                    + "measured here (no calibration data in the config): compare with "
                    + "'ssm-edge eval MODEL --data FILE', which reports it", unstable.size(), SsmModel.STABILIZED_POLE,
                    states);
            return m.stabilized();
        }
        if (w.continuous()) {
            throw new ConfigException("model.path: " + cfg.path() + " has " + unstable.size() + " unstable state(s) ("
                    + states + "); in continuous mode (model.window.continuous) they would grow without bound. Set "
                    + "model.stabilize: clip to move them just inside the unit circle, or use fixed windows");
        }
        log.warn("model {} has {} unstable state(s) ({}); fine with fixed windows, which start from a zero state",
                cfg.path(), unstable.size(), states);
        return m;
    }

    /** The configured model, fingerprinted from the bytes it was loaded from. */
    static ModelVersion loadModel(ModelConfig cfg) {
        if (cfg.embedded()) {
            String name = cfg.path().substring("embedded:".length());
            if (!ModelLoader.EMBEDDED.contains(name)) {
                throw new ConfigException("model.path: no embedded model '" + name + "'; embedded models: "
                        + ModelLoader.EMBEDDED);
            }
        }
        return ModelVersions.load(cfg.path());
    }

    /** The configured windowing, with the model's own window and stride where the config says 0. */
    static WindowSpec windowSpec(WindowConfig w, SsmModel model) {
        int length = w.length() > 0 ? w.length() : model.trainingWindow();
        if (!w.continuous() && length <= 0) {
            throw new ConfigException("model.window.length: the model does not say its window length; set it");
        }
        int stride = w.stride() > 0 ? w.stride() : model.evaluationStride() > 0 ? model.evaluationStride() : length;
        if (stride <= 0) {
            throw new ConfigException("model.window.stride: the model does not say its stride; set it");
        }
        return w.continuous() ? WindowSpec.continuous(stride) : WindowSpec.fixed(length, stride);
    }

    /** The reset-stream command: the stream forgets its windows and last ts, and starts afresh. */
    private CommandResult resetStream(String stream) {
        if (stream == null || stream.isBlank()) {
            return CommandResult.rejected("reset-stream needs the stream id: reset-stream?stream=ID");
        }
        if (!pool.reset(stream)) {
            return CommandResult.rejected("no stream '" + io.ssmedge.agent.stream.StreamIds.shown(stream) + "'");
        }
        return CommandResult.ok("stream '" + stream + "' reset: its open windows and last ts are forgotten; "
                + "its next sample starts a new window");
    }

    /**
     * After every connect of the predictions connection: announce "online"; the first time, start reading sensors
     * (a prediction made before the predictions connection was ever up could not even be buffered).
     */
    /**
     * Rollout events and state to MQTT. Before the first connection Paho cannot even buffer them: they are then only
     * in the rollout's journal (data_dir), and the retained state is published as soon as the connection is up.
     */
    private void publishRollout(String topic, byte[] json, boolean retained) {
        if (!publisher.isConnected() && !reading.get()) {
            log.debug("rollout {} not published yet (not connected; it is in the rollout journal)", topic);
            return;
        }
        publisher.publish(topic, json, 1, retained);
    }

    private void publisherConnected() {
        publishStatus(ONLINE);
        if (rollout != null) {
            rollout.publishState();
        }
        if (!stopping.get() && reading.compareAndSet(false, true)) {
            subscriber.start();
        }
    }

    private void publishStatus(byte[] status) {
        try {
            publisher.publish(config.topics().statusTopic(config.mqtt().clientId()), status, 1, true);
        } catch (RuntimeException e) {
            log.warn("status not published: {}", e.getMessage());
        }
    }

    private String memoryLine() {
        long rss = ProcessMemory.rssBytes();
        return String.format(Locale.ROOT, "%d streams, heap %.1f MB, RSS %s", pool.sessions().size(),
                ProcessMemory.heap().getUsed() / 1e6, rss < 0 ? "n/a" : String.format(Locale.ROOT, "%.1f MB", rss / 1e6));
    }

    /** Stops as described in the class comment; safe to call more than once and from a shutdown hook. */
    public void stop() {
        if (!stopping.compareAndSet(false, true)) {
            return;
        }
        log.info("stopping: no new sensor messages; finishing {} queued", queued());
        try {
            // messages arriving from now on stay unconfirmed (the broker delivers them at the next start); those
            // queued are finished and confirmed before the sensor connection closes
            router.close();
            boolean drained = pool.drainAndStop(Duration.ofSeconds(30));
            if (!predictionSender.close(Duration.ofSeconds(10))) {
                log.warn("predictions still queued after 10 s (the broker confirms nothing?); they are not published");
            }
            if (journal != null) {
                journal.flush(); // last sync: confirms what the workers finished, releases their predictions
                if (!journal.drainOutbox(Duration.ofSeconds(10))) {
                    log.warn("journal: predictions not handed to the broker in 10 s; they are published at the next start");
                }
            }
            log.info("workers {}; {} predictions published in total", drained ? "finished" : "stopped (timeout)",
                    metrics.predictions.total());
            subscriber.close(Duration.ofSeconds(5));
            if (publisher.isConnected()) {
                publishStatus(OFFLINE);
            }
            publisher.close(Duration.ofSeconds(10)); // the broker's last confirmations are marked in the journal
            if (journal != null) {
                journal.close();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            if (journal != null) {
                journal.close();
            }
            subscriber.close(Duration.ofSeconds(1));
            reporter.close();
            if (rollout != null) {
                rollout.close();
            }
            history.close();
            if (http != null) {
                http.close();
            }
            stopped.countDown();
            log.info("stopped");
        }
    }

    @Override
    public void close() {
        stop();
    }

    public void awaitStopped() throws InterruptedException {
        stopped.await();
    }

    private int queued() {
        int n = 0;
        for (int i = 0; i < pool.workers(); i++) {
            n += pool.queueDepth(i);
        }
        return n;
    }

    // ---- read by the status pages ----

    public AgentConfig config() {
        return config;
    }

    /** The model serving now (it changes when a model is promoted, rolled back or replaced). */
    public SsmModel model() {
        return deployments.serving().model();
    }

    /** Which models serve and shadow; where the rollout switches models. */
    public DeploymentManager deployments() {
        return deployments;
    }

    /** The staged pruning rollout, null when {@code rollout.enabled} is false. */
    public RolloutDriver rollout() {
        return rollout;
    }

    public ModelIdentity identity() {
        return identity;
    }

    public WindowSpec window() {
        return window;
    }

    /** Where every operator command goes (HTTP API, dashboard, signed MQTT commands). */
    public CommandDispatcher commands() {
        return commands;
    }

    /**
     * Adds a top-level object to /api/status (e.g. {@code "control"}, {@code "drift"}), computed on each request on
     * the HTTP thread: the supplier must be cheap and thread-safe. A key the report already writes is not replaced.
     */
    public void addStatusSection(String key, Supplier<? extends JsonNode> section) {
        statusSections.put(key, section);
    }

    Map<String, Supplier<? extends JsonNode>> statusSections() {
        return statusSections;
    }

    public AgentMetrics metrics() {
        return metrics;
    }

    public LiveScore overall() {
        return overall;
    }

    /** When sensor messages are confirmed to the broker (config, or the default for its data_dir). */
    public Durability durability() {
        return durability;
    }

    public WorkerPool pool() {
        return pool;
    }

    public List<StreamSession> streams() {
        return pool.sessions();
    }

    /** The dashboard's last hour of curves. */
    public StatusHistory history() {
        return history;
    }

    /** The last rejected messages (as reported on the error topic), newest first. */
    public RecentRejections rejections() {
        return rejections;
    }

    public MetricsReporter.Rates rates() {
        return reporter.rates();
    }

    public Instant started() {
        return started;
    }

    public boolean stopping() {
        return stopping.get();
    }

    public MqttConnection subscriber() {
        return subscriber;
    }

    /**
     * Resident memory {@link #MEMORY_AFTER_START_MILLIS} after start (the idle agent's footprint when no traffic
     * came yet), -1 until then and where unknown.
     */
    public long rssAtStartBytes() {
        return rssAtStart;
    }

    public MqttConnection publisher() {
        return publisher;
    }

    /** The port the status pages listen on (-1 when disabled). */
    public int httpPort() {
        return http == null ? -1 : http.port();
    }
}
