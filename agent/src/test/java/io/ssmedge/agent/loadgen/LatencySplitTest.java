package io.ssmedge.agent.loadgen;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class LatencySplitTest {

    @Test
    void partsAreTheDifferencesOfTheFourClocksAndAddUpToTheEndToEndLatency() {
        LatencySplit s = new LatencySplit();
        // e2e 5000 µs; the agent handed it over 3000 µs after the sample ts, 200 µs queued and 300 µs in the model:
        // before the worker 3000 - 500 = 2500, in the worker 500, after the worker 5000 - 3000 = 2000
        s.record(5000, 200, 300, 3000);
        assertThat(s.partMs(LatencySplit.BEFORE, 99)).isCloseTo(2.5, within(0.01));
        assertThat(s.partMs(LatencySplit.WORKER, 99)).isCloseTo(0.5, within(0.001));
        assertThat(s.partMs(LatencySplit.AFTER, 99)).isCloseTo(2.0, within(0.01));
    }

    @Test
    void negativePartsFromClockRoundingCountAsZero() {
        LatencySplit s = new LatencySplit();
        s.record(900, 100, 50, 1000); // received "before" it was handed over: after the worker = 0, not -100
        assertThat(s.partMs(LatencySplit.AFTER, 100)).isZero();
        assertThat(s.partMs(LatencySplit.BEFORE, 100)).isCloseTo(0.85, within(0.001));
    }

    @Test
    void theSlowestOnePercentAreAttributedToTheirLargestPart() {
        LatencySplit s = new LatencySplit();
        for (int i = 0; i < 990; i++) {
            s.record(1000, 100, 100, 800); // fast: 0.6 / 0.2 / 0.2 ms
        }
        for (int i = 0; i < 6; i++) {
            s.record(20_000, 100, 100, 19_000); // slow in the broker on the way in: before 18.8 ms
        }
        for (int i = 0; i < 3; i++) {
            s.record(20_000, 9_000, 1_000, 11_000); // slow in the worker: 10 ms against before 1 and after 9
        }
        s.record(20_000, 100, 100, 1_000); // slow on the way back: after 19 ms
        assertThat(s.count()).isEqualTo(1000);
        assertThat(s.slowestFromMs()).isCloseTo(20.0, within(0.02));
        assertThat(s.largestPartOfSlowest()).containsExactly(6, 3, 1, 10);
        LoadReport.Split summary = s.summary();
        assertThat(summary.largest()).containsExactly(6, 3, 1, 10);
        // a part's own p99 does not see the slow predictions (only 6 of 1000 were slow before the worker): that is
        // why the slowest 1 % are counted by their largest part
        assertThat(summary.beforeP99Ms()).isCloseTo(0.6, within(0.001));
        assertThat(summary.slowestFromMs()).isCloseTo(20.0, within(0.001));
    }

    @Test
    void noPredictionsNoSummary() {
        assertThat(new LatencySplit().summary()).isNull();
    }
}
