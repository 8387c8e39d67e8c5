package io.ssmedge.agent.labels;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class LabelJoinTest {
    final LiveScore stream = new LiveScore(2);
    final LiveScore overall = new LiveScore(2);
    final LabelJoin join = new LabelJoin(500, 10_000, 4, stream, overall);

    @Test
    void lateLabelScoresNearestPredictionOnce() {
        join.onPrediction(1000, 0);
        join.onPrediction(2000, 1);
        assertThat(join.onLabel(1900, 1)).isTrue();   // nearest: 2000
        assertThat(join.onLabel(2100, 1)).isFalse();  // 2000 is scored already, 1000 too far
        assertThat(join.onLabel(1200, 0)).isTrue();   // 1000
        assertThat(stream.snapshot().confusion()).isDeepEqualTo(new long[][]{{1, 0}, {0, 1}});
        assertThat(overall.snapshot().accuracy()).isEqualTo(1.0);
    }

    @Test
    void earlyLabelWaitsForItsPrediction() {
        assertThat(join.onLabel(3000, 1)).isFalse();
        assertThat(join.onPrediction(2999, 0)).isTrue();
        assertThat(stream.snapshot().missRate()).isEqualTo(1.0);
    }

    @Test
    void labelsThatCanNoLongerMatchAreGivenUp() {
        join.onLabel(100, 0);                   // waits
        join.onPrediction(5000, 0);             // passes it by more than the window
        assertThat(join.unmatched()).isEqualTo(1);
        assertThat(join.onLabel(4000, 0)).isFalse(); // before the newest prediction, none near
        assertThat(join.unmatched()).isEqualTo(2);
        join.onPrediction(20_000, 0);           // expires 5000 (older than max delay)
        assertThat(join.onLabel(5000, 0)).isFalse();
        assertThat(join.matched()).isZero();
    }

    @Test
    void fullBuffersDropTheOldest() {
        for (int i = 0; i < 6; i++) {
            join.onPrediction(1000 * i, 0);
        }
        assertThat(join.onLabel(0, 0)).isFalse();  // pushed out of the 4-slot buffer
        assertThat(join.onLabel(5000, 0)).isTrue();
    }
}
