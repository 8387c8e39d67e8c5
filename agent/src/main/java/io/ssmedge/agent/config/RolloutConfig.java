package io.ssmedge.agent.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.ssmedge.pruning.PruningMethod;

import java.nio.file.Path;
import java.util.List;

/**
 * The staged pruning rollout (section {@code rollout}). Percentages and points in the YAML file are turned into
 * fractions here (1.5 points → 0.015), so the decision code only sees fractions 0..1.
 *
 * @param enabled     false = the agent serves its model unchanged
 * @param ratios      pruning ratios of the stages in %, strictly increasing, each 1..99; each stage's candidate
 *                    is the original model pruned at that ratio
 * @param method      how states are chosen ({@link PruningMethod}, default LAST)
 * @param dataDir     the folder under which the rollout keeps {@code rollout/} (state, pruned models, journal): the
 *                    agent's data_dir ({@link AgentConfig#withDataFolders}); null = not given (the deprecated
 *                    {@code rollout.data_dir} key overrides it)
 * @param calibration labeled calibration data on the gateway: a SKAB-style CSV file or folder, or windows as
 *                    .safetensors; null = no calibration gate (the shadow gate alone decides)
 * @param limits      the guard limits every gate is judged by
 * @param statistics  error rates and evidence settings of the sequential tests
 * @param shadow      the live shadow gate
 * @param probation   the period after a promotion with the previous model in shadow
 * @param monitoring  the watch after probation with the original model in shadow on a share of streams
 * @param backoff     when a failed stage may be tried again
 * @param midpointRetry after a failed stage, try once the ratio halfway between the last good stage and it
 * @param drift       input drift that pauses the rollout
 */
