package io.ssmedge.agent.cli;

import io.ssmedge.SsmEdgeException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.PrintWriter;
import java.io.UncheckedIOException;

/** The {@code ssm-edge} command line. */
@Command(name = "ssm-edge",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = {
                "Runs deep state space models (S5, S4D) on sensor streams and prunes their states with LAST.",
                "",
                "A MODEL is a folder with config.json and model.safetensors, or one of the bundled pump",
                "anomaly detectors: embedded:s5-skab, embedded:s4d-skab.",
                "Start with: ssm-edge demo"},
        subcommands = {DemoCommand.class, InfoCommand.class, EvalCommand.class, PruneCommand.class, SweepCommand.class,
                ReportCommand.class, TrainCommand.class, RunCommand.class, SimulateCommand.class, LoadgenCommand.class,
                RolloutCommand.class, KeysCommand.class, ConfigCommand.class, CommandCommand.class,
                CommandLine.HelpCommand.class})
public final class Main implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Builds the command line with ssm-edge's error handling (used by main and by tests). */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Main());
        cl.setExecutionExceptionHandler(Main::handle);
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        cl.setUsageHelpWidth(110);
        return cl;
    }

    /** Expected failures (bad model, bad data, bad arguments) print one clear line instead of a stack trace. */
    private static int handle(Exception e, CommandLine cl, CommandLine.ParseResult parsed) {
        PrintWriter err = cl.getErr();
        if (e instanceof SsmEdgeException || e instanceof IllegalArgumentException || e instanceof UncheckedIOException) {
            err.println("error: " + e.getMessage());
            err.flush();
            return 2;
        }
        err.println("error: unexpected failure: " + e);
        for (StackTraceElement el : e.getStackTrace()) {
            err.println("    at " + el);
        }
        err.flush();
        return 3;
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** Version from the jar manifest. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[]{"ssm-edge " + (v == null ? "(development build)" : v),
                    "Java " + System.getProperty("java.version") + " on " + System.getProperty("os.name") + " "
                            + System.getProperty("os.arch")};
        }
    }
}
