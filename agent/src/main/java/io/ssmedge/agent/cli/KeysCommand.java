package io.ssmedge.agent.cli;

import io.ssmedge.agent.control.Operator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "keys", mixinStandardHelpOptions = true,
        description = {"Signing keys for remote configuration (see README, Remote control).",
                "Example: ssm-edge keys generate --out keys/"},
        subcommands = {KeysCommand.Generate.class, KeysCommand.Trust.class})
public final class KeysCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "generate", mixinStandardHelpOptions = true,
            description = {"Makes a new Ed25519 signing key: NAME.key (private: keep it on the operator's machine only)",
                    "and NAME.pub (public). Also writes trusted-keys.json (this key, 1 signature needed) when the",
                    "folder has none: install that file on the gateways (control.trusted_keys).",
                    "Example: ssm-edge keys generate --out keys/"})
    static final class Generate implements Callable<Integer> {
        @Option(names = "--out", required = true, paramLabel = "DIR", description = "folder for the key files")
        Path out;

        @Option(names = "--name", defaultValue = "signing", paramLabel = "NAME",
                description = "file name of the key (default: ${DEFAULT-VALUE})")
        String name;

        @picocli.CommandLine.Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            Operator.KeyFiles k = Operator.generate(out, name);
            PrintWriter w = spec.commandLine().getOut();
            w.printf("Key %s%n  private %s  (keep secret; signs configurations and commands)%n  public  %s%n",
                    k.keyId(), k.privateKey(), k.publicKey());
            Path trusted = out.resolve("trusted-keys.json");
            if (!Files.exists(trusted)) {
                Files.write(trusted, Operator.trustedKeys(List.of(k.publicKey()), 1, 1));
                w.printf("Trusted keys file %s (this key; 1 signature needed)%n"
                        + "  install it on each gateway and name it in agent.yaml: control.trusted_keys%n", trusted);
            }
            w.flush();
            return 0;
        }
    }

    @Command(name = "trust", mixinStandardHelpOptions = true,
            description = {"Writes a trusted keys document listing public keys (to move gateways to new keys).",
                    "Sign it with the key(s) the gateways trust now, then push it: the old keys stop working.",
                    "Example: ssm-edge keys trust --version 2 --out keys-v2.json keys/new.pub",
                    "         ssm-edge config sign keys-v2.json --key keys/signing.key",
                    "         ssm-edge config push --broker tcp://broker:1883 --group line3 keys-v2.signed.json"})
    static final class Trust implements Callable<Integer> {
        @Parameters(paramLabel = "PUBLIC_KEY", arity = "1..*", description = "public key files (.pub)")
        List<Path> keys;

        @Option(names = "--version", required = true, paramLabel = "N",
                description = "version of this key set: higher than the one the gateways have")
        long version;

        @Option(names = "--threshold", defaultValue = "1", paramLabel = "N",
                description = "signatures needed on every document (default: ${DEFAULT-VALUE})")
        int threshold;

        @Option(names = "--out", required = true, paramLabel = "FILE", description = "the document to write")
        Path out;

        @picocli.CommandLine.Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            Files.write(out, Operator.trustedKeys(keys, threshold, version));
            spec.commandLine().getOut().printf("Wrote %s: %d key%s, %d signature%s needed, version %d%n", out,
                    keys.size(), keys.size() == 1 ? "" : "s", threshold, threshold == 1 ? "" : "s", version);
            spec.commandLine().getOut().flush();
            return 0;
        }
    }
}
