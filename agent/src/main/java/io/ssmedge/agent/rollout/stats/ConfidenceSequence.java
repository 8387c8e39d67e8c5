package io.ssmedge.agent.rollout.stats;

/**
 * Anytime-valid one-sided bounds for the mean of bounded observations: the predictable plug-in
 * empirical-Bernstein confidence sequence (PrPl-EB) of Waudby-Smith &amp; Ramdas, "Estimating means of bounded
 * random variables by betting", J. R. Stat. Soc. B 86(1), 2024 (arXiv 2010.09686), Theorem 2, one-sided form;
 * the empirical-Bernstein boundary goes back to Howard, Ramdas, McAuliffe &amp; Sekhon, "Time-uniform,
 * nonparametric, nonasymptotic confidence sequences", Ann. Statist. 49(2), 2021.
 *
 * <p>For observations y_i in [0, 1] with conditional mean μ (rescaled from [lo, hi]):
 * <pre>
 *   μ̂_t  = (1/2 + Σ_{i≤t} y_i) / (t + 1)                      predictable mean estimate
 *   σ̂²_t = (1/4 + Σ_{i≤t} (y_i − μ̂_i)²) / (t + 1)              predictable variance estimate
 *   λ_t  = min( sqrt( 2 log(1/a) / (σ̂²_{t−1} · t · log(1 + t)) ), 1/2 )
 *   v_t  = 4 (y_t − μ̂_{t−1})²,     ψ_E(λ) = (−log(1 − λ) − λ) / 4
 *   lower_t = ( Σ λ_i y_i − log(1/a) − Σ v_i ψ_E(λ_i) ) / Σ λ_i
 * </pre>
 * and P(∃t: μ &lt; lower_t) ≤ a. The upper bound is the same construction applied to 1 − y with its own level.
 * Both are kept as running intersections (max of lowers, min of uppers), which stays valid at every t: the
 * bounds can be looked at after every observation and acted on whenever they cross a limit.
 */
public final class ConfidenceSequence {
    private final double lo;
    private final double hi;
    private final OneSided lower;
    private final OneSided upper;
    private long n;
    private double sum;

    /**
     * @param lo          smallest possible observation
     * @param hi          largest possible observation
     * @param alphaLower  P(true mean below the lower bound at any time) ≤ alphaLower
     * @param alphaUpper  P(true mean above the upper bound at any time) ≤ alphaUpper
     */
    public ConfidenceSequence(double lo, double hi, double alphaLower, double alphaUpper) {
        if (!(hi > lo)) {
            throw new IllegalArgumentException("range: expected lo < hi, got [" + lo + ", " + hi + "]");
        }
        if (!(alphaLower > 0 && alphaLower < 1 && alphaUpper > 0 && alphaUpper < 1)) {
            throw new IllegalArgumentException("error rates must lie in (0, 1), got " + alphaLower + ", " + alphaUpper);
        }
        this.lo = lo;
        this.hi = hi;
        this.lower = new OneSided(alphaLower);
        this.upper = new OneSided(alphaUpper);
    }

    /** Adds one observation in [lo, hi]. */
    public void add(double x) {
        if (!(x >= lo && x <= hi)) {
            throw new IllegalArgumentException("observation " + x + " outside [" + lo + ", " + hi + "]");
        }
        double y = (x - lo) / (hi - lo);
        lower.add(y);
        upper.add(1 - y);
        n++;
        sum += x;
    }

    public long n() {
        return n;
    }

    /** Sample mean (0 before any observation). */
    public double mean() {
        return n == 0 ? 0 : sum / n;
    }

    /** Lower bound of the mean (lo before enough evidence). */
    public double lower() {
        return lo + (hi - lo) * Math.max(0, lower.bound());
    }

    /** Upper bound of the mean (hi before enough evidence). */
    public double upper() {
        return hi - (hi - lo) * Math.max(0, upper.bound());
    }

    /** State needed to resume after a restart. */
    public double[] snapshot() {
        return new double[]{n, sum, lower.t, lower.sumY, lower.sumSq, lower.sumLambda, lower.sumLambdaY, lower.sumPenalty,
                lower.best, upper.t, upper.sumY, upper.sumSq, upper.sumLambda, upper.sumLambdaY, upper.sumPenalty, upper.best};
    }

    /** Restores {@link #snapshot()}. */
    public void restore(double[] s) {
        if (s == null || s.length != 16) {
            throw new IllegalArgumentException("confidence sequence snapshot: expected 16 numbers");
        }
        n = (long) s[0];
        sum = s[1];
        lower.restore(s, 2);
        upper.restore(s, 9);
    }

    /** The lower bound of one side, on [0, 1]. */
    private static final class OneSided {
        private static final double C = 0.5;
        private final double logInvAlpha;
        private long t;
        private double sumY;        // Σ y_i
        private double sumSq = 0;   // Σ (y_i − μ̂_i)²
        private double sumLambda;   // Σ λ_i
        private double sumLambdaY;  // Σ λ_i y_i
        private double sumPenalty;  // Σ v_i ψ_E(λ_i)
        private double best = Double.NEGATIVE_INFINITY;

        OneSided(double alpha) {
            this.logInvAlpha = Math.log(1 / alpha);
        }

        void add(double y) {
            double muPrev = (0.5 + sumY) / (t + 1);          // μ̂_{t−1}
            double varPrev = (0.25 + sumSq) / (t + 1);       // σ̂²_{t−1}
            long i = t + 1;
            double lambda = Math.min(Math.sqrt(2 * logInvAlpha / (varPrev * i * Math.log(1 + i))), C);
            double v = 4 * (y - muPrev) * (y - muPrev);
            double psi = (-Math.log1p(-lambda) - lambda) / 4;
            sumLambda += lambda;
            sumLambdaY += lambda * y;
            sumPenalty += v * psi;
            t = i;
            sumY += y;
            double mu = (0.5 + sumY) / (t + 1);              // μ̂_t
            sumSq += (y - mu) * (y - mu);
            best = Math.max(best, (sumLambdaY - logInvAlpha - sumPenalty) / sumLambda);
        }

        double bound() {
            return t == 0 ? 0 : best;
        }

        void restore(double[] s, int o) {
            t = (long) s[o];
            sumY = s[o + 1];
            sumSq = s[o + 2];
            sumLambda = s[o + 3];
            sumLambdaY = s[o + 4];
            sumPenalty = s[o + 5];
            best = s[o + 6];
        }
    }
}
