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
