package io.ssmedge.agent.cli;

import io.ssmedge.agent.command.CommandName;
import io.ssmedge.agent.control.ControlTopics;
import io.ssmedge.agent.control.Operator;
import io.ssmedge.agent.control.Target;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "command", mixinStandardHelpOptions = true,
        description = {"Sends a signed command to a gateway or group and prints each gateway's answer.",
                "Commands: pause, resume, rollback, retry-stage, rerun-gates, reload-model, reset-stream (--arg stream=ID).",
                "Example: ssm-edge command --broker tcp://broker:1883 --agent gw-1 --key keys/signing.key pause"})
public final class CommandCommand implements Callable<Integer> {
    @Mixin
    ConfigCommand.OperatorBrokerMixin broker;

    @ArgGroup(exclusive = true, multiplicity = "1")
    ConfigCommand.Target target;

    @Option(names = "--key", required = true, paramLabel = "KEY",
            description = "private key file (KEY.pub beside it); repeat when several signatures are needed")
    List<Path> keys;

    @Option(names = "--arg", paramLabel = "NAME=VALUE", description = "an argument, e.g. --arg stream=pump7")
    Map<String, String> args = new LinkedHashMap<>();

    @Parameters(paramLabel = "COMMAND", description = "what to do (see above)")
    String name;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        CommandName c = CommandName.parse(name).orElseThrow(() -> new IllegalArgumentException("no command '" + name
                + "'; commands: " + String.join(", ", Arrays.stream(CommandName.values()).map(CommandName::wire).toList())));
        Target t = target.agent != null ? Target.agent(target.agent) : Target.ofGroup(target.group);
        byte[] doc = Operator.command(c, args, t, Instant.now());
        String nonce = Operator.readJson(doc).path("nonce").asText();
        Operator.Signed s = Operator.sign(doc, keys, Duration.ZERO, Instant.now());
        PrintWriter w = spec.commandLine().getOut();
        Duration wait = Duration.ofSeconds(broker.options.waitSeconds);
        int answers = 0;
        int refused = 0;
        try (OperatorBroker b = new OperatorBroker(broker.options, ControlTopics.allAcks(ControlTopics.COMMANDS))) {
            b.publish(target.topic(ControlTopics.COMMANDS), s.envelope(), false);
            w.printf("Sent '%s' to %s; waiting up to %d s for answers…%n", c.wire(), target.describe(), wait.toSeconds());
            w.flush();
            Instant deadline = Instant.now().plus(wait);
            while (true) {
                OperatorBroker.Received r = b.next(Duration.between(Instant.now(), deadline));
                if (r == null) {
                    break;
                }
                if (!nonce.equals(r.json().path("nonce").asText(null))) {
                    continue; // an answer to another command
                }
                String gw = r.json().path("client_id").asText("?");
                if (target.agent != null && !target.agent.equals(gw)) {
                    continue;
                }
                answers++;
                boolean ok = "accepted".equals(r.json().path("status").asText());
                refused += ok ? 0 : 1;
                w.printf("  %-24s %s: %s%n", gw, ok ? "done" : "REFUSED", r.json().path("reason").asText());
                w.flush();
                if (target.agent != null) {
                    break;
                }
            }
        }
        if (answers == 0) {
            w.printf("No answer within %d s (is the gateway online and control.enabled?)%n", wait.toSeconds());
        }
        w.flush();
        return answers > 0 && refused == 0 ? 0 : 1;
    }
}