public record RolloutConfig(boolean enabled, List<Integer> ratios, PruningMethod method, Path dataDir, Path calibration,
                            Limits limits, Statistics statistics, Shadow shadow, Probation probation,
                            Monitoring monitoring, Backoff backoff, boolean midpointRetry, Drift drift) {
    public RolloutConfig {
        if (ratios == null || ratios.isEmpty()) {
            throw new IllegalArgumentException("ratios: expected a list of pruning ratios in %, e.g. [10, 20, 33, 45]");
        }
        int prev = 0;
        for (Integer r : ratios) {
            if (r == null || r < 1 || r > 99) {
                throw new IllegalArgumentException("ratios: expected whole percentages from 1 to 99, got " + r);
            }
            if (r <= prev) {
                throw new IllegalArgumentException("ratios: expected increasing ratios, got " + ratios);
            }
            prev = r;
        }
        ratios = List.copyOf(ratios);
        if (method == null || limits == null || statistics == null || shadow == null || probation == null
                || monitoring == null || backoff == null || drift == null) {
            throw new IllegalArgumentException("every part of the rollout section must be given");
        }
    }

    @JsonCreator
    static RolloutConfig fromYaml(@JsonProperty("enabled") Boolean enabled, @JsonProperty("ratios") List<Integer> ratios,
                                  @JsonProperty("method") String method, @JsonProperty("data_dir") String dataDir,
                                  @JsonProperty("calibration") String calibration, @JsonProperty("limits") Limits limits,
                                  @JsonProperty("statistics") Statistics statistics, @JsonProperty("shadow") Shadow shadow,
                                  @JsonProperty("probation") Probation probation,
                                  @JsonProperty("monitoring") Monitoring monitoring, @JsonProperty("backoff") Backoff backoff,
                                  @JsonProperty("midpoint_retry") Boolean midpointRetry, @JsonProperty("drift") Drift drift) {
        PruningMethod m;
        try {
            m = method == null ? PruningMethod.LAST : PruningMethod.parse(method);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("method: expected one of " + PruningMethod.keys() + ", got '" + method + "'");
        }
        String cal = Check.optional(calibration);
        return new RolloutConfig(enabled != null && enabled, ratios == null ? List.of(10, 20, 33, 45) : ratios, m,
                Check.optional(dataDir) == null ? null : Path.of(dataDir.trim()), cal == null ? null : Path.of(cal),
                limits == null ? Limits.defaults() : limits, statistics == null ? Statistics.defaults() : statistics,
                shadow == null ? Shadow.defaults() : shadow, probation == null ? Probation.defaults() : probation,
                monitoring == null ? Monitoring.defaults() : monitoring, backoff == null ? Backoff.defaults() : backoff,
                midpointRetry == null || midpointRetry, drift == null ? Drift.defaults() : drift);
    }

    public static RolloutConfig defaults() {
        return fromYaml(null, null, null, null, null, null, null, null, null, null, null, null, null);
    }

    public RolloutConfig withEnabled(boolean on) {
        return new RolloutConfig(on, ratios, method, dataDir, calibration, limits, statistics, shadow, probation, monitoring,
                backoff, midpointRetry, drift);
    }

    public RolloutConfig withDataDir(Path dir) {
        return new RolloutConfig(enabled, ratios, method, dir, calibration, limits, statistics, shadow, probation, monitoring,
                backoff, midpointRetry, drift);
    }

    public RolloutConfig withCalibration(Path cal) {
        return new RolloutConfig(enabled, ratios, method, dataDir, cal, limits, statistics, shadow, probation, monitoring,
                backoff, midpointRetry, drift);
    }

    public RolloutConfig withRatios(List<Integer> r) {
        return new RolloutConfig(enabled, r, method, dataDir, calibration, limits, statistics, shadow, probation, monitoring,
                backoff, midpointRetry, drift);
    }

    public RolloutConfig withLimits(Limits l) {
        return new RolloutConfig(enabled, ratios, method, dataDir, calibration, l, statistics, shadow, probation, monitoring,
                backoff, midpointRetry, drift);
    }

    public RolloutConfig withStatistics(Statistics s) {
        return new RolloutConfig(enabled, ratios, method, dataDir, calibration, limits, s, shadow, probation, monitoring,
                backoff, midpointRetry, drift);
    }

    public RolloutConfig withShadow(Shadow s) {
        return new RolloutConfig(enabled, ratios, method, dataDir, calibration, limits, statistics, s, probation, monitoring,
                backoff, midpointRetry, drift);
    }

    public RolloutConfig withProbation(Probation p) {
        return new RolloutConfig(enabled, ratios, method, dataDir, calibration, limits, statistics, shadow, p, monitoring,
                backoff, midpointRetry, drift);
    }

    public RolloutConfig withMonitoring(Monitoring m) {
        return new RolloutConfig(enabled, ratios, method, dataDir, calibration, limits, statistics, shadow, probation, m,
                backoff, midpointRetry, drift);
    }

    public RolloutConfig withDrift(Drift d) {
        return new RolloutConfig(enabled, ratios, method, dataDir, calibration, limits, statistics, shadow, probation,
                monitoring, backoff, midpointRetry, d);
    }

    public RolloutConfig withMidpointRetry(boolean on) {
        return new RolloutConfig(enabled, ratios, method, dataDir, calibration, limits, statistics, shadow, probation,
                monitoring, backoff, on, drift);
    }

    /** Relative folders are taken relative to {@code base} (the config file's folder). */
    RolloutConfig resolve(Path base) {
        return new RolloutConfig(enabled, ratios, method, dataDir == null ? null : base.resolve(dataDir).normalize(),
                calibration == null ? null : base.resolve(calibration).normalize(), limits, statistics, shadow, probation,
                monitoring, backoff, midpointRetry, drift);
    }

    /** A number from {@code min} to {@code max}; the message names the key. */
    static double real(String key, Double value, double dflt, double min, double max, String unit) {
        double v = value == null ? dflt : value;
        if (!(v >= min && v <= max)) {
            throw new IllegalArgumentException(key + ": expected a number from " + fmt(min) + " to " + fmt(max) + unit
                    + ", got " + fmt(v));
        }
        return v;
    }

    private static String fmt(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
    }

    /**
     * Guard limits, as fractions.
     *
     * @param maxAccuracyDrop   largest accuracy drop vs the model it replaces (shadow gate) and vs the original
     *                          (calibration gate); YAML {@code max_accuracy_drop} in points
     * @param maxFalseAlarmRate largest share of normal windows flagged as a fault; YAML in %
     * @param maxMissRate       largest share of fault windows reported normal; YAML in %
     * @param minAgreement      smallest share of windows where the candidate agrees with the model it is compared
     *                          with (decides streams without labels); YAML in %
     */
    public record Limits(double maxAccuracyDrop, double maxFalseAlarmRate, double maxMissRate, double minAgreement) {
        @JsonCreator
        static Limits fromYaml(@JsonProperty("max_accuracy_drop") Double drop,
                               @JsonProperty("max_false_alarm_rate") Double fa,
                               @JsonProperty("max_miss_rate") Double miss, @JsonProperty("min_agreement") Double agree) {
            return new Limits(real("max_accuracy_drop", drop, 1.0, 0.01, 50, " points") / 100,
                    real("max_false_alarm_rate", fa, 5, 0, 100, " %") / 100, real("max_miss_rate", miss, 30, 0, 100, " %") / 100,
                    real("min_agreement", agree, 95, 50, 100, " %") / 100);
        }

        public static Limits defaults() {
            return fromYaml(null, null, null, null);
        }
    }

    /**
     * Settings of the sequential tests.
     *
     * @param alpha             chance of promoting a stage whose true drop is at the limit (false promotion)
     * @param beta              chance of failing (or rolling back) a stage that is within its limits
     * @param minDetectableDrop the drop beyond the limit the "evidence needed" estimate is made for (fraction)
     * @param rollbackMargin    hysteresis: after a promotion, roll back only when the drop is shown above
     *                          limit + margin (fraction; YAML in points)
     * @param blockWindows      consecutive non-overlapping windows of one stream averaged into one observation
     *                          (per-stream block means, against correlated faults)
     */
    public record Statistics(double alpha, double beta, double minDetectableDrop, double rollbackMargin, int blockWindows) {
        @JsonCreator
        static Statistics fromYaml(@JsonProperty("alpha") Double alpha, @JsonProperty("beta") Double beta,
                                   @JsonProperty("min_detectable_drop") Double mdd,
                                   @JsonProperty("rollback_margin") Double margin,
                                   @JsonProperty("block_windows") Integer block) {
            return new Statistics(real("alpha", alpha, 0.05, 0.0001, 0.5, ""), real("beta", beta, 0.05, 0.0001, 0.5, ""),
                    real("min_detectable_drop", mdd, 2.0, 0.1, 50, " points") / 100,
                    real("rollback_margin", margin, 1.0, 0, 50, " points") / 100,
                    Check.range("block_windows", block, 4, 1, 1000));
        }

        public static Statistics defaults() {
            return fromYaml(null, null, null, null, null);
        }
    }

    /** What happens when a gate's deadline passes without a decision. */
    public enum DeadlineAction {
        /** stay on the current model, pause with the evidence so far (resume or retry by command) */
        @JsonProperty("stay") STAY,
        /** count the stage as failed (quarantine and backoff) */
        @JsonProperty("fail") FAIL
    }

    /**
     * The live shadow gate.
     *
     * @param streamShare    share of streams the candidate runs on (fraction; YAML in %)
     * @param deadlineHours  hours of shadow running without a decision before the deadline action
     * @param deadlineAction what an inconclusive deadline does (never promote)
     */
    public record Shadow(double streamShare, double deadlineHours, DeadlineAction deadlineAction) {
        @JsonCreator
        static Shadow fromYaml(@JsonProperty("stream_share") Double share, @JsonProperty("deadline_hours") Double hours,
                               @JsonProperty("deadline_action") DeadlineAction action) {
            return new Shadow(real("stream_share", share, 100, 1, 100, " %") / 100,
                    real("deadline_hours", hours, 24, 0.001, 24 * 365, " hours"), action == null ? DeadlineAction.STAY : action);
        }

        public static Shadow defaults() {
            return fromYaml(null, null, null);
        }
    }

    /**
     * After a promotion the previous model keeps running in shadow.
     *
     * @param evidence observations (decorrelated windows) without a significant drop that end probation
     * @param maxHours probation also ends after this many hours (the watch continues in monitoring)
     */
    public record Probation(int evidence, double maxHours) {
        @JsonCreator
        static Probation fromYaml(@JsonProperty("evidence") Integer evidence, @JsonProperty("max_hours") Double hours) {
            return new Probation(Check.range("evidence", evidence, 300, 1, 100_000_000),
                    real("max_hours", hours, 24, 0.001, 24 * 365, " hours"));
        }

        public static Probation defaults() {
            return fromYaml(null, null);
        }
    }

    /**
     * The long watch after probation.
     *
     * @param shadowShare    share of streams the original model shadows (fraction; YAML in %); 0 = no watch
     * @param arlWindows     average number of observations between two false rollbacks of a healthy model
     * @param detectDrop     the drop (fraction; YAML in points) the change detector is tuned to catch quickly
     */
    public record Monitoring(double shadowShare, double arlWindows, double detectDrop) {
        @JsonCreator
        static Monitoring fromYaml(@JsonProperty("shadow_share") Double share, @JsonProperty("arl_windows") Double arl,
                                   @JsonProperty("detect_drop") Double drop) {
            return new Monitoring(real("shadow_share", share, 5, 0, 100, " %") / 100,
                    real("arl_windows", arl, 100_000, 100, 1e12, " observations"),
                    real("detect_drop", drop, 5, 0.1, 50, " points") / 100);
        }

        public static Monitoring defaults() {
            return fromYaml(null, null, null);
        }
    }

    /**
     * Exponential backoff of a failed stage: the k-th failure waits initial × factor^(k−1), at most max.
     */
    public record Backoff(double initialMinutes, double factor, double maxHours) {
        @JsonCreator
        static Backoff fromYaml(@JsonProperty("initial_minutes") Double initial, @JsonProperty("factor") Double factor,
                                @JsonProperty("max_hours") Double max) {
            return new Backoff(real("initial_minutes", initial, 60, 0, 1e7, " minutes"), real("factor", factor, 2, 1, 100, ""),
                    real("max_hours", max, 168, 0, 1e6, " hours"));
        }

        public static Backoff defaults() {
            return fromYaml(null, null, null);
        }
    }

    /**
     * Input drift: live per-channel mean and spread against the model's training statistics.
     *
     * @param limit      largest shift of a channel's mean, in training standard deviations, before the rollout
     *                   pauses (also: spread more than this factor away from training's); 0 = no drift check
     * @param halfLife   samples after which an old sample's weight in the live statistics has halved
     */
    public record Drift(double limit, int halfLife) {
        @JsonCreator
        static Drift fromYaml(@JsonProperty("limit") Double limit, @JsonProperty("half_life_samples") Integer halfLife) {
            return new Drift(real("limit", limit, 3, 0, 1000, " standard deviations"),
                    Check.range("half_life_samples", halfLife, 2000, 10, 100_000_000));
        }

        public static Drift defaults() {
            return fromYaml(null, null);
        }
    }
}
