package io.ssmedge.pruning;

import java.util.List;

/**
 * The limits a pruned model must keep, all of them at once: accuracy may drop by at most {@code maxDropPoints}
 * points, and the false-alarm and miss rates may not exceed their caps. A cap below what the unpruned model already
 * has is read as "no worse than the unpruned model" (pruning cannot be blamed for the original's rate).
 *
 * <p>Rule (one ratio r with accuracy a_r, false-alarm rate f_r, miss rate m_r; baseline a_0, f_0, m_0):
 * r is acceptable ⇔ 100·(a_0 − a_r) ≤ maxDrop ∧ f_r ≤ max(maxFalseAlarm, f_0) ∧ m_r ≤ max(maxMiss, m_0).
 * The chosen ratio is the largest acceptable ratio; the report names the limit that the next larger ratio breaks.
 *
 * @param maxDropPoints     accuracy points that may be lost
 * @param maxFalseAlarmRate largest false-alarm rate (fraction 0..1; NaN = no cap)
 * @param maxMissRate       largest miss rate (fraction 0..1; NaN = no cap)
 */
public record SweepLimits(double maxDropPoints, double maxFalseAlarmRate, double maxMissRate) {
    public SweepLimits {
        if (!(maxDropPoints >= 0)) {
            throw new IllegalArgumentException("accuracy budget: expected 0 or more points, got " + maxDropPoints);
        }
        checkRate("false-alarm rate limit", maxFalseAlarmRate);
        checkRate("miss rate limit", maxMissRate);
    }

    private static void checkRate(String what, double v) {
        if (!Double.isNaN(v) && (v < 0 || v > 1)) {
            throw new IllegalArgumentException(what + ": expected 0 to 100 %, got " + 100 * v + " %");
        }
    }

    /** Accuracy alone (the old rule; the rates unlimited). */
    public static SweepLimits accuracyOnly(double maxDropPoints) {
        return new SweepLimits(maxDropPoints, Double.NaN, Double.NaN);
    }

    /** Which limit a ratio breaks. */
    public enum Limit {
        ACCURACY, FALSE_ALARM_RATE, MISS_RATE
    }

    /**
     * @param ratio     the chosen ratio (the first ratio, normally 0, when none keeps the limits)
     * @param none      true when not even the smallest pruned ratio keeps the limits
     * @param broken    the limit the next larger ratio breaks (null when every ratio tried keeps all limits)
     * @param brokenAt  that next ratio (NaN when {@code broken} is null)
     * @param brokenValue the value that breaks it (accuracy drop in points, or the rate as a fraction)
     * @param cap       the cap in force for {@code broken} (points, or a fraction after the max with the baseline)
     */
    public record Choice(double ratio, boolean none, Limit broken, double brokenAt, double brokenValue, double cap) {
    }

    /** The effective false-alarm cap given the unpruned model's rate (NaN = no cap). */
    public double falseAlarmCap(PruningSweep.Point base) {
        return Double.isNaN(maxFalseAlarmRate) ? Double.NaN : Math.max(maxFalseAlarmRate, base.falseAlarmRate());
    }

    /** The effective miss-rate cap given the unpruned model's rate (NaN = no cap). */
    public double missCap(PruningSweep.Point base) {
        return Double.isNaN(maxMissRate) ? Double.NaN : Math.max(maxMissRate, base.missRate());
    }

    /** Applies the rule in the class comment to one method's points (ascending ratio, first = baseline). */
    public Choice choose(List<PruningSweep.Point> points, PruningSweep.Point base) {
        double far = falseAlarmCap(base);
        double miss = missCap(base);
        int chosen = 0;
        for (int i = 1; i < points.size(); i++) {
            if (broken(points.get(i), base, far, miss) == null) {
                chosen = i;
            }
        }
        for (int i = chosen + 1; i < points.size(); i++) {
            PruningSweep.Point p = points.get(i);
            Limit l = broken(p, base, far, miss);
            if (l != null) {
                double value = switch (l) {
                    case ACCURACY -> 100 * (base.accuracy() - p.accuracy());
                    case MISS_RATE -> p.missRate();
                    case FALSE_ALARM_RATE -> p.falseAlarmRate();
                };
                double cap = switch (l) {
                    case ACCURACY -> maxDropPoints;
                    case MISS_RATE -> miss;
                    case FALSE_ALARM_RATE -> far;
                };
                return new Choice(points.get(chosen).ratio(), chosen == 0, l, p.ratio(), value, cap);
            }
        }
        return new Choice(points.get(chosen).ratio(), chosen == 0 && points.size() > 1, null, Double.NaN, Double.NaN,
                Double.NaN);
    }

    /** The first limit {@code p} breaks (accuracy, then misses, then false alarms), or null. */
    private Limit broken(PruningSweep.Point p, PruningSweep.Point base, double far, double miss) {
        if (100 * (base.accuracy() - p.accuracy()) > maxDropPoints + 1e-9) {
            return Limit.ACCURACY;
        }
        if (!Double.isNaN(miss) && p.missRate() > miss + 1e-12) {
            return Limit.MISS_RATE;
        }
        if (!Double.isNaN(far) && p.falseAlarmRate() > far + 1e-12) {
            return Limit.FALSE_ALARM_RATE;
        }
        return null;
    }
}
