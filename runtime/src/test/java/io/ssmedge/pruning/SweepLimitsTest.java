package io.ssmedge.pruning;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The ratio choice by every limit, on hand-made curves whose answer is read off by eye. */
class SweepLimitsTest {
    static PruningSweep.Point p(double ratio, double acc, double far, double miss) {
        return new PruningSweep.Point(ratio, null, acc, far, miss, 0, 0, Double.NaN, Double.NaN, Double.NaN);
    }

    // the bundled model's shape: accuracy holds up to 50 %, but fewer false alarms hide more misses from 40 % on
    static final List<PruningSweep.Point> CURVE = List.of(
            p(0, 0.835, 0.010, 0.28), p(10, 0.833, 0.010, 0.28), p(30, 0.830, 0.008, 0.29),
            p(40, 0.834, 0.004, 0.36), p(50, 0.836, 0.002, 0.42), p(60, 0.70, 0.002, 0.60));

    @Test
    void accuracyAloneWouldPickFiftyPercent() {
        SweepLimits.Choice c = SweepLimits.accuracyOnly(1.0).choose(CURVE, CURVE.get(0));
        assertThat(c.ratio()).isEqualTo(50);
        assertThat(c.broken()).isEqualTo(SweepLimits.Limit.ACCURACY);
        assertThat(c.brokenAt()).isEqualTo(60);
        assertThat(c.brokenValue()).isCloseTo(13.5, org.assertj.core.data.Offset.offset(1e-9));
    }

    @Test
    void missRateLimitStopsAtThirtyPercent() {
        SweepLimits.Choice c = new SweepLimits(1.0, 0.05, 0.30).choose(CURVE, CURVE.get(0));
        assertThat(c.ratio()).isEqualTo(30);
        assertThat(c.none()).isFalse();
        assertThat(c.broken()).isEqualTo(SweepLimits.Limit.MISS_RATE);
        assertThat(c.brokenAt()).isEqualTo(40);
        assertThat(c.brokenValue()).isEqualTo(0.36);
        assertThat(c.cap()).isEqualTo(0.30);
    }

    @Test
    void falseAlarmLimitAndBaselineRule() {
        List<PruningSweep.Point> curve = List.of(p(0, 0.9, 0.06, 0.1), p(10, 0.9, 0.06, 0.1), p(20, 0.9, 0.07, 0.1));
        // the original already has 6 % false alarms: a 5 % cap means "no worse than 6 %"
        SweepLimits l = new SweepLimits(1.0, 0.05, 0.30);
        assertThat(l.falseAlarmCap(curve.get(0))).isEqualTo(0.06);
        SweepLimits.Choice c = l.choose(curve, curve.get(0));
        assertThat(c.ratio()).isEqualTo(10);
        assertThat(c.broken()).isEqualTo(SweepLimits.Limit.FALSE_ALARM_RATE);
    }

    @Test
    void noneWhenTheSmallestRatioFails() {
        List<PruningSweep.Point> curve = List.of(p(0, 0.9, 0.01, 0.1), p(10, 0.85, 0.01, 0.1));
        SweepLimits.Choice c = new SweepLimits(1.0, Double.NaN, Double.NaN).choose(curve, curve.get(0));
        assertThat(c.none()).isTrue();
        assertThat(c.ratio()).isZero();
    }

    @Test
    void badLimitsAreNamed() {
        assertThatThrownBy(() -> new SweepLimits(-1, 0.1, 0.1)).hasMessageContaining("accuracy budget");
        assertThatThrownBy(() -> new SweepLimits(1, 1.5, 0.1)).hasMessageContaining("false-alarm rate limit");
    }
}
