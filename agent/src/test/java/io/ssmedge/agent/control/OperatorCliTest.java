package io.ssmedge.agent.control;

import io.ssmedge.agent.cli.Main;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The operator commands that need no broker: keys, signing (and its checks), model hash. */
class OperatorCliTest {
    record Run(int exit, String out, String err) {
    }

    static Run cli(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        return new Run(cl.execute(args), out.toString(), err.toString());
    }

    @Test
    void keysSignAndRotationDocuments(@TempDir Path tmp) throws Exception {
        Run gen = cli("keys", "generate", "--out", tmp.resolve("keys").toString());
        assertThat(gen.exit()).as(gen.err()).isZero();
        Path key = tmp.resolve("keys/signing.key");
        assertThat(Files.getPosixFilePermissions(key)).isEqualTo(java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        TrustedKeys trusted = RemoteControl.readLocalKeys(tmp.resolve("keys/trusted-keys.json"));
        assertThat(trusted.keys()).containsKey(gen.out().substring(4, 20));
        assertThat(cli("keys", "generate", "--out", tmp.resolve("keys").toString()).err()).contains("exists already");

        Path doc = tmp.resolve("c.json");
        Files.writeString(doc, "{\"kind\": \"config\", \"version\": 4, \"target\": {\"agent\": \"gw-1\"}, "
                + "\"settings\": {\"model\": {\"window\": {\"stride\": 4}}}}");
        Run sign = cli("config", "sign", doc.toString(), "--key", key.toString());
        assertThat(sign.exit()).as(sign.err()).isZero();
        assertThat(sign.out()).contains("(version 4) for gateway gw-1");
        Envelope e = Envelope.parse(Files.readAllBytes(tmp.resolve("c.signed.json")));
        assertThat(trusted.verify(e)).hasSize(1);
        assertThat(new String(e.payload(), java.nio.charset.StandardCharsets.UTF_8)).contains("issued_at")
                .contains("expires_at");

        Files.writeString(doc, "{\"kind\": \"config\", \"version\": 4.5, \"target\": {\"agent\": \"gw-1\"}, \"settings\": {}}");
        Run bad = cli("config", "sign", doc.toString(), "--key", key.toString());
        assertThat(bad.exit()).isEqualTo(2);
        assertThat(bad.err()).contains("c.json: version: expected a whole number");
        Files.writeString(doc, "{\"kind\": \"config\", \"version\": 4, \"version\": 5}");
        assertThat(cli("config", "sign", doc.toString(), "--key", key.toString()).err()).contains("Duplicate field 'version'");

        Run next = cli("keys", "generate", "--out", tmp.resolve("next").toString(), "--name", "signing");
        assertThat(next.exit()).isZero();
        Path rot = tmp.resolve("keys-v2.json");
        Run trust = cli("keys", "trust", "--version", "2", "--out", rot.toString(), tmp.resolve("next/signing.pub").toString());
        assertThat(trust.exit()).as(trust.err()).isZero();
        Run signRot = cli("config", "sign", rot.toString(), "--key", key.toString());
        assertThat(signRot.exit()).as(signRot.err()).isZero();
        assertThat(signRot.out()).contains("Signed trusted-keys").contains("(version 2)");

        Run hash = cli("config", "model-hash", ControlFixture.modelFolder(tmp.resolve("m")).toString());
        assertThat(hash.out().trim()).isEqualTo(ModelStore.folderHash(tmp.resolve("m")));
    }
}
