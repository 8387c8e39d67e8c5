package io.ssmedge.train;

/**
 * Learning-rate factor per optimizer step: linear warm-up, then cosine decay to {@code minFactor}
 * (as the S5 code's linear_warmup and cosine_annealing, per step). With a time budget the decay follows
 * whichever runs out first, steps or time, so a run cut short by its budget still ends at a low rate
 * (such runs depend on the machine's speed and are not reproducible step for step).
 * <pre>
 *   t &lt; W:  f = (t + 1)/W          t ≥ W:  f = m + (1 − m)·½(1 + cos(π·x)),  x = max((t − W)/(T − W), time used/budget)
 * </pre>
 *
 * @param warmupSteps W
 * @param totalSteps  T
 * @param minFactor   m
 */
public record LrSchedule(long warmupSteps, long totalSteps, double minFactor) {
    public double factor(long step) {
        return factor(step, 0);
    }

    /** @param timeUsed share of the time budget used, 0 without a budget */
    public double factor(long step, double timeUsed) {
        if (step < warmupSteps) {
            return (step + 1.0) / warmupSteps;
        }
        double span = Math.max(1, totalSteps - warmupSteps);
        double x = Math.min(1.0, Math.max(timeUsed, (step - warmupSteps) / span));
        return minFactor + (1 - minFactor) * 0.5 * (1 + Math.cos(Math.PI * x));
    }
}
