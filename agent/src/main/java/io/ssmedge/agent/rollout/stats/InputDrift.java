package io.ssmedge.agent.rollout.stats;

/**
 * Drift of the live inputs against the statistics the model was trained on (its {@code input_mean},
 * {@code input_std}). Per channel c an exponentially weighted mean and variance of the raw samples
 * (West, "Updating mean and variance estimates", CACM 22(9), 1979, weighted form):
 * <pre>
 *   w = 2^(−1/halfLife),   m_c ← w m_c + (1 − w) x_c,   v_c ← w (v_c + (1 − w)(x_c − m_c,old)²)
 *   shift = max_c |m_c − μ_c| / σ_c,     spread = max_c s_c / σ_c,  s_c = √v_c
 * </pre>
 * The inputs have drifted when shift &gt; limit, or a channel spreads more than {@code limit} times as widely as
 * in training (a calmer signal than in training is not counted: a short stretch of one machine is always calmer
 * than the whole training set).
 * Samples may also come in blocks (n samples with their mean b_c and variance s²_c, e.g. from a worker's
 * {@code InputAccumulator}): the block enters as one weighted component of a mixture,
 * <pre>
 *   W = w^n,   m_c ← W m_c + (1 − W) b_c,   v_c ← W v_c + (1 − W) s²_c + W (1 − W)(b_c − m_c,old)²
 * </pre>
 * which is the per-sample rule for n = 1 (s² = 0), and treats the samples of a block as equally recent.
 * No verdict before one half-life of samples. Not thread-safe.
 */
public final class InputDrift {
    private final float[] mean;     // (channels) training mean
    private final float[] std;      // (channels) training standard deviation
    private final double[] m;       // (channels) live weighted mean
    private final double[] v;       // (channels) live weighted variance
    private final double w;
    private final double limit;
    private final int halfLife;
    private long n;

    public InputDrift(float[] trainingMean, float[] trainingStd, double limit, int halfLife) {
        if (trainingMean.length != trainingStd.length) {
            throw new IllegalArgumentException("input_mean has " + trainingMean.length + " channels, input_std "
                    + trainingStd.length);
        }
        this.mean = trainingMean.clone();
        this.std = trainingStd.clone();
        this.m = new double[mean.length];
        this.v = new double[mean.length];
        this.w = Math.pow(2, -1.0 / halfLife);
        this.limit = limit;
        this.halfLife = halfLife;
    }

    public int channels() {
        return mean.length;
    }

    /** One raw sample (channels values). */
    public void add(float[] raw) {
        add(raw, 0);
    }

    /** One raw sample starting at {@code offset} of {@code raw}. */
    public void add(float[] raw, int offset) {
        if (n == 0) {
            for (int c = 0; c < m.length; c++) {
                m[c] = raw[offset + c];
            }
        } else {
            for (int c = 0; c < m.length; c++) {
                double d = raw[offset + c] - m[c];
                m[c] += (1 - w) * d;
                v[c] = w * (v[c] + (1 - w) * d * d);
            }
        }
        n++;
    }

    /**
     * A block of {@code count} samples with these per-channel means and variances (the mixture rule above).
     */
    public void add(long count, double[] blockMean, double[] blockVariance) {
        if (count <= 0) {
            return;
        }
        if (n == 0) {
            System.arraycopy(blockMean, 0, m, 0, m.length);
            System.arraycopy(blockVariance, 0, v, 0, v.length);
        } else {
            double big = Math.pow(w, count);
            for (int c = 0; c < m.length; c++) {
                double d = blockMean[c] - m[c];
                m[c] += (1 - big) * d;
                v[c] = big * v[c] + (1 - big) * blockVariance[c] + big * (1 - big) * d * d;
            }
        }
        n += count;
    }

    /** Samples seen. */
    public long samples() {
        return n;
    }

    public double limit() {
        return limit;
    }

    /** Largest shift of a channel's mean, in training standard deviations. */
    public double shift() {
        double worst = 0;
        for (int c = 0; c < m.length; c++) {
            worst = Math.max(worst, Math.abs(m[c] - mean[c]) / Math.max(std[c], 1e-12));
        }
        return worst;
    }

    /** The channel with the largest mean shift. */
    public int worstChannel() {
        int best = 0;
        double worst = -1;
        for (int c = 0; c < m.length; c++) {
            double z = Math.abs(m[c] - mean[c]) / Math.max(std[c], 1e-12);
            if (z > worst) {
                worst = z;
                best = c;
            }
        }
        return best;
    }

    /** Largest factor by which a channel's live spread exceeds its training spread. */
    public double spread() {
        double worst = 0;
        for (int c = 0; c < m.length; c++) {
            double s = Math.sqrt(v[c]);
            worst = Math.max(worst, s / Math.max(std[c], 1e-12));
        }
        return worst;
    }

    /** Enough samples for a verdict. */
    public boolean ready() {
        return n >= halfLife;
    }

    /** True when the live inputs are outside the training distribution by more than the limit. */
    public boolean drifted() {
        return limit > 0 && ready() && (shift() > limit || spread() > limit);
    }

    /** True when the drift is back well inside the limit (80 % of it), so a drift pause may end. */
    public boolean cleared() {
        return limit <= 0 || !ready() || (shift() < 0.8 * limit && spread() < Math.max(1, 0.8 * limit));
    }
}
