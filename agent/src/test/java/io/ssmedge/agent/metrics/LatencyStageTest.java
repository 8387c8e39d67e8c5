package io.ssmedge.agent.metrics;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class LatencyStageTest {
    private final LatencyStage stage = new AgentMetrics().inference;

    @Test
    void totalKeepsEverythingAndRecentOnlyTheLastInterval() {
        for (int i = 1; i <= 100; i++) {
            stage.record(i * 10L);
        }
        assertThat(stage.recent()).isEqualTo(LatencySnapshot.EMPTY);
        LatencySnapshot first = stage.endInterval();
        assertThat(first.count()).isEqualTo(100);
        // the status figures keep 2 significant digits: each within 1 % of the value recorded
        assertThat(first.p50()).isBetween(495L, 505L);
        assertThat(first.max()).isBetween(990L, 1010L);
        assertThat(first.mean()).isCloseTo(505, within(5.05));

        stage.record(5_000);
        LatencySnapshot second = stage.endInterval();
        assertThat(second.count()).isEqualTo(1);
        assertThat(second.p50()).isBetween(4_950L, 5_050L);
        assertThat(stage.recent()).isEqualTo(second);
        assertThat(stage.total().count()).isEqualTo(101);
        assertThat(stage.endInterval()).as("an interval without values").isEqualTo(LatencySnapshot.EMPTY);
        assertThat(stage.total().count()).isEqualTo(101);
    }

    @Test
    void outOfRangeValuesAreClamped() {
        stage.record(-3);
        stage.record(Long.MAX_VALUE);
        LatencySnapshot s = stage.total();
        assertThat(s.count()).isEqualTo(2);
        assertThat(s.p50()).isZero();
        assertThat(s.max()).isGreaterThanOrEqualTo(LatencyStage.MAX_MICROS).isLessThan(LatencyStage.MAX_MICROS * 101 / 100);
    }

    @Test
    void otherLabelValuesShareTheStatusFigures() {
        LatencyStage other = stage.with("v2", "shadow");
        stage.record(100);
        other.record(300);
        assertThat(stage.total().count()).isEqualTo(2);
        assertThat(other.total().count()).isEqualTo(2);
        assertThat(other.name()).isEqualTo("inference");
    }
}
