package io.ssmedge.agent.config;

import io.ssmedge.agent.daemon.Agent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** data_dir is the one folder setting: rollout, control and broker live under it unless an old key overrides. */
class DataFolderTest {
    @TempDir
    Path dir;

    private AgentConfig load(String yaml) throws Exception {
        Path f = dir.resolve("agent.yaml");
        Files.writeString(f, yaml);
        return ConfigLoader.load(f);
    }

    @Test
    void everyPartLivesUnderDataDir() throws Exception {
        AgentConfig c = load("data_dir: state\nrollout:\n  enabled: true\n");
        Path data = dir.resolve("state").toAbsolutePath().normalize();
        assertThat(c.dataDir()).isEqualTo(data); // relative to the config file
        assertThat(c.rollout().dataDir()).isEqualTo(data); // the engine keeps data_dir/rollout
        assertThat(c.control().dataDir()).isEqualTo(data); // it keeps data_dir/control and data_dir/models
        assertThat(c.broker().dataDir()).isEqualTo(data.resolve("broker"));
        assertThat(c.withDataFolders()).isEqualTo(c); // idempotent
    }

    @Test
    void theOldKeysStillOverrideTheirFolder() throws Exception {
        AgentConfig c = load("data_dir: /srv/ssm\nrollout:\n  data_dir: old-rollout\ncontrol:\n  data_dir: /var/lib/old\n"
                + "broker:\n  data_dir: sessions\n");
        assertThat(c.dataDir()).isEqualTo(Path.of("/srv/ssm"));
        assertThat(c.rollout().dataDir()).isEqualTo(dir.resolve("old-rollout").toAbsolutePath().normalize());
        assertThat(c.control().dataDir()).isEqualTo(Path.of("/var/lib/old"));
        assertThat(c.broker().dataDir()).isEqualTo(dir.resolve("sessions").toAbsolutePath().normalize());
    }

    @Test
    void withoutDataDirThePartsKeepTheirOldPlaces() throws Exception {
        AgentConfig c = load("workers:\n  threads: 1\n");
        assertThat(c.dataDir()).isNull();
        assertThat(c.rollout().dataDir()).isEqualTo(dir.resolve("data").toAbsolutePath().normalize());
        assertThat(c.control().dataDir()).isEqualTo(Path.of("/var/lib/ssm-edge"));
        assertThat(c.broker().dataDir()).isNull(); // in memory
        // built in code (the demo, tests): the same rules
        AgentConfig built = AgentConfig.defaults().withDurability(dir, Durability.PROCESSED).withDataFolders();
        assertThat(built.rollout().dataDir()).isEqualTo(dir);
        assertThat(built.control().dataDir()).isEqualTo(dir);
        assertThat(built.broker().dataDir()).isEqualTo(dir.resolve("broker"));
    }

    @Test
    void runCheckNamesTheFoldersAndRefusesOneItCannotWrite() throws Exception {
        AgentConfig c = load("data_dir: state\ndurability: processed\nrollout:\n  enabled: true\n");
        assertThat(Agent.describe(c)).contains("rollout in " + c.dataDir().resolve("rollout"))
                .containsPattern("streams   at most 10000 \\(workers.max_streams\\); the heap \\(at most \\d+ MB, old "
                        + "generation \\d+ MB\\) holds about [\\d,]+ streams of 9.5 KB each");
        Agent.preflight(c);
        Path file = dir.resolve("a-file");
        Files.writeString(file, "not a folder");
        AgentConfig bad = load("data_dir: a-file/inside\ndurability: processed\nrollout:\n  enabled: true\n");
        assertThatThrownBy(() -> Agent.preflight(bad)).hasMessageContaining("data_dir")
                .hasMessageContaining("rollout");
    }
}
