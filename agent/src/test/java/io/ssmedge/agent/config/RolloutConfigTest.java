package io.ssmedge.agent.config;

import io.ssmedge.pruning.PruningMethod;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class RolloutConfigTest {
    @Test
    void exampleConfigHasTheDocumentedDefaults() {
        AgentConfig c = ConfigLoader.load(Path.of("../configs/agent.yaml"));
        RolloutConfig r = c.rollout();
        assertThat(r.enabled()).isFalse();
        assertThat(r.ratios()).containsExactly(10, 20, 33, 45);
        assertThat(r.method()).isEqualTo(PruningMethod.LAST);
        assertThat(r.dataDir()).isEqualTo(c.dataDir()); // under the one data_dir (rollout/)
        assertThat(r.limits().maxAccuracyDrop()).isCloseTo(0.01, within(1e-12));
        assertThat(r.limits().maxMissRate()).isCloseTo(0.30, within(1e-12));
        assertThat(r.statistics().alpha()).isEqualTo(0.05);
        assertThat(r.shadow().deadlineAction()).isEqualTo(RolloutConfig.DeadlineAction.STAY);
        assertThat(r.monitoring().shadowShare()).isCloseTo(0.05, within(1e-12));
        // every key in the example equals the built-in default, so leaving the section out changes nothing
        assertThat(r.withDataDir(Path.of("x"))).isEqualTo(RolloutConfig.defaults().withDataDir(Path.of("x")));
    }

    @Test
    void percentagesBecomeFractions() {
        RolloutConfig r = ConfigLoader.parse("x", "rollout:\n  enabled: true\n  method: uniform-hinf\n  limits:\n"
                + "    max_accuracy_drop: 2.5\n    max_false_alarm_rate: 1\n    min_agreement: 99\n").rollout();
        assertThat(r.enabled()).isTrue();
        assertThat(r.method()).isEqualTo(PruningMethod.UNIFORM_HINF);
        assertThat(r.limits().maxAccuracyDrop()).isCloseTo(0.025, within(1e-12));
        assertThat(r.limits().maxFalseAlarmRate()).isCloseTo(0.01, within(1e-12));
        assertThat(r.limits().minAgreement()).isCloseTo(0.99, within(1e-12));
    }

    @Test
    void badValuesNameTheKey() {
        assertThatThrownBy(() -> ConfigLoader.parse("a.yaml", "rollout:\n  ratios: [20, 10]\n"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("rollout.ratios").hasMessageContaining("increasing");
        assertThatThrownBy(() -> ConfigLoader.parse("a.yaml", "rollout:\n  ratios: [0, 10]\n"))
                .hasMessageContaining("rollout.ratios").hasMessageContaining("1 to 99");
        assertThatThrownBy(() -> ConfigLoader.parse("a.yaml", "rollout:\n  method: best\n"))
                .hasMessageContaining("rollout.method").hasMessageContaining("last");
        assertThatThrownBy(() -> ConfigLoader.parse("a.yaml", "rollout:\n  statistics:\n    alpha: 0.9\n"))
                .hasMessageContaining("rollout.statistics.alpha").hasMessageContaining("0.5");
        assertThatThrownBy(() -> ConfigLoader.parse("a.yaml", "rollout:\n  limits:\n    max_miss_rate: abc\n"))
                .hasMessageContaining("rollout.limits.max_miss_rate").hasMessageContaining("a number");
        assertThatThrownBy(() -> ConfigLoader.parse("a.yaml", "rollout:\n  shadow:\n    deadline_action: promote\n"))
                .hasMessageContaining("rollout.shadow.deadline_action").hasMessageContaining("stay, fail");
        assertThatThrownBy(() -> ConfigLoader.parse("a.yaml", "rollout:\n  probation:\n    evidense: 3\n"))
                .hasMessageContaining("rollout.probation.evidense").hasMessageContaining("unknown key");
    }

    @Test
    void relativeFoldersFollowTheConfigFile() {
        RolloutConfig r = ConfigLoader.parse("x", "rollout:\n  data_dir: state\n  calibration: cal\n").rollout()
                .resolve(Path.of("/etc/ssm-edge"));
        assertThat(r.dataDir()).isEqualTo(Path.of("/etc/ssm-edge/state"));
        assertThat(r.calibration()).isEqualTo(Path.of("/etc/ssm-edge/cal"));
        assertThat(r.ratios()).isEqualTo(List.of(10, 20, 33, 45));
    }
}
