package io.ssmedge.train;

/**
 * Adam with decoupled weight decay (Loshchilov and Hutter; optax.adamw), with the S5 code's two groups:
 * the SSM group (Λ, B̃, log Δ, norms) uses its own learning rate and no weight decay, the rest uses the
 * base learning rate and weight decay.
 * <pre>
 *   m ← β₁m + (1−β₁)g      v ← β₂v + (1−β₂)g²      m̂ = m/(1−β₁ᵗ)      v̂ = v/(1−β₂ᵗ)
 *   θ ← θ − η·(m̂/(√v̂ + ε) + λ·θ)        (λ = 0 in the SSM group)
 * </pre>
 */
public final class AdamW {
    static final double BETA1 = 0.9;
    static final double BETA2 = 0.999;
    static final double EPS = 1e-8;
    private final boolean[] ssm; // (θ size) true in the SSM group
    private final double weightDecay;
    private final double[] m;    // (θ size)
    private final double[] v;    // (θ size)
    private long t;

    public AdamW(ParamLayout layout, double weightDecay) {
        this.ssm = layout.ssmMask();
        this.weightDecay = weightDecay;
        this.m = new double[layout.size()];
        this.v = new double[layout.size()];
    }

    /** One update of θ (modified) with gradient g; lr for the regular group, ssmLr for the SSM group. */
    public void step(double[] theta, double[] g, double lr, double ssmLr) {
        t++;
        double c1 = 1 - Math.pow(BETA1, t);
        double c2 = 1 - Math.pow(BETA2, t);
        for (int i = 0; i < theta.length; i++) {
            m[i] = BETA1 * m[i] + (1 - BETA1) * g[i];
            v[i] = BETA2 * v[i] + (1 - BETA2) * g[i] * g[i];
            double upd = (m[i] / c1) / (Math.sqrt(v[i] / c2) + EPS);
            if (ssm[i]) {
                theta[i] -= ssmLr * upd;
            } else {
                theta[i] -= lr * (upd + weightDecay * theta[i]);
            }
        }
    }
}
