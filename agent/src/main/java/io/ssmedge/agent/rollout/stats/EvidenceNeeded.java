package io.ssmedge.agent.rollout.stats;

/**
 * How many observations a bound of {@link ConfidenceSequence} needs before it can separate a true mean from a
 * limit {@code δ} away: the smallest n whose expected half-width (the boundary of Waudby-Smith &amp; Ramdas 2024,
 * Theorem 2, with every squared deviation replaced by the variance σ²) is at most δ,
 * <pre>
 *   n*(δ) = min { n : (log(1/a) + σ² Σ_{i≤n} (−log(1−λ_i) − λ_i)) / Σ_{i≤n} λ_i ≤ δ }.
 * </pre>
 * For small δ this grows like 2σ² log(1/a) / δ² times a log log factor; it is an expected figure (half the
 * stages take longer), meant to tell an engineer how long a stage will take, not a guarantee.
 */
public final class EvidenceNeeded {
    /** Beyond this many observations the answer is "more than can be collected". */
    public static final long CAP = 10_000_000L;

    private EvidenceNeeded() {
    }

    /**
     * @param delta    distance between the true mean and the limit, in the observations' units
     * @param variance variance of one observation, in the observations' units squared
     * @param range    hi − lo of the observations
     * @param alpha    error rate of the bound
     * @return observations needed, or {@link #CAP} when more would be needed
     */
    public static long observations(double delta, double variance, double range, double alpha) {
        if (!(delta > 0)) {
            return CAP;
        }
        double d = delta / range;               // on [0, 1]
        double var = Math.max(variance / (range * range), 1e-6);
        double logInv = Math.log(1 / alpha);
        double sumLambda = 0;
        double sumPenalty = 0;
        for (long i = 1; i <= CAP; i++) {
            double varPrev = (0.25 + var * (i - 1)) / i;
            double lambda = Math.min(Math.sqrt(2 * logInv / (varPrev * i * Math.log(1 + i))), 0.5);
            sumLambda += lambda;
            sumPenalty += var * (-Math.log1p(-lambda) - lambda);
            if ((logInv + sumPenalty) / sumLambda <= d) {
                return i;
            }
        }
        return CAP;
    }
}
