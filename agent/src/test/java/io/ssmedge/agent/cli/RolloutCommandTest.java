package io.ssmedge.agent.cli;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class RolloutCommandTest {
    static final Path SKAB = Path.of("../../shared/datasets/skab");

    @Test
    void rehearsalOnSkabPrintsEachDecisionInPlainWords() {
        Path skab = Files.isDirectory(SKAB) ? SKAB : Path.of("../shared/datasets/skab");
        Assumptions.assumeTrue(Files.isDirectory(skab.resolve("valve2")),
                "SKAB recordings not found at ../shared/datasets/skab: skipping the rehearsal on real data");
        StringWriter out = new StringWriter();
        var cl = Main.commandLine();
        cl.setOut(new PrintWriter(out));
        int code = cl.execute("rollout", "--model", "embedded:s5-skab", "--replay", skab.resolve("valve2").toString(),
                "--stages", "10,30", "--loops", "2", "--label-share", "50");
        assertThat(code).isZero();
        assertThat(out.toString()).contains("Rehearsal of a last rollout at [10, 30] %").contains("STAGE STARTED")
                .contains("Final state:").contains("labels on 50 % of windows");
    }

    @Test
    void badStagesAreRefusedWithTheKey() {
        StringWriter err = new StringWriter();
        var cl = Main.commandLine();
        cl.setErr(new PrintWriter(err));
        int code = cl.execute("rollout", "--model", "embedded:s5-skab", "--replay", "nowhere.csv", "--stages", "30,10");
        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).startsWith("error: ").contains("ratios");
    }
}
