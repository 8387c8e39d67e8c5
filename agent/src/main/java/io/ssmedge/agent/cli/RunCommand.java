package io.ssmedge.agent.cli;

import io.ssmedge.agent.config.AgentConfig;
import io.ssmedge.agent.config.ConfigLoader;
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
                "Example: ssm-edge run --config configs/agent.yaml"})
public final class RunCommand implements Callable<Integer> {
    @Option(names = "--config", required = true, paramLabel = "FILE",
            description = "the agent's YAML settings (a documented example: configs/agent.yaml)")
    Path config;

    @Option(names = "--check", description = "only read the settings and the model, report what would run, and exit")
    boolean check;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
        AgentConfig cfg = ConfigLoader.load(config);
        if (check) {
            PrintWriter out = spec.commandLine().getOut();
            Agent.preflight(cfg);
            String plan = Agent.describe(cfg);
            out.println(config + ": settings are valid");
            out.println(plan);
            out.flush();
            return 0;
        }
        Agent agent = Agent.start(cfg);
        Thread hook = new Thread(agent::stop, "ssm-edge-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        agent.awaitStopped();
        return 0;
    }
}
