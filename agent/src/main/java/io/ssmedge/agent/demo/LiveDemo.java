package io.ssmedge.agent.demo;

import io.ssmedge.agent.broker.BrokerSettings;
import io.ssmedge.agent.broker.EmbeddedBroker;
import io.ssmedge.agent.config.AgentConfig;
import io.ssmedge.agent.config.BrokerConfig;
import io.ssmedge.agent.config.HttpConfig;
import io.ssmedge.agent.config.InputConfig;
import io.ssmedge.agent.config.ModelConfig;
import io.ssmedge.agent.config.TopicsConfig;
import io.ssmedge.agent.config.WindowConfig;
import io.ssmedge.agent.daemon.Agent;
import io.ssmedge.agent.labels.LiveScore;
import io.ssmedge.agent.simulator.FaultSchedule;
import io.ssmedge.agent.simulator.MqttSink;
import io.ssmedge.agent.simulator.Simulator;
import io.ssmedge.agent.simulator.SimulatorSettings;
import io.ssmedge.agent.stream.StreamSession;
import io.ssmedge.agent.stream.Timestamps;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The product in one process: the embedded MQTT broker on 127.0.0.1, the factory simulator (or a SKAB replay)
 * publishing sensor samples and true labels to it, the agent reading them through the broker with the bundled model
 * and publishing predictions back, and the status pages. Prints a summary line every few seconds and a short
 * summary at the end ({@link #stop()}: Ctrl-C, {@code --duration}, or the end of a replay).
 */
public final class LiveDemo implements AutoCloseable {
    /** The topics of configs/agent.yaml, so the demo's traffic looks like the documented example. */
    static final TopicsConfig TOPICS = new TopicsConfig("factory/line3/+/sensors", 1, "factory/line3/+/labels", 1,
            "factory/line3/{stream}/predictions", 1, "ssm-edge/{client_id}/status", "ssm-edge/{client_id}/errors");

    /** Hour of day (UTC) at which an accelerated plant clock starts. */
    static final int PLANT_START_HOUR_UTC = 16;

    private final DemoSettings settings;
    private final PrintWriter out;
    private final EmbeddedBroker broker;
    private final Agent agent;
    private final DemoRollout rollout;
    private final Simulator simulator;
    private final Thread simulatorThread;
    private final ScheduledExecutorService reporter;
    private final CountDownLatch ended = new CountDownLatch(1);
    private final long startNanos = System.nanoTime();
    private final java.util.concurrent.atomic.AtomicBoolean stormStarted = new java.util.concurrent.atomic.AtomicBoolean();
    private double simRate = 1;
    private boolean stopped;

    private LiveDemo(DemoSettings settings, PrintWriter out, EmbeddedBroker broker, Agent agent, DemoRollout rollout,
                     Simulator simulator) {
        this.settings = settings;
        this.out = out;
        this.broker = broker;
        this.agent = agent;
        this.rollout = rollout;
        this.simulator = simulator;
        this.simulatorThread = new Thread(this::publish, "demo-simulator");
        this.reporter = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "demo-summary");
            t.setDaemon(true);
            return t;
        });
    }

    /** Starts everything, prints where to look, and returns while the demo runs. */
    public static LiveDemo start(DemoSettings s, PrintWriter out, DemoRollout.Starter rolloutStarter)
            throws InterruptedException {
        int port = freePort();
        AgentConfig d = AgentConfig.defaults();
        AgentConfig cfg = d.withModel(new ModelConfig(s.model(), "demo", null, window(s)))
                .withMqtt(d.mqtt().withPort(port).withClientId("ssm-edge-demo"))
                .withTopics(TOPICS)
                .withHttp(new HttpConfig(true, "127.0.0.1", s.httpPort() > 0 && !free(s.httpPort()) ? 0 : s.httpPort(),
                        null, 65536))
                .withBroker(BrokerConfig.embeddedOnLoopback());
        if (rolloutStarter != DemoRollout.Starter.NONE) {
            // the staged LAST rollout on live traffic; limits suited to the simulator's pumps (the bundled model's
            // own false-alarm rate there is above the production default of 5 %), state in a temporary folder
            java.nio.file.Path dir;
            try {
                dir = java.nio.file.Files.createTempDirectory("ssm-edge-demo-rollout");
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException("demo: cannot create a folder for the rollout's state", e);
            }
            cfg = cfg.withRollout(io.ssmedge.agent.config.RolloutConfig.defaults().withEnabled(true).withDataDir(dir)
                    .withLimits(new io.ssmedge.agent.config.RolloutConfig.Limits(0.02, 0.25, 0.50, 0.90)));
        }
        if (s.speed() > 1) {
            // the simulated clock runs ahead of this machine's: accept sample times up to a year ahead (demo only)
            cfg = cfg.withInput(new InputConfig(365 * 86_400, d.input().maxStreamIdLength(), d.input().streamIdleSeconds()));
        }
        EmbeddedBroker broker = EmbeddedBroker.start(BrokerSettings.forAgent(cfg));
        Agent agent = null;
        try {
            agent = Agent.start(cfg);
            if (!agent.subscriber().awaitReady(Duration.ofSeconds(30)) || !agent.publisher().awaitReady(Duration.ofSeconds(30))) {
                throw new IllegalStateException("demo: the agent did not connect to the embedded broker within 30 s");
            }
            // ---- ROLLOUT HOOK: a staged LAST rollout is started here, on the running agent, before any sample ----
            DemoRollout rollout = rolloutStarter.start(agent);
            SimulatorSettings sim = SimulatorSettings.defaults(plantStart(s))
                    .withStreams(s.streams()).withTiming(s.rateHz(), s.durationSeconds() * s.speed(), true)
                    .withSpeed(s.speed()).withBatch(batch(s)).withSeed(s.seed())
                    .withFaults(s.replay() ? java.util.List.of() : s.faultSpecs(), s.replay() ? 0 : s.randomFaultsPerHour())
                    .withTopics(TOPICS.sensors().replace("+", "{stream}"), TOPICS.labels().replace("+", "{stream}"));
            Simulator simulator = new Simulator(sim, s.replayFiles());
            if (!s.replay() && s.stormAt() != null && !s.stormAt().equals(DemoSettings.STORM_AT_PROMOTION)) {
                simulator.stormAt(FaultSchedule.seconds(s.stormAt()), s.stormSeconds());
            }
            LiveDemo demo = new LiveDemo(s, out, broker, agent, rollout, simulator);
            demo.begin(port, sim);
            return demo;
        } catch (RuntimeException | InterruptedException e) {
            if (agent != null) {
                agent.stop();
            }
            broker.close();
            throw e;
        }
    }

    private void begin(int port, SimulatorSettings sim) {
        simRate = sim.rateHz();
        String source = settings.replay()
                ? settings.replayFiles().size() + " SKAB recordings replayed as streams (" + String.join(", ",
                simulator.streams().subList(0, Math.min(3, simulator.streams().size()))) + (simulator.streams().size() > 3 ? ", …" : "") + ")"
                : simulator.streams().size() + " simulated pumps (" + simulator.streams().get(0) + " … "
                + simulator.streams().get(simulator.streams().size() - 1) + ")";
        out.println("ssm-edge live demo: sensors → MQTT broker → agent → predictions, all on this machine");
        out.printf(Locale.ROOT, "  broker      embedded MQTT broker on mqtt://127.0.0.1:%d (MQTT 5 and 3.1.1)%n", port);
        out.printf(Locale.ROOT, "  sensors     %s at %s samples/s each, on %s%n", source, fmt(sim.rateHz()), sim.sensorTopic());
        out.printf(Locale.ROOT, "  labels      the true state of each sample on %s (scores the predictions live)%n", sim.labelTopic());
        out.printf(Locale.ROOT, "  agent       %s, one prediction per stream every %d samples on %s%n", agent.identity().name(),
                agent.window().stride(), agent.config().topics().predictions());
        simulator.scheduledFaults().forEach(f -> out.printf(Locale.ROOT, "  fault       %s in %s at %s s for %s s%n",
                f.kind().key(), simulator.streams().get(f.stream()), fmt(f.startSample() / sim.rateHz()),
                fmt(f.samples() / sim.rateHz())));
        if (!settings.replay() && sim.randomFaultsPerHour() > 0) {
            out.printf(Locale.ROOT, "  faults      random: about %s per pump and hour (valve closing, cavitation, rotor imbalance, leak)%n",
                    fmt(sim.randomFaultsPerHour()));
        }
        if (settings.speed() > 1) {
            out.printf(Locale.ROOT, "  clock       the plant's clock runs %s times faster than yours (--speed): sample times are "
                    + "simulated time, so a minute here is %s minutes of plant running%n", fmt(settings.speed()), fmt(settings.speed()));
        }
        if (!settings.replay() && settings.stormAt() != null) {
            out.printf(Locale.ROOT, "  storm       %s: a fault in every pump for %s s and their labels wrong (--storm-at)%n",
                    settings.stormAt().equals(DemoSettings.STORM_AT_PROMOTION) ? "right after the first promotion"
                            : "at " + fmt(FaultSchedule.seconds(settings.stormAt())) + " s",
                    fmt(settings.stormSeconds()));
        }
        if (agent.rollout() != null) {
            agent.rollout().engine().addEventListener(this::onRolloutEvent);
        }
        out.printf(Locale.ROOT, "  status      %s   (open in a browser; /metrics for Prometheus)%n", statusUrl());
        out.printf(Locale.ROOT, "  rollout     %s%n", rollout.stage());
        out.println(settings.durationSeconds() > 0 ? "Runs for " + fmt(settings.durationSeconds()) + " s; Ctrl-C stops it sooner."
                : settings.replay() ? "Runs until the recordings end; Ctrl-C stops it sooner." : "Runs until Ctrl-C.");
        out.flush();
        simulatorThread.start();
        long every = Math.round(settings.reportSeconds() * 1000);
        reporter.scheduleAtFixedRate(() -> {
            out.println(summaryLine());
            out.flush();
        }, every, every, TimeUnit.MILLISECONDS);
    }

    /** Prints each rollout event as it happens; starts the storm after the first promotion when asked. */
    private void onRolloutEvent(com.fasterxml.jackson.databind.JsonNode e) {
        String type = e.path("type").asText();
        out.printf(Locale.ROOT, "%s rollout %s: %s%n", clock(), type.replace('_', ' '), e.path("reason").asText());
        if (type.equals("promoted") && !settings.replay() && DemoSettings.STORM_AT_PROMOTION.equals(settings.stormAt())
                && stormStarted.compareAndSet(false, true)) {
            simulator.storm(settings.stormSeconds());
            out.printf(Locale.ROOT, "%s storm   a fault in every pump for %s s, and their labels published wrong: "
                    + "probation should roll the new stage back%n", clock(), fmt(settings.stormSeconds()));
        }
        out.flush();
    }

    /** [mm:ss] of wall time since the start, with the plant's simulated time when the clock is accelerated. */
    private String clock() {
        long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - startNanos);
        String wall = String.format(Locale.ROOT, "[%02d:%02d", seconds / 60, seconds % 60);
        if (settings.speed() <= 1) {
            return wall + "]";
        }
        long sim = Math.round(simulator.counts().rounds.get() / simRate);
        return wall + String.format(Locale.ROOT, " plant %d:%02d:%02d]", sim / 3600, sim / 60 % 60, sim % 60);
    }

    private void publish() {
        try (MqttSink sink = new MqttSink("tcp://127.0.0.1:" + broker.port(), "ssm-edge-demo-sensors", null, null)) {
            simulator.run(sink);
        } catch (RuntimeException e) {
            out.println("demo: the simulator stopped: " + e.getMessage());
        } finally {
            ended.countDown();
        }
    }

    /** Waits until the duration is over or the replay has ended (or {@link #stop()} was called). */
    public void awaitEnd() throws InterruptedException {
        ended.await();
    }

    public Agent agent() {
        return agent;
    }

    public int brokerPort() {
        return broker.port();
    }

    public Simulator simulator() {
        return simulator;
    }

    public String statusUrl() {
        return "http://127.0.0.1:" + agent.httpPort() + "/";
    }

    /** One line: time, samples, predictions, live accuracy, false alarms, misses, µs per sample, bytes per stream, stage. */
    public String summaryLine() {
        LiveScore.Snapshot score = agent.overall().snapshot();
        long stateBytes = agent.streams().stream().mapToLong(StreamSession::stateBytes).max().orElse(0);
        String quality = score.matched() == 0 ? "no labeled predictions yet"
                : String.format(Locale.ROOT, "accuracy %.1f%%, false alarms %s, misses %s (%,d labeled)",
                100 * score.accuracy(), percent(score.falseAlarmRate()), percent(score.missRate()), score.matched());
        return String.format(Locale.ROOT, "%s %,d samples, %,d predictions | %s | %.1f µs/sample | %,d B/stream | %s",
                clock(), simulator.counts().samples.get(), agent.metrics().predictions.sum(), quality,
                perSample(), stateBytes, rollout.stage());
    }

    /**
     * Mean model time per sample over the last report interval, else since the start: the agent times each message
     * (reading it and running the serving and any shadow model on its samples), and a message holds
     * {@link #batch} samples.
     */
    private double perSample() {
        var recent = agent.metrics().inference.recent();
        double perMessage = recent.count() > 0 ? recent.mean() : agent.metrics().inference.total().mean();
        return perMessage / batch(settings);
    }

    /** Stops the simulator, lets the last predictions through, stops the agent and the broker, prints a summary. */
    public synchronized void stop() {
        if (stopped) {
            return;
        }
        stopped = true;
        simulator.stop();
        try {
            simulatorThread.join(10_000);
            Thread.sleep(500); // the last samples' predictions and labels
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        reporter.shutdownNow();
        rollout.stop();
        agent.stop(); // finishes the queued samples and publishes their predictions first
        String last = summaryLine();
        broker.close();
        LiveScore.Snapshot score = agent.overall().snapshot();
        out.println();
        out.println("Summary  " + last.substring(last.indexOf(']') + 2));
        out.printf(Locale.ROOT, "         %s; %s%n", simulator.summary(),
                score.matched() == 0 ? "no prediction was labeled" : "confusion [actual][predicted] "
                        + java.util.Arrays.deepToString(score.confusion()));
        out.println("Next:    ./ssm-edge run --config configs/agent.yaml   the agent on the plant's own broker (README: Agent daemon)");
        out.flush();
    }

    @Override
    public void close() {
        stop();
    }

    /** A rate as a percentage; "–" when undefined (no fault yet, so no miss rate). */
    private static String percent(double rate) {
        return Double.isNaN(rate) ? "–" : String.format(Locale.ROOT, "%.1f%%", 100 * rate);
    }

    private static String fmt(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : String.format(Locale.ROOT, "%.1f", v);
    }

    /**
     * The ts of the first sample: now at real time; with an accelerated clock (a simulated plant anyway) 16:00 UTC
     * of today, so every run sees the same plant day. The simulator's pumps follow the time of day (load and
     * ambient temperature); in the afternoon the bundled model raises about 1 % false alarms on them, in the
     * evening about 10 % and a 10 %-pruned copy drops about 1.4 points there (more than the demo's 2-point limit can
     * be shown below in a short run).
     */
    static double plantStart(DemoSettings s) {
        double now = Math.floor(Timestamps.nowMillis());
        if (s.speed() <= 1 || s.replay()) {
            return now;
        }
        return java.time.LocalDate.now(java.time.ZoneOffset.UTC).atTime(PLANT_START_HOUR_UTC, 0)
                .toInstant(java.time.ZoneOffset.UTC).toEpochMilli();
    }

    /**
     * The model's own windowing at real time (for the bundled model: 60 samples, a prediction every 8). With an
     * accelerated clock, windows that do not overlap (a prediction every 60 samples, 6 s of plant time): the agent
     * steps each model once per sample instead of 8 times, so a shared machine keeps up with speed × the samples,
     * and the rollout's evidence per sample is the same (its gate keeps only windows that share no sample anyway).
     */
    static WindowConfig window(DemoSettings s) {
        if (s.speed() <= 1 || s.replay()) {
            return WindowConfig.defaults();
        }
        io.ssmedge.model.SsmModel m = s.model().startsWith("embedded:")
                ? io.ssmedge.model.ModelLoader.loadEmbedded(s.model().substring("embedded:".length()))
                : io.ssmedge.model.ModelLoader.load(java.nio.file.Path.of(s.model()));
        int length = m.trainingWindow() > 0 ? m.trainingWindow() : 60;
        return new WindowConfig(length, length, false);
    }

    /**
     * Samples per message: one per sample at real time; when accelerated, a plant second's worth per message
     * (rate samples), so the broker carries speed × streams messages a second rather than speed × rate × streams.
     */
    static int batch(DemoSettings s) {
        return s.speed() > 1 && !s.replay() ? Math.max(1, (int) Math.round(s.rateHz())) : 1;
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException("demo: no free port on 127.0.0.1: " + e.getMessage(), e);
        }
    }

    private static boolean free(int port) {
        try (ServerSocket probe = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            return probe.isBound();
        } catch (IOException e) {
            return false;
        }
    }
}
