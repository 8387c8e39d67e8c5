package io.ssmedge.agent.rollout.stats;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class WindowDecorrelatorTest {
    @Test
    void keepsOneWindowPerSpanAndAveragesBlocks() {
        assertThat(WindowDecorrelator.thinning(60, 8, false)).isEqualTo(8);
        assertThat(WindowDecorrelator.thinning(60, 60, false)).isEqualTo(1);
        assertThat(WindowDecorrelator.thinning(60, 8, true)).isEqualTo(1);
        WindowDecorrelator d = new WindowDecorrelator(8, 2);
        List<Observation> out = new ArrayList<>();
        for (int i = 0; i < 32; i++) {
            // windows 0, 8, 16, 24 are kept; 0 and 16 labeled normal, 8 and 24 labeled fault
            int label = (i / 8) % 2 == 0 ? 0 : 1;
            int reference = label;                        // reference always right
            int candidate = i == 8 ? 0 : label;           // candidate misses window 8 only
            Observation o = d.offer("s1", reference, candidate, label);
            if (o != null) {
                out.add(o);
            }
            assertThat(d.offer("s2", 0, 0, -1) == null || i % 16 == 8).isTrue();  // other stream, own counter: blocks end at 8 and 24
        }
        assertThat(out).hasSize(2);
        assertThat(out.get(0).drop()).isCloseTo(0.5, within(1e-12));        // (0 + 1) / 2
        assertThat(out.get(0).miss()).isCloseTo(1.0, within(1e-12));
        assertThat(out.get(0).falseAlarm()).isCloseTo(0.0, within(1e-12));
        assertThat(out.get(0).disagreement()).isCloseTo(0.5, within(1e-12));
        assertThat(out.get(1).drop()).isCloseTo(0.0, within(1e-12));
        assertThat(out.get(1).labeled()).isEqualTo(2);
    }

    @Test
    void unlabeledBlocksCarryOnlyDisagreement() {
        WindowDecorrelator d = new WindowDecorrelator(1, 3);
        assertThat(d.offer("a", 0, 1, -1)).isNull();
        assertThat(d.offer("a", 0, 0, -1)).isNull();
        Observation o = d.offer("a", 1, 1, -1);
        assertThat(o.hasLabels()).isFalse();
        assertThat(o.drop()).isNaN();
        assertThat(o.disagreement()).isCloseTo(1 / 3.0, within(1e-12));
    }
}
