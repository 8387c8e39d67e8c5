package io.ssmedge.agent.daemon;

import io.ssmedge.agent.config.ConfigException;
import io.ssmedge.agent.config.ModelConfig;
import io.ssmedge.agent.config.WindowConfig;
import io.ssmedge.inference.WindowSpec;
import io.ssmedge.model.ModelLoader;
import io.ssmedge.model.SsmModel;
import io.ssmedge.testing.UnstableModels;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The daemon and models with unstable states (|λ̄| ≥ 1). */
class AgentStabilityTest {
    static Path dir;
    static SsmModel unstable;

    @BeforeAll
    static void write(@TempDir Path tmp) {
        dir = UnstableModels.write(tmp.resolve("m"), 0, new int[]{1, 4, 7}, 1.002);
        unstable = ModelLoader.load(dir);
    }

    private static ModelConfig cfg(String stabilize, boolean continuous) {
        return new ModelConfig(dir.toString(), "test", null, new WindowConfig(60, 10, continuous), stabilize);
    }

    @Test
    void continuousModeRefusesUnstableStatesNamingThem() {
        assertThatThrownBy(() -> Agent.checkStability(unstable, cfg("none", true), WindowSpec.continuous(10)))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("3 unstable state(s)")
                .hasMessageContaining("layer 0 state 1: |λ̄| = 1.00200")
                .hasMessageContaining("model.stabilize: clip");
    }

    @Test
    void clipMakesTheModelStableInAnyMode() {
        SsmModel m = Agent.checkStability(unstable, cfg("clip", true), WindowSpec.continuous(10));
        assertThat(m.unstableStates()).isEmpty();
        assertThat(m.maxPoleMagnitude()).isLessThan(1.0);
        assertThat(Agent.checkStability(unstable, cfg("clip", false), WindowSpec.fixed(60, 10)).unstableStates())
                .isEmpty();
    }

    @Test
    void fixedWindowsRunTheModelAsItIs() {
        assertThat(Agent.checkStability(unstable, cfg("none", false), WindowSpec.fixed(60, 10))).isSameAs(unstable);
    }

    @Test
    void anUnknownStabilizeValueIsAConfigError() {
        assertThatThrownBy(() -> cfg("maybe", false)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("model.stabilize");
    }
}
