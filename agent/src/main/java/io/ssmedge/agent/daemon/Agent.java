package io.ssmedge.agent.daemon;

import io.ssmedge.agent.config.AgentConfig;
import io.ssmedge.agent.config.ConfigException;
import io.ssmedge.agent.config.ModelConfig;
import io.ssmedge.agent.config.TopicsConfig;
import io.ssmedge.agent.config.WindowConfig;
import io.ssmedge.agent.command.CommandDispatcher;
import io.ssmedge.agent.dashboard.RecentRejections;
import io.ssmedge.agent.dashboard.StatusHistory;
import io.ssmedge.agent.deploy.DeploymentManager;
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
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
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

    private final AgentConfig config;
    private final DeploymentManager deployments;
    private final ModelIdentity identity;
    private final WindowSpec window;
    private final AgentMetrics metrics;
    private final CommandDispatcher commands = new CommandDispatcher();
    private final LiveScore overall;
    private final WorkerPool pool;
    private final MqttConnection publisher;
    private final MqttConnection subscriber;
    private final MetricsReporter reporter;
    private final RecentRejections rejections;
    private final java.util.Map<String, java.util.function.Supplier<? extends com.fasterxml.jackson.databind.JsonNode>>
            statusSections = new java.util.concurrent.ConcurrentHashMap<>();
    private final StatusHistory history;
    private final HttpServer http;
    private final Instant started = Instant.now();
    private final AtomicBoolean stopping = new AtomicBoolean();
    private final CountDownLatch stopped = new CountDownLatch(1);

    private Agent(AgentConfig config) {
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

        publisher = MqttConnections.create(ConnectionSpec.of("predictions out", config.mqtt(), clientId + "-pub",
                credentials, ssl, new Will(statusTopic, OFFLINE, 1, true), List.of(), null,
                () -> publishStatus(ONLINE)));
        PredictionPublisher predictions = new PredictionPublisher(publisher, topics, model.classes(), identity, window,
                metrics);
        rejections = new RecentRejections(new ErrorReporter(publisher, topics.errorsTopic(clientId), metrics), 50);
        WorkerContext ctx = new WorkerContext(deployments,
                new SensorPayloadParser(config.payload().format(), config.payload().maxBytes(), model.channels()),
                new LabelPayloadParser(config.payload().format(), config.payload().maxBytes(), model.classes()),
                config.labels(), overall, metrics, predictions, rejections, config.workers().maxStreams(), new AtomicInteger());
        pool = new WorkerPool(ctx, config.workers());

        List<Subscription> subs = new ArrayList<>();
        subs.add(new Subscription(topics.sensors(), topics.sensorsQos()));
        if (topics.labels() != null) {
            subs.add(new Subscription(topics.labels(), topics.labelsQos()));
        }
        MessageRouter router = new MessageRouter(new TopicFilter(topics.sensors()),
                topics.labels() == null ? null : new TopicFilter(topics.labels()), pool, metrics,
                config.payload().maxBytes());
        subscriber = MqttConnections.create(ConnectionSpec.of("sensors in", config.mqtt(), clientId, credentials, ssl, null,
                subs, router, null));
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
        a.pool.start();
        a.publisher.start();
        a.subscriber.start();
        log.info("running {} ({}, {}) on {} worker thread{}: {} → {}", a.identity.name(), a.identity.stage(),
                a.deployments.serving().shortVersion(), config.workers().threads(), config.workers().threads() == 1 ? "" : "s",
                config.topics().sensors(), config.topics().predictions());
        return a;
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
                        + "status    %s",
                id.name(), id.stage(), v.shortVersion(), m.summary(),
                w.continuous() ? "continuous, a prediction every " + w.stride() + " samples"
                        : w.length() + " samples, a new one every " + w.stride() + " samples ("
                        + w.concurrentWindows() + " open at a time, so " + w.concurrentWindows() + " model steps per sample)",
                config.mqtt().serverUri(), config.mqtt().version().key(), config.mqtt().clientId(),
                config.topics().sensors(), config.topics().predictions(),
                config.workers().threads(), config.workers().queueCapacity(), config.workers().overflow().key(),
                config.http().enabled() ? "http://" + config.http().bind() + ":" + config.http().port() + "/" : "off");
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
            subscriber.close(Duration.ofSeconds(5));
            boolean drained = pool.drainAndStop(Duration.ofSeconds(30));
            log.info("workers {}; {} predictions published in total", drained ? "finished" : "stopped (timeout)",
                    metrics.predictions.total());
            if (publisher.isConnected()) {
                publishStatus(OFFLINE);
            }
            publisher.close(Duration.ofSeconds(10));
        } finally {
            reporter.close();
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

    public AgentMetrics metrics() {
        return metrics;
    }

    public LiveScore overall() {
        return overall;
    }

    public WorkerPool pool() {
        return pool;
    }

    public List<StreamSession> streams() {
        return pool.sessions();
    }

    /**
     * Adds a top-level object to /api/status (e.g. {@code "rollout"}, {@code "drift"}), computed on each request on
     * the HTTP thread: the supplier must be cheap and thread-safe. A key the report already writes is not replaced.
     */
    public void addStatusSection(String key, java.util.function.Supplier<? extends com.fasterxml.jackson.databind.JsonNode> section) {
        statusSections.put(key, section);
    }

    java.util.Map<String, java.util.function.Supplier<? extends com.fasterxml.jackson.databind.JsonNode>> statusSections() {
        return statusSections;
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

    public MqttConnection publisher() {
        return publisher;
    }

    /** The port the status pages listen on (-1 when disabled). */
    public int httpPort() {
        return http == null ? -1 : http.port();
    }
}
