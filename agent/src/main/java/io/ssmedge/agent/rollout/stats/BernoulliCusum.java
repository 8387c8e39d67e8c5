package io.ssmedge.agent.rollout.stats;

/**
 * Page's CUSUM for a rise of a Bernoulli rate from p0 to p1 (Page, "Continuous inspection schemes",
 * Biometrika 41, 1954), on the log-likelihood ratio:
 * <pre>
 *   z_t = x_t log(p1/p0) + (1 − x_t) log((1 − p1)/(1 − p0)),     S_t = max(0, S_{t−1} + z_t),   alarm when S_t ≥ h.
 * </pre>
 * Observations may be block means in [0, 1] (the same formula, linear in x). The threshold h is set from the
 * wanted average run length between false alarms ARL0 by Wald's/Siegmund's approximation
 * (Siegmund, "Sequential Analysis", 1985, §2.6; Tartakovsky, Nikiforov &amp; Basseville 2014, §8.2):
 * <pre>
 *   ARL0 ≈ (e^h − h − 1) / I0,     I0 = KL(p0 ‖ p1)       (no overshoot: the real ARL0 is larger, so h is safe)
 *   delay ≈ (e^{−h} + h − 1) / I1,  I1 = KL(p1 ‖ p0)      (expected observations to alarm after the change)
 * </pre>
 */
public final class BernoulliCusum {
    private final double p0;
    private final double p1;
    private final double up;    // log(p1/p0)
    private final double down;  // log((1−p1)/(1−p0))
    private final double h;
    private double s;
    private long n;

    public BernoulliCusum(double p0, double p1, double threshold) {
        if (!(p0 > 0 && p1 > p0 && p1 < 1)) {
            throw new IllegalArgumentException("expected 0 < p0 < p1 < 1, got p0=" + p0 + ", p1=" + p1);
        }
        this.p0 = p0;
        this.p1 = p1;
        this.up = Math.log(p1 / p0);
        this.down = Math.log((1 - p1) / (1 - p0));
        this.h = threshold;
    }

    /** A detector whose false alarms come on average every {@code arl0} observations. */
    public static BernoulliCusum forArl(double p0, double p1, double arl0) {
        return new BernoulliCusum(p0, p1, threshold(p0, p1, arl0));
    }

    /** KL(a ‖ b) of two Bernoulli distributions. */
    static double kl(double a, double b) {
        return a * Math.log(a / b) + (1 - a) * Math.log((1 - a) / (1 - b));
    }

    /** Solves (e^h − h − 1)/I0 = arl0 for h by bisection (the left side increases in h &gt; 0). */
    public static double threshold(double p0, double p1, double arl0) {
        double target = arl0 * kl(p0, p1);
        double lo = 0;
        double hi = 1;
        while (Math.expm1(hi) - hi < target) {
            hi *= 2;
        }
        for (int i = 0; i < 100; i++) {
            double mid = (lo + hi) / 2;
            if (Math.expm1(mid) - mid < target) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        return hi;
    }

    /** Approximate ARL0 of this detector (observations between false alarms). */
    public double arl0() {
        return (Math.expm1(h) - h) / kl(p0, p1);
    }

    /** Approximate observations from a change to p1 until the alarm. */
    public double detectionDelay() {
        return (Math.exp(-h) + h - 1) / kl(p1, p0);
    }

    /** Adds one observation in [0, 1]; true when the detector alarms (it then restarts from 0). */
    public boolean add(double x) {
        if (!(x >= 0 && x <= 1)) {
            throw new IllegalArgumentException("observation " + x + " outside [0, 1]");
        }
        n++;
        s = Math.max(0, s + x * up + (1 - x) * down);
        if (s >= h) {
            s = 0;
            return true;
        }
        return false;
    }

    public double statistic() {
        return s;
    }

    public double threshold() {
        return h;
    }

    public long n() {
        return n;
    }

    public double p0() {
        return p0;
    }

    public double p1() {
        return p1;
    }

    public void restore(double statistic, long count) {
        s = statistic;
        n = count;
    }
}
