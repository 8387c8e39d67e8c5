package io.ssmedge.agent.rollout;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ssmedge.agent.command.Command;
import io.ssmedge.agent.command.CommandDispatcher;
import io.ssmedge.agent.command.CommandName;
import io.ssmedge.agent.command.CommandResult;
import io.ssmedge.agent.config.RolloutConfig;
import io.ssmedge.agent.deploy.DeploymentManager;
import io.ssmedge.agent.deploy.ModelVersion;
import io.ssmedge.agent.deploy.PairedWindow;
import io.ssmedge.agent.rollout.store.CrashHook;
import io.ssmedge.data.WindowSet;
import io.ssmedge.inference.WindowSpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

/**
 * The rollout inside the daemon: drives the agent's {@link DeploymentManager} from a {@link RolloutEngine}.
 * Paired windows arrive on worker threads and are handed to one "rollout" thread (the engine may prune and run
 * the calibration gate, which must never stall a worker); the same thread ticks the engine every second and
 * runs the operator commands, so the engine sees one ordered sequence of inputs. On each tick it also hands the
 * engine the blocks of raw samples the workers accumulated ({@link DeploymentManager#drainInputs}) for the input
 * drift check, the same blocks and decision as in the rehearsal.
 */
public final class RolloutDriver implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RolloutDriver.class);
    private final DeploymentManager deployments;
    private final ModelVersion configured;
    private final RolloutEngine engine;
    private final ScheduledExecutorService thread;
    private final Map<String, ModelVersion> versions = new ConcurrentHashMap<>();
    private final BiConsumer<String, byte[]> publishEvent;
    private final BiConsumer<String, byte[]> publishState;

    /**
     * @param publishEvent receives (kind, JSON) of every event ({@code ssm-edge/{client_id}/rollout/events})
     * @param publishState receives (kind, JSON) of the current state, retained ({@code ssm-edge/{client_id}/rollout})
     */
    public RolloutDriver(RolloutConfig cfg, DeploymentManager deployments, WindowSpec window, Clock clock,
                         BiConsumer<String, byte[]> publishEvent, BiConsumer<String, byte[]> publishState) {
        this.deployments = deployments;
        this.configured = deployments.serving();
        this.publishEvent = publishEvent;
        this.publishState = publishState;
        WindowSet cal = cfg.calibration() == null ? null : CalibrationGate.load(cfg.calibration(), configured.model());
        this.engine = new RolloutEngine(cfg, configured.model(), window, new Port(), clock, cal,
                new RolloutEngine.Options(CrashHook.NONE, true, true));
        this.thread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "rollout");
            t.setDaemon(true);
            return t;
        });
        engine.addEventListener(e -> {
            publishEvent.accept("event", e.toString().getBytes(StandardCharsets.UTF_8));
            publishState();
        });
    }

    /** Resumes or starts the rollout (before the workers take traffic), then ticks it every second. */
    public void start() {
        engine.start();
        publishState();
        deployments.addListener(this::onPair);
        thread.scheduleWithFixedDelay(this::tick, 1, 1, TimeUnit.SECONDS);
    }

    /** Registers pause, resume, rollback, retry-stage (arg {@code ratio}) and rerun-gates. */
    public void register(CommandDispatcher commands) {
        commands.register(CommandName.PAUSE, c -> run(c, () -> engine.pause(c.source())));
        commands.register(CommandName.RESUME, c -> run(c, () -> engine.resume(c.source())));
        commands.register(CommandName.ROLLBACK, c -> run(c, () -> engine.rollback(c.source())));
        commands.register(CommandName.RERUN_GATES, c -> run(c, () -> engine.rerunGates(c.source())));
        commands.register(CommandName.RETRY_STAGE, c -> {
            String r = c.args().get("ratio");
            Integer ratio;
            try {
                ratio = r == null ? null : Integer.valueOf(r.trim().replace("%", ""));
            } catch (NumberFormatException e) {
                return CommandResult.rejected("retry-stage: ratio must be a whole percentage, got '" + r + "'");
            }
            return run(c, () -> engine.retryStage(ratio, c.source()));
        });
    }

    private CommandResult run(Command c, java.util.concurrent.Callable<CommandResult> action) {
        try {
            CommandResult r = thread.submit(action).get(60, TimeUnit.SECONDS);
            publishState();
            return r;
        } catch (Exception e) {
            LOG.warn("rollout command {} failed: {}", c.name(), e.toString());
            return CommandResult.rejected("the rollout could not carry out " + c.name() + ": " + e.getMessage());
        }
    }

    private void onPair(PairedWindow w) {
        int servingRatio = percent(w.serving());
        int shadowRatio = percent(w.shadow());
        thread.execute(() -> {
            try {
                engine.onPair(w.stream(), servingRatio, w.servingClass(), shadowRatio, w.shadowClass(), w.label());
            } catch (RuntimeException e) {
                LOG.error("rollout could not take a paired window: {}", e.toString());
            }
        });
    }

    private void tick() {
        try {
            deployments.drainInputs(engine::onInputs); // the workers' raw-input blocks: drift check
            engine.tick();
        } catch (RuntimeException e) {
            LOG.error("rollout tick failed: {}", e.toString());
        }
    }

    private static int percent(ModelVersion v) {
        return (int) Math.round(v.ratio() * 100);
    }

    /** The /api/status "rollout" object; the original's and serving model's versions are the deployment's. */
    public ObjectNode status() {
        ObjectNode s = engine.status();
        if (s.has("original")) {
            ((ObjectNode) s.get("original")).put("model_version", configured.version());
        }
        if (s.has("serving") && s.get("serving").get("ratio").asInt() == 0) {
            ((ObjectNode) s.get("serving")).put("model_version", configured.version());
        }
        return s;
    }

    public RolloutEngine engine() {
        return engine;
    }

    /** Publishes the current state (retained); also called when the agent's MQTT connection comes (back) up. */
    public void publishState() {
        try {
            publishState.accept("state", status().toString().getBytes(StandardCharsets.UTF_8));
        } catch (RuntimeException e) {
            LOG.warn("rollout state not published: {}", e.getMessage());
        }
    }

    @Override
    public void close() {
        thread.shutdownNow();
    }

    /** The engine's switches, carried out on the deployment. */
    private final class Port implements DeploymentPort {
        private ModelVersion version(StageModel m) {
            if (m.original()) {
                return configured;
            }
            return versions.computeIfAbsent(m.version(), v -> new ModelVersion(m.model(), m.version(), m.ratio() / 100.0,
                    m.method().key(), m.keptPerLayer()));
        }

        @Override
        public void startShadow(StageModel candidate, double streamShare) {
            deployments.startShadow(version(candidate), streamShare);
        }

        @Override
        public void stopShadow() {
            deployments.stopShadow();
        }

        @Override
        public void promote() {
            deployments.promote();
        }

        @Override
        public void rollback() {
            deployments.rollback();
        }

        @Override
        public void replaceServing(StageModel target) {
            deployments.replaceServing(version(target));
        }

        @Override
        public int rewarmSamples() {
            return deployments.rewarmSamples();
        }
    }
}
