package io.ssmedge.agent.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ssmedge.agent.control.ControlTopics;
import io.ssmedge.agent.control.ModelStore;
import io.ssmedge.agent.control.Operator;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "config", mixinStandardHelpOptions = true,
        description = {"Signed remote configuration of gateways (see README, Remote control).",
                "Example: ssm-edge config sign line3.json --key keys/signing.key",
                "         ssm-edge config push --broker tcp://broker:1883 --group line3 line3.signed.json"},
        subcommands = {ConfigCommand.Sign.class, ConfigCommand.Push.class, ConfigCommand.ModelHash.class,
                ConfigCommand.PublishModel.class})
public final class ConfigCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    static byte[] read(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException(file + ": cannot read: " + e.getMessage(), e);
        }
    }

    /** --agent ID or --group NAME. */
    static final class Target {
        @Option(names = "--agent", required = true, paramLabel = "CLIENT_ID", description = "one gateway (its mqtt.client_id)")
        String agent;

        @Option(names = "--group", required = true, paramLabel = "NAME", description = "every gateway of a group")
        String group;

        String topic(String kind) {
            return agent != null ? ControlTopics.agentTopic(agent, kind) : ControlTopics.groupTopic(group, kind);
        }

        String describe() {
            return agent != null ? "gateway " + agent : "group " + group;
        }

        boolean matches(JsonNode docTarget) {
            return agent != null ? agent.equals(docTarget.path("agent").asText(null))
                    : group.equals(docTarget.path("group").asText(null));
        }
    }

    @Command(name = "sign", mixinStandardHelpOptions = true,
            description = {"Checks a configuration (or command, or trusted keys) document and signs it.",
                    "Adds issued_at (now) and expires_at (now + --valid-for) when the file lacks them.",
                    "Writes FILE.signed.json beside it (or --out).",
                    "Example: ssm-edge config sign line3.json --key keys/signing.key"})
    static final class Sign implements Callable<Integer> {
        @Parameters(paramLabel = "FILE", description = "the document (JSON)")
        Path file;

        @Option(names = "--key", required = true, paramLabel = "KEY",
                description = "private key file (KEY.pub must lie beside it); repeat for several signatures")
        List<Path> keys;

        @Option(names = "--valid-for", defaultValue = "7", paramLabel = "DAYS",
                description = "days until a configuration expires, when it has no expires_at (default: ${DEFAULT-VALUE})")
        int validDays;

        @Option(names = "--out", paramLabel = "FILE", description = "where to write the signed document")
        Path out;

        @picocli.CommandLine.Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            byte[] doc = read(file);
            Operator.Signed s;
            try {
                s = Operator.sign(doc, keys, Duration.ofDays(validDays), Instant.now());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
            }
            Path target = out != null ? out : file.resolveSibling(file.getFileName().toString()
                    .replaceFirst("\\.json$", "") + ".signed.json");
            Files.write(target, s.envelope());
            PrintWriter w = spec.commandLine().getOut();
            w.printf("Signed %s %s%s for %s with key%s %s%n  -> %s%n", s.kind(), file,
                    s.version() >= 0 ? " (version " + s.version() + ")" : "", s.target(), s.keyIds().size() == 1 ? "" : "s",
                    String.join(", ", s.keyIds()), target);
            w.flush();
            return 0;
        }
    }

    @Command(name = "push", mixinStandardHelpOptions = true,
            description = {"Publishes a signed document to a gateway or group (retained: gateways that are offline get",
                    "it when they connect) and prints each gateway's answer: applied, or rejected with the reason.",
                    "Exit code 0 when every answer is 'applied', 1 when a gateway rejected it or none answered.",
                    "Example: ssm-edge config push --broker tcp://broker:1883 --agent gw-1 line3.signed.json"})
    static final class Push implements Callable<Integer> {
        @Mixin
        OperatorBrokerMixin broker;

        @ArgGroup(exclusive = true, multiplicity = "1")
        Target target;

        @Parameters(paramLabel = "FILE", description = "the signed document (from 'ssm-edge config sign')")
        Path file;

        @Option(names = "--expect", defaultValue = "0", paramLabel = "N",
                description = "for a group: stop waiting after N answers (default: wait --wait seconds)")
        int expect;

        @picocli.CommandLine.Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            byte[] envelope = read(file);
            ObjectNode doc = Operator.peek(envelope);
            String kind = doc.path("kind").asText("");
            String topicKind = switch (kind) {
                case "config" -> ControlTopics.CONFIG;
                case "trusted-keys" -> ControlTopics.KEYS;
                case "command" -> throw new IllegalArgumentException(file + ": a command; send commands with "
                        + "'ssm-edge command'");
                default -> throw new IllegalArgumentException(file + ": not a signed configuration or key set");
            };
            if (kind.equals("config") && !target.matches(doc.path("target"))) {
                throw new IllegalArgumentException(file + ": the document's target is " + doc.path("target")
                        + ", not " + target.describe() + " (the gateways would reject it)");
            }
            long version = doc.path("version").asLong(-1);
            PrintWriter w = spec.commandLine().getOut();
            Duration wait = Duration.ofSeconds(broker.options.waitSeconds);
            int answers = 0;
            int rejected = 0;
            Map<String, String> seen = new LinkedHashMap<>();
            try (OperatorBroker b = new OperatorBroker(broker.options, ControlTopics.allAcks(topicKind))) {
                String topic = target.topic(topicKind);
                b.publish(topic, envelope, true);
                w.printf("Published %s version %d to %s (retained); waiting up to %d s for answers…%n", kind, version,
                        topic, wait.toSeconds());
                w.flush();
                Instant deadline = Instant.now().plus(wait);
                while (true) {
                    OperatorBroker.Received r = b.next(Duration.between(Instant.now(), deadline));
                    if (r == null) {
                        break;
                    }
                    if (r.json().path("version").asLong(-2) != version) {
                        continue; // an answer to another document
                    }
                    String gw = r.json().path("client_id").asText("?");
                    if (seen.containsKey(gw) || target.agent != null && !target.agent.equals(gw)) {
                        continue;
                    }
                    String status = r.json().path("status").asText();
                    if ("pending".equals(status)) {
                        w.printf("  %-24s %s%n", gw, r.json().path("reason").asText());
                        w.flush();
                        continue; // the final answer follows when the model is complete
                    }
                    String line = "applied".equals(status) ? "applied at " + r.json().path("applied_at").asText()
                            : "REJECTED (" + r.json().path("code").asText() + "): " + r.json().path("reason").asText();
                    seen.put(gw, line);
                    answers++;
                    if (!"applied".equals(status)) {
                        rejected++;
                    }
                    w.printf("  %-24s %s%n", gw, line);
                    w.flush();
                    if (target.agent != null || expect > 0 && answers >= expect) {
                        break;
                    }
                }
            }
            if (answers == 0) {
                w.printf("No answer within %d s. The gateway may be offline (it takes the retained document when it "
                        + "connects), or it already has this exact document (then it does not answer again).%n",
                        wait.toSeconds());
            } else {
                w.printf("%d answer%s: %d applied, %d rejected%n", answers, answers == 1 ? "" : "s", answers - rejected,
                        rejected);
            }
            w.flush();
            return answers > 0 && rejected == 0 ? 0 : 1;
        }
    }

    @Command(name = "model-hash", mixinStandardHelpOptions = true,
            description = {"Prints the SHA-256 of a model folder, for settings.model.sha256 in a configuration.",
                    "Example: ssm-edge config model-hash models/pump-30"})
    static final class ModelHash implements Callable<Integer> {
        @Parameters(paramLabel = "FOLDER", description = "the model folder (config.json, model.safetensors, …)")
        Path folder;

        @picocli.CommandLine.Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            String h;
            try {
                h = ModelStore.folderHash(folder);
            } catch (java.io.IOException e) {
                throw new IllegalArgumentException(folder + ": " + e.getMessage(), e);
            }
            spec.commandLine().getOut().println(h);
            spec.commandLine().getOut().flush();
            return 0;
        }
    }

    @Command(name = "publish-model", mixinStandardHelpOptions = true,
            description = {"Publishes a model folder in chunks (retained) for gateways that cannot be reached otherwise;",
                    "a configuration then names it by topic and SHA-256, and each gateway fetches and checks it.",
                    "Example: ssm-edge config publish-model --broker tcp://broker:1883 models/pump-30"})
    static final class PublishModel implements Callable<Integer> {
        @Mixin
        OperatorBrokerMixin broker;

        @Parameters(paramLabel = "FOLDER", description = "the model folder")
        Path folder;

        @Option(names = "--topic", paramLabel = "TOPIC",
                description = "where to publish (default: ssm-edge/models/SHA256)")
        String topic;

        @Option(names = "--chunk-kb", defaultValue = "256", paramLabel = "KB",
                description = "chunk size in KiB (default: ${DEFAULT-VALUE}); must fit the broker's message limit")
        int chunkKb;

        @picocli.CommandLine.Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            String sha;
            List<io.ssmedge.agent.control.ModelChunks.Part> parts;
            try {
                sha = ModelStore.folderHash(folder);
                parts = io.ssmedge.agent.control.ModelChunks.split(folder, chunkKb * 1024);
            } catch (java.io.IOException e) {
                throw new IllegalArgumentException(folder + ": " + e.getMessage(), e);
            }
            String t = topic != null ? topic : "ssm-edge/models/" + sha;
            try (OperatorBroker b = new OperatorBroker(broker.options, t + "/none")) {
                for (var p : parts) {
                    b.publish(t + "/" + p.subTopic(), p.payload(), true);
                }
            }
            PrintWriter w = spec.commandLine().getOut();
            w.printf("Published %s as %d retained messages on %s/…%n", folder, parts.size(), t);
            w.printf("Name it in a configuration:  \"model\": {\"topic\": \"%s\", \"sha256\": \"%s\"}%n", t, sha);
            w.flush();
            return 0;
        }
    }

    /** Picocli mixin wrapper around {@link OperatorBroker.Options}. */
    static final class OperatorBrokerMixin {
        @ArgGroup(exclusive = false, multiplicity = "1")
        OperatorBroker.Options options;
    }
}
