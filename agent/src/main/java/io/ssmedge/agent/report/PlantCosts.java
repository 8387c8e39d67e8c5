package io.ssmedge.agent.report;

import java.util.Locale;

/**
 * Turns a model's rates into what a plant counts: false alarms and missed faults per day, computing time, and —
 * when prices are given — money per month (30 days).
 *
 * <pre>
 * windows per day   W = streams · samples_per_second · 86 400 / stride
 * false alarms/day  = false_alarm_rate · (1 − fault_share) · W      (normal windows flagged as a fault)
 * missed faults/day = miss_rate · fault_share · W                   (fault windows reported as normal)
 * core-hours/month  = streams · samples_per_second · 86 400 · 30 · steps_per_sample · step_ns / 10⁹ / 3 600
 * money/month       = 30 · (false alarms/day · cost_false_alarm + missed faults/day · cost_miss)
 *                     + core-hours/month · cost_per_core_hour
 * </pre>
 *
 * @param streams          sensor streams the model serves
 * @param samplesPerSecond samples per second per stream
 * @param stride           samples between two windows (one prediction per stride)
 * @param stepsPerSample   model steps per sample (overlapping windows each step the sample)
 * @param faultShare       share of windows that are faults (from the labeled data; 0..1)
 * @param currency         currency name shown with amounts
 * @param costFalseAlarm   cost of one false alarm (NaN = not given)
 * @param costMiss         cost of one missed fault window (NaN = not given)
 * @param costPerCoreHour  cost of one CPU core for one hour (NaN = not given)
 */
public record PlantCosts(int streams, double samplesPerSecond, int stride, int stepsPerSample, double faultShare,
                         String currency, double costFalseAlarm, double costMiss, double costPerCoreHour) {
    public static final int DAYS_PER_MONTH = 30;

    public PlantCosts {
        if (streams < 1) {
            throw new IllegalArgumentException("--streams: expected 1 or more, got " + streams);
        }
        if (!(samplesPerSecond > 0)) {
            throw new IllegalArgumentException("--sample-rate: expected samples per second above 0, got " + samplesPerSecond);
        }
        if (stride < 1 || stepsPerSample < 1) {
            throw new IllegalArgumentException("stride and steps per sample must be 1 or more, got " + stride + " and "
                    + stepsPerSample);
        }
        if (!(faultShare >= 0 && faultShare <= 1)) {
            throw new IllegalArgumentException("fault share: expected 0..1, got " + faultShare);
        }
        for (double c : new double[]{costFalseAlarm, costMiss, costPerCoreHour}) {
            if (c < 0) {
                throw new IllegalArgumentException("costs: expected 0 or more, got " + c);
            }
        }
    }

    public boolean priced() {
        return !Double.isNaN(costFalseAlarm) || !Double.isNaN(costMiss) || !Double.isNaN(costPerCoreHour);
    }

    public double windowsPerDay() {
        return streams * samplesPerSecond * 86_400 / stride;
    }

    public double falseAlarmsPerDay(double falseAlarmRate) {
        return falseAlarmRate * (1 - faultShare) * windowsPerDay();
    }

    public double missesPerDay(double missRate) {
        return missRate * faultShare * windowsPerDay();
    }

    public double coreHoursPerMonth(double stepNanos) {
        return streams * samplesPerSecond * 86_400.0 * DAYS_PER_MONTH * stepsPerSample * stepNanos / 1e9 / 3600;
    }

    /** One model's month: counts, and amounts where a price is given (NaN otherwise). */
    public record Month(double falseAlarms, double misses, double coreHours, double falseAlarmCost, double missCost,
                        double computeCost) {
        /** The sum of the amounts that are given. */
        public double total() {
            double t = 0;
            for (double v : new double[]{falseAlarmCost, missCost, computeCost}) {
                if (!Double.isNaN(v)) {
                    t += v;
                }
            }
            return t;
        }
    }

    public Month month(double falseAlarmRate, double missRate, double stepNanos) {
        double fa = DAYS_PER_MONTH * falseAlarmsPerDay(falseAlarmRate);
        double mi = DAYS_PER_MONTH * missesPerDay(missRate);
        double ch = Double.isFinite(stepNanos) ? coreHoursPerMonth(stepNanos) : Double.NaN;
        return new Month(fa, mi, ch, fa * costFalseAlarm, mi * costMiss,
                Double.isNaN(ch) ? Double.NaN : ch * costPerCoreHour);
    }

    /** An amount with the currency, no decimals above 100 (e.g. "JPY 12,300"). */
    public String money(double v) {
        return currency + " " + String.format(Locale.ROOT, Math.abs(v) >= 100 ? "%,.0f" : "%,.2f", v);
    }

    /** How the volume was assumed, for the report's footnote. */
    public String describe() {
        return String.format(Locale.ROOT, "%d stream%s at %s samples/s, one window every %d samples (%,.0f windows a day), "
                        + "%.1f%% of windows faults (as in the labeled data), a month = %d days", streams,
                streams == 1 ? "" : "s", trim(samplesPerSecond), stride, windowsPerDay(), 100 * faultShare, DAYS_PER_MONTH);
    }

    private static String trim(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
    }
}
