package io.ssmedge.agent.rollout;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ssmedge.agent.config.RolloutConfig;
import io.ssmedge.agent.rollout.stats.ConfidenceSequence;
import io.ssmedge.agent.rollout.stats.EvidenceNeeded;
import io.ssmedge.agent.rollout.stats.Observation;

import java.util.Locale;

/**
 * The live evidence of one gate (shadow gate or probation): anytime-valid bounds on the candidate's paired
 * accuracy drop, its false-alarm and miss rates and its disagreement with the reference model, judged against
 * every limit.
 *
 * <p>Decision rule (the bounds hold simultaneously over time, so the rule may be applied after every
 * observation):
 * <pre>
 *   with labels:    PASS when upper(drop) ≤ L_drop  and upper(false alarm) ≤ L_fa  and upper(miss) ≤ L_miss
 *                   FAIL when lower(drop) &gt; L_drop + m  or lower(false alarm) &gt; L_fa + m  or lower(miss) &gt; L_miss + m
 *   without labels: PASS when upper(disagreement) ≤ 1 − A_min;   FAIL when lower(disagreement) &gt; 1 − A_min + m
 * </pre>
 * with m = 0 for a shadow gate and m = the rollback margin after a promotion (hysteresis: promote below the
 * limit, roll back only clearly above it). A false PASS needs the one violated limit's upper bound to cross
 * it: probability ≤ α. A false FAIL can come from any of the four lower bounds, so each uses β/4 (Bonferroni).
 * Neither outcome is ever reached by running out of time: that is "inconclusive", decided by the engine.
 */
public final class GateEvidence {
    private static final int TESTS = 4;
    private final RolloutConfig.Limits limits;
    private final double alpha;
    private final double margin;
    private final double minDetectable;
    private final ConfidenceSequence drop;
    private final ConfidenceSequence disagreement;
    private final ConfidenceSequence falseAlarm;
    private final ConfidenceSequence miss;
    private double dropSq;          // Σ drop² (for the evidence-needed variance)
    private double disSq;           // Σ disagreement²

    public GateEvidence(RolloutConfig.Limits limits, RolloutConfig.Statistics stats, double margin) {
        this.limits = limits;
        this.alpha = stats.alpha();
        this.margin = margin;
        this.minDetectable = stats.minDetectableDrop();
        double b = stats.beta() / TESTS;
        drop = new ConfidenceSequence(-1, 1, b, alpha);
        disagreement = new ConfidenceSequence(0, 1, b, alpha);
        falseAlarm = new ConfidenceSequence(0, 1, b, alpha);
        miss = new ConfidenceSequence(0, 1, b, alpha);
    }

    public void add(Observation o) {
        disagreement.add(o.disagreement());
        disSq += o.disagreement() * o.disagreement();
        if (!Double.isNaN(o.drop())) {
            drop.add(o.drop());
            dropSq += o.drop() * o.drop();
        }
        if (!Double.isNaN(o.falseAlarm())) {
            falseAlarm.add(o.falseAlarm());
        }
        if (!Double.isNaN(o.miss())) {
            miss.add(o.miss());
        }
    }

    /** Labeled evidence decides once there is any; streams without labels are decided on agreement. */
    public boolean labeled() {
        return drop.n() > 0;
    }

    public long observations() {
        return disagreement.n();
    }

    public ConfidenceSequence drop() {
        return drop;
    }

    public ConfidenceSequence disagreement() {
        return disagreement;
    }

    public ConfidenceSequence falseAlarm() {
        return falseAlarm;
    }

    public ConfidenceSequence miss() {
        return miss;
    }

