package io.ssmedge.train;

/**
 * Learning-rate factor per optimizer step: linear warm-up, then cosine decay to {@code minFactor}
 * (as the S5 code's linear_warmup and cosine_annealing, per step).
 * <pre>
 *   t &lt; W:  f = (t + 1)/W          t ≥ W:  f = m + (1 − m)·½(1 + cos(π·(t − W)/(T − W)))
 * </pre>
 *
 * @param warmupSteps W
 * @param totalSteps  T
 * @param minFactor   m
 */
public record LrSchedule(long warmupSteps, long totalSteps, double minFactor) {
    public double factor(long step) {
        if (step < warmupSteps) {
            return (step + 1.0) / warmupSteps;
        }
        double span = Math.max(1, totalSteps - warmupSteps);
        double x = Math.min(1.0, (step - warmupSteps) / span);
        return minFactor + (1 - minFactor) * 0.5 * (1 + Math.cos(Math.PI * x));
    }
}
