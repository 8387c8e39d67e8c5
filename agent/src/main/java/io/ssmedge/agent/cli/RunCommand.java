package io.ssmedge.agent.cli;

import io.ssmedge.agent.broker.BrokerSettings;
import io.ssmedge.agent.broker.EmbeddedBroker;
import io.ssmedge.agent.config.AgentConfig;
import io.ssmedge.agent.config.BrokerMode;
import io.ssmedge.agent.config.ConfigLoader;
import io.ssmedge.agent.control.AgentSupervisor;
import io.ssmedge.agent.control.RemoteControl;
import io.ssmedge.agent.daemon.Agent;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;

@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Runs the gateway daemon: MQTT sensor streams in, predictions out.",
                "Reads sensor samples from an MQTT broker, runs the model on every stream and publishes predictions,",
                "until stopped (Ctrl-C or SIGTERM: queued samples are finished and their predictions published",
                "before it disconnects).",
                "Without a broker of your own, --embedded-broker runs one inside the agent (on 127.0.0.1 unless",
                "section broker of the config says otherwise); sensors then publish to this machine's port.",
                "Examples: ssm-edge run --config configs/agent.yaml",
                "          ssm-edge run --config configs/agent.yaml --embedded-broker 1883"})
public final class RunCommand implements Callable<Integer> {
    @Option(names = "--config", paramLabel = "FILE",
            description = "the agent's YAML settings (a documented example: configs/agent.yaml); "
                    + "may be left out with --embedded-broker (then every setting has its default)")
    Path config;

    @Option(names = "--embedded-broker", arity = "0..1", fallbackValue = "0", paramLabel = "PORT",
            description = "run an MQTT broker (MQTT 5 and 3.1.1) inside the agent and connect to it; PORT replaces "
                    + "mqtt.port (default: mqtt.port of the config, 1883). Same as broker.mode: embedded")
    Integer embeddedBroker;

    @Option(names = "--check", description = "only read the settings and the model, report what would run, and exit")
    boolean check;

    @Option(names = "--load-test-shadow", hidden = true,
            description = "load tests only (bench/agent/loadtest.sh --shadow): run a model of the serving model's size "
                    + "in shadow on every stream from the start (its predictions are computed, not published)")
    boolean loadTestShadow;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
        if (config == null && embeddedBroker == null) {
            throw new IllegalArgumentException("--config FILE is needed (a documented example: configs/agent.yaml), "
                    + "or --embedded-broker to try the agent with every setting at its default");
        }
        AgentConfig cfg = config == null ? AgentConfig.defaults() : ConfigLoader.load(config);
        if (embeddedBroker != null) {
            if (embeddedBroker < 0 || embeddedBroker > 65535) {
                throw new IllegalArgumentException("--embedded-broker: expected a port 1..65535, got " + embeddedBroker);
            }
            if (embeddedBroker > 0) {
                cfg = cfg.withMqtt(cfg.mqtt().withPort(embeddedBroker));
            }
            cfg = cfg.withBroker(cfg.broker().withMode(BrokerMode.EMBEDDED));
        }
        if (check) {
            PrintWriter out = spec.commandLine().getOut();
            Agent.preflight(cfg);
            out.println((config == null ? "default settings" : config) + ": settings are valid");
            out.println(Agent.describe(cfg));
            if (cfg.broker().embedded()) {
                out.println("embedded  MQTT broker on " + cfg.broker().bind() + ":" + cfg.mqtt().port()
                        + (cfg.broker().tls() ? " (TLS)" : "") + (cfg.broker().usersFile() == null ? ", anonymous"
                        : ", accounts from " + cfg.broker().usersFile()));
            }
            out.flush();
            return 0;
        }
        cfg = cfg.withDataFolders(); // the broker's, control's and rollout's folders under data_dir
        // the embedded broker's classes are only loaded here, when it is asked for
        EmbeddedBroker broker = cfg.broker().embedded() ? EmbeddedBroker.start(BrokerSettings.forAgent(cfg)) : null;
        try {
            if (cfg.control().enabled()) {
                return runRemotelyControlled(cfg);
            }
            Agent agent = Agent.start(cfg);
            if (loadTestShadow) {
                startEqualShadow(agent);
            }
            Thread hook = new Thread(agent::stop, "ssm-edge-shutdown");
            Runtime.getRuntime().addShutdownHook(hook);
            agent.awaitStopped();
        } finally {
            if (broker != null) {
                broker.close();
            }
        }
        return 0;
    }

    /**
     * A shadow as costly as the serving model: the serving model with the LAST plan for 30 % masked (same size and
     * compute, units zeroed), as bench ShadowOverhead's "equal" case.
     */
    private static void startEqualShadow(Agent agent) {
        io.ssmedge.agent.deploy.ModelVersion serving = agent.deployments().serving();
        io.ssmedge.model.SsmModel m = serving.model();
        io.ssmedge.pruning.PruningPlan plan = io.ssmedge.pruning.Pruner.plan(m, io.ssmedge.pruning.PruningMethod.LAST,
                30);
        agent.deployments().startShadow(new io.ssmedge.agent.deploy.ModelVersion(m.masked(plan.kept()),
                "sha256:load-test-shadow", 0, "masked", null), 1.0);
    }

    /** With {@code control.enabled}: signed configurations and commands over MQTT may change what runs. */
    private int runRemotelyControlled(AgentConfig local) throws InterruptedException {
        RemoteControl control = RemoteControl.open(config, local);
        AgentSupervisor supervisor = new AgentSupervisor(control::register);
        supervisor.start(control.startupConfig());
        control.attach(supervisor);
        control.connect(local);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            control.close();
            supervisor.stop();
        }, "ssm-edge-shutdown"));
        supervisor.awaitStopped();
        return 0;
    }
}