    /** The verdict now (see the class comment). */
    public Verdict verdict(boolean canPass) {
        if (labeled()) {
            if (drop.lower() > limits.maxAccuracyDrop() + margin) {
                return new Verdict(Verdict.Outcome.FAIL, String.format(Locale.ROOT,
                        "accuracy drop is at least %.1f points (limit %.1f)", 100 * drop.lower(),
                        100 * (limits.maxAccuracyDrop() + margin)));
            }
            if (falseAlarm.lower() > limits.maxFalseAlarmRate() + margin) {
                return new Verdict(Verdict.Outcome.FAIL, String.format(Locale.ROOT,
                        "false-alarm rate is at least %.1f %% (limit %.1f %%)", 100 * falseAlarm.lower(),
                        100 * (limits.maxFalseAlarmRate() + margin)));
            }
            if (miss.lower() > limits.maxMissRate() + margin) {
                return new Verdict(Verdict.Outcome.FAIL, String.format(Locale.ROOT,
                        "miss rate is at least %.1f %% (limit %.1f %%)", 100 * miss.lower(),
                        100 * (limits.maxMissRate() + margin)));
            }
            if (!canPass) {
                return Verdict.keepGoing("no significant drop");
            }
            if (drop.upper() > limits.maxAccuracyDrop()) {
                return Verdict.keepGoing(String.format(Locale.ROOT, "accuracy drop not yet shown below %.1f points",
                        100 * limits.maxAccuracyDrop()));
            }
            if (falseAlarm.upper() > limits.maxFalseAlarmRate()) {
                return Verdict.keepGoing(String.format(Locale.ROOT, "false-alarm rate not yet shown below %.1f %% (%d "
                        + "observations with normal windows)", 100 * limits.maxFalseAlarmRate(), falseAlarm.n()));
            }
            if (miss.upper() > limits.maxMissRate()) {
                return Verdict.keepGoing(String.format(Locale.ROOT, "miss rate not yet shown below %.1f %% (%d "
                        + "observations with fault windows)", 100 * limits.maxMissRate(), miss.n()));
            }
            return new Verdict(Verdict.Outcome.PASS, String.format(Locale.ROOT,
                    "accuracy drop below %.1f points, false alarms below %.1f %%, misses below %.1f %%",
                    100 * drop.upper(), 100 * falseAlarm.upper(), 100 * miss.upper()));
        }
        double maxDis = 1 - limits.minAgreement();
        if (disagreement.lower() > maxDis + margin) {
            return new Verdict(Verdict.Outcome.FAIL, String.format(Locale.ROOT,
                    "agreement is at most %.1f %% (limit %.1f %%; no labels)", 100 * (1 - disagreement.lower()),
                    100 * (1 - maxDis - margin)));
        }
        if (!canPass) {
            return Verdict.keepGoing("no significant disagreement");
        }
        if (disagreement.upper() > maxDis) {
            return Verdict.keepGoing(String.format(Locale.ROOT, "agreement not yet shown above %.1f %% (no labels)",
                    100 * limits.minAgreement()));
        }
        return new Verdict(Verdict.Outcome.PASS, String.format(Locale.ROOT, "agreement at least %.1f %% (no labels)",
                100 * (1 - disagreement.upper())));
    }

    /**
     * Observations the deciding bound needs to settle a true value {@code min_detectable_drop} away from the limit
     * ({@link EvidenceNeeded}), with the variance seen so far (a prior of 10 % discordant windows before that).
     */
    public long needed() {
        if (labeled()) {
            long n = drop.n();
            double mean = drop.mean();
            double var = n < 10 ? 0.1 : Math.max(dropSq / n - mean * mean, 1e-4);
            return EvidenceNeeded.observations(minDetectable, var, 2, alpha);
        }
        long n = disagreement.n();
        double mean = disagreement.mean();
        double var = n < 10 ? 0.05 : Math.max(disSq / n - mean * mean, 1e-4);
        return EvidenceNeeded.observations(minDetectable, var, 1, alpha);
    }

    /** The status "evidence" object (contract: kind, n, needed, progress, estimate, lower, upper, limit). */
    public ObjectNode toJson() {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        boolean lab = labeled();
        ConfidenceSequence cs = lab ? drop : disagreement;
        long needed = needed();
        o.put("kind", lab ? "paired_accuracy" : "disagreement");
        o.put("n", cs.n());
        o.put("needed", needed);
        o.put("progress", Math.min(1.0, cs.n() / (double) Math.max(1, needed)));
        o.put("estimate", cs.mean());
        o.put("lower", cs.lower());
        o.put("upper", cs.upper());
        o.put("limit", lab ? limits.maxAccuracyDrop() : 1 - limits.minAgreement());
        if (lab) {
            o.put("false_alarm_rate", falseAlarm.mean());
            o.put("false_alarm_upper", falseAlarm.upper());
            o.put("miss_rate", miss.mean());
            o.put("miss_upper", miss.upper());
        }
        o.put("agreement", 1 - disagreement.mean());
        return o;
    }

    public double[][] snapshot() {
        return new double[][]{drop.snapshot(), disagreement.snapshot(), falseAlarm.snapshot(), miss.snapshot(),
                {dropSq, disSq}};
    }

    public void restore(double[][] s) {
        drop.restore(s[0]);
        disagreement.restore(s[1]);
        falseAlarm.restore(s[2]);
        miss.restore(s[3]);
        dropSq = s[4][0];
        disSq = s[4][1];
    }
}
