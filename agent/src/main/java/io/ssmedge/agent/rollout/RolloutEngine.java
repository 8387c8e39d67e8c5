package io.ssmedge.agent.rollout;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ssmedge.agent.command.CommandResult;
import io.ssmedge.agent.config.RolloutConfig;
import io.ssmedge.agent.rollout.stats.BernoulliCusum;
import io.ssmedge.agent.rollout.stats.InputDrift;
import io.ssmedge.agent.rollout.stats.Observation;
import io.ssmedge.agent.rollout.stats.WindowDecorrelator;
import io.ssmedge.agent.rollout.store.AtomicFiles;
import io.ssmedge.agent.rollout.store.CrashHook;
import io.ssmedge.agent.rollout.store.EventJournal;
import io.ssmedge.agent.rollout.store.ModelStore;
import io.ssmedge.agent.rollout.store.ModelVerificationException;
import io.ssmedge.data.WindowSet;
import io.ssmedge.inference.WindowSpec;
import io.ssmedge.inference.WindowedStream;
import io.ssmedge.model.InputNormalization;
import io.ssmedge.model.SsmModel;
import io.ssmedge.pruning.Pruner;
import io.ssmedge.pruning.PruningPlan;
import io.ssmedge.pruning.StepTimer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The staged pruning rollout: the one entry point of this package. It decides, the {@link DeploymentPort}
 * switches. The same code runs in the daemon and in the offline rehearsal.
 *
 * <p>Per stage (ratio r, candidate = the ORIGINAL model pruned at r):
 * <ol>
 *   <li>CALIBRATING: prune, store with SHA-256, judge on the calibration set by every limit ({@link CalibrationGate});</li>
 *   <li>SHADOW: the candidate runs beside the serving model; paired, decorrelated evidence
 *       ({@link WindowDecorrelator}, {@link GateEvidence}) until PASS (promote) or FAIL (quarantine);
 *       at the deadline an undecided gate is INCONCLUSIVE and never promotes;</li>
 *   <li>PROBATION: the previous model shadows the new one; FAIL with the rollback margin (hysteresis) rolls back
 *       at once (warm); after the configured evidence the stage is good and the next one starts;</li>
 *   <li>MONITORING (after the last stage, or while a failed stage waits for its backoff): the original model
 *       shadows a share of streams; a CUSUM tuned by its ARL ({@link BernoulliCusum}) rolls back to the last
 *       good stage (cold switch, re-warmed).</li>
 * </ol>
 * Failed stages are quarantined by (original version, ratio, method, limits) with exponential backoff; a
 * midpoint ratio is tried once. Input drift pauses. Every transition is committed to {@code state.json}
 * (atomic) before the journal line is appended and before the deployment switches, so a crash at any point
 * restarts on the old or the new model, both verified. Thread-safe (all public methods synchronized).
 */
public final class RolloutEngine {
    private static final Logger LOG = LoggerFactory.getLogger(RolloutEngine.class);
    private static final ObjectMapper JSON = new ObjectMapper().disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);
    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    private static final int CHECKPOINT_EVERY = 50;
    private static final int WATCH_WARMUP = 200;

    /** Where the rollout is. */
    public enum Phase { CALIBRATING, SHADOW, PROBATION, MONITORING, WAITING, PAUSED, DONE }

    /** Optional settings of an engine. */
    public record Options(CrashHook crash, boolean measureStepTime, boolean logEvents) {
        public static Options daemon() {
            return new Options(CrashHook.NONE, true, true);
        }

        /** Rehearsals and tests: no step timing (deterministic), events not logged (the caller prints them). */
        public static Options offline(CrashHook crash) {
            return new Options(crash, false, false);
        }
    }

    private final RolloutConfig cfg;
    private final SsmModel original;
    private final WindowSpec spec;
    private final DeploymentPort port;
    private final Clock clock;
    private final CalibrationGate calibration;
    private final Options options;
    private final ModelStore store;
    private final EventJournal journal;
    private final Path stateFile;
    private final Map<Integer, StageModel> models = new HashMap<>();
    private final WindowDecorrelator gateWindows;
    private final WindowDecorrelator watchWindows;
    private final InputDrift drift;
    private final List<Consumer<ObjectNode>> listeners = new CopyOnWriteArrayList<>();
    private RolloutState st;
    private GateEvidence evidence;
    private Watch watch;
    private int sinceCheckpoint;

    /**
     * @param original    the model the agent was configured with (stage 0)
     * @param spec        the agent's windowing (decorrelation and bytes per stream)
     * @param calibration labeled calibration windows, or null for no calibration gate
     */
    public RolloutEngine(RolloutConfig cfg, SsmModel original, WindowSpec spec, DeploymentPort port, Clock clock,
                         WindowSet calibration, Options options) {
        this.cfg = cfg;
        this.original = original;
        this.spec = spec;
        this.port = port;
        this.clock = clock;
        this.options = options;
        this.calibration = calibration == null ? null : new CalibrationGate(calibration, cfg.limits());
        if (cfg.dataDir() == null) {
            throw new IllegalArgumentException("rollout: no data folder (set data_dir; the rollout keeps data_dir/rollout)");
        }
        Path dir = cfg.dataDir().resolve("rollout");
        this.store = new ModelStore(dir.resolve("models"), options.crash());
        this.journal = new EventJournal(dir.resolve("events.jsonl"), options.crash());
        this.stateFile = dir.resolve("state.json");
        int thin = WindowDecorrelator.thinning(spec.length(), spec.stride(), spec.continuous());
        this.gateWindows = new WindowDecorrelator(thin, cfg.statistics().blockWindows());
        this.watchWindows = new WindowDecorrelator(thin, 1);
        InputNormalization norm = original.normalization();
        if (norm.isIdentity() || cfg.drift().limit() <= 0) {
            drift = null;
        } else {
            float[] mean = new float[norm.size()];
            float[] std = new float[norm.size()];
            for (int i = 0; i < mean.length; i++) {
                mean[i] = norm.mean(i);
                std[i] = norm.std(i);
            }
            drift = new InputDrift(mean, std, cfg.drift().limit(), cfg.drift().halfLife());
        }
    }

    /** Receives every event after it is committed (for MQTT publishing); called under the engine's lock. */
    public void addEventListener(Consumer<ObjectNode> l) {
        listeners.add(l);
    }

    // ------------------------------------------------------------------ start and resume

    /**
     * Loads the saved state (or starts fresh), verifies the model to serve, makes the deployment serve it and
     * resumes the phase. Returns the serving model.
     */
    public synchronized StageModel start() {
        st = readState();
        boolean fresh = st == null;
        if (fresh) {
            st = new RolloutState();
            st.stages.addAll(cfg.ratios());
        }
        StageModel orig = stageModel(0);
        if (!fresh && st.originalVersion != null && !st.originalVersion.equals(orig.version())) {
            LOG.warn("the configured model ({}) is not the one this rollout started from ({}); starting a new rollout",
                    orig.version(), st.originalVersion);
            st = new RolloutState();
            st.stages.addAll(cfg.ratios());
            st.versions.put(0, orig.version());
            fresh = true;
        }
        st.originalVersion = orig.version();
        replayPending();
        StageModel serving = stageModel(st.servingRatio);
        if (!serving.original()) {
            port.replaceServing(serving);
        }
        if (fresh || st.phase == null) {
            advance();
            return serving;
        }
        LOG.info("rollout resumes in {} serving {}", st.phase, serving.describe());
        Phase p = st.phase == Phase.PAUSED ? st.pausedFrom : st.phase;
        if (p == Phase.SHADOW || p == Phase.PROBATION) {
            evidence = newEvidence(p == Phase.PROBATION);
            if (st.evidence != null) {
                evidence.restore(st.evidence);
            }
        }
        switch (st.phase) {
            case CALIBRATING -> startStage(st.candidateRatio);
            case SHADOW -> port.startShadow(stageModel(st.candidateRatio), cfg.shadow().streamShare());
            case PROBATION -> port.startShadow(stageModel(st.previousRatio), 1.0);
            case MONITORING, WAITING -> startWatch();
            case PAUSED -> {
                if (p == Phase.PROBATION) {
                    port.startShadow(stageModel(st.previousRatio), 1.0);
                }
            }
            case DONE -> { }
        }
        return serving;
    }

    private RolloutState readState() {
        if (!Files.exists(stateFile)) {
            return null;
        }
        try {
            return JSON.readValue(stateFile.toFile(), RolloutState.class);
        } catch (IOException e) {
            // written atomically, so this is damage from outside: keep a copy and start over on the original model
            LOG.error("{}: unreadable rollout state ({}); starting over from the original model", stateFile, e.getMessage());
            try {
                Files.move(stateFile, stateFile.resolveSibling("state.json.damaged"),
                        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            } catch (IOException ignored) {
                // the next write replaces it anyway
            }
            return null;
        }
    }

    /** Events committed in the state but missing from the journal (crash between the two writes). */
    private void replayPending() {
        long last = journal.recent().isEmpty() ? 0 : journal.recent().get(journal.recent().size() - 1).path("seq").asLong();
        for (ObjectNode e : st.pending) {
            if (e.path("seq").asLong() > last) {
                journal.append(e);
            }
        }
    }

    // ------------------------------------------------------------------ models

    /** The model of a ratio: loaded from the store and verified, or made by pruning the original and stored. */
    private StageModel stageModel(int ratio) {
        StageModel m = models.get(ratio);
        if (m != null) {
            return m;
        }
        SsmModel model = null;
        String version;
        int[][] kept;
        if (ratio == 0) {
            // stored like every stage (its bytes name the rollout), loaded from the configured source
            model = original;
            kept = allUnits(original);
            version = store.save("original", original);
        } else {
            String name = ratio + "-" + cfg.method().key();
            PruningPlan plan = Pruner.plan(original, cfg.method(), ratio);           // ratio in %
            kept = plan.kept();
            version = st.versions.get(ratio);
            if (version != null) {
                try {
                    model = store.load(name, version);
                } catch (ModelVerificationException e) {
                    LOG.warn("{}; rebuilding it from the original model", e.getMessage());
                }
            }
            if (model == null) {
                String v = store.save(name, Pruner.apply(original, plan));
                if (version != null && !version.equals(v)) {
                    LOG.warn("rebuilt {} has version {} (was {})", name, v, version);
                }
                version = v;
                model = store.load(name, v);
            }
        }
        st.versions.put(ratio, version);
        double us = options.measureStepTime() ? StepTimer.nanosPerStep(model, 2000, 3) / 1000.0 : Double.NaN;
        long bytes = new WindowedStream(model, spec).stateBytes();
        m = new StageModel(ratio, ratio == 0 ? null : cfg.method(), model, version, kept, us, bytes);
        models.put(ratio, m);
        return m;
    }

    private static int[][] allUnits(SsmModel m) {
        int[] u = m.unitsPerLayer();
        int[][] k = new int[u.length][];
        for (int l = 0; l < u.length; l++) {
            k[l] = new int[u[l]];
            for (int i = 0; i < u[l]; i++) {
                k[l][i] = i;
            }
        }
        return k;
    }

    // ------------------------------------------------------------------ stage flow

    private Integer nextRatio() {
        for (int r : st.stages) {
            if (r > st.servingRatio) {
                return r;
            }
        }
        return null;
    }

    private String quarantineKey(int ratio) {
        RolloutConfig.Limits l = cfg.limits();
        return String.format(Locale.ROOT, "%s|%d|%s|drop=%.4f,fa=%.4f,miss=%.4f,agree=%.4f", st.originalVersion, ratio,
                cfg.method().key(), l.maxAccuracyDrop(), l.maxFalseAlarmRate(), l.maxMissRate(), l.minAgreement());
    }

    private void advance() {
        Integer next = nextRatio();
        if (next == null) {
            finish();
            return;
        }
        RolloutState.QuarantineEntry q = st.quarantine.get(quarantineKey(next));
        long now = clock.millis();
        if (q != null && now < q.untilMs && !q.retryRequested) {
            st.phase = Phase.WAITING;
            st.waitUntilMs = q.untilMs;
            st.reason = String.format(Locale.ROOT, "stage %d %% failed (%s); next try after %s", next, q.reason,
                    Instant.ofEpochMilli(q.untilMs));
            st.evidence = null;
            evidence = null;
            writeState();
            startWatch();
            return;
        }
        if (q != null) {
            q.retryRequested = false;
        }
        startStage(next);
    }

    private void finish() {
        boolean watching = st.servingRatio > 0 && cfg.monitoring().shadowShare() > 0;
        st.phase = watching ? Phase.MONITORING : Phase.DONE;
        st.reason = st.servingRatio > 0 ? "all stages decided; serving " + stageModel(st.servingRatio).describe()
                : "all stages decided; serving the original model";
        st.evidence = null;
        evidence = null;
        List<ObjectNode> events = new ArrayList<>();
        if (!st.doneAnnounced) {
            st.doneAnnounced = true;
            events.add(event("done", null, st.reason, stageModel(st.servingRatio)));
        }
        commit(events);
        startWatch();
    }

    private void startStage(int ratio) {
        st.phase = Phase.CALIBRATING;
        st.candidateRatio = ratio;
        st.afterRollback = false;
        st.doneAnnounced = false;
        st.phaseStartMs = clock.millis();
        st.evidence = null;
        st.calibration = null;
        st.reason = "preparing the " + ratio + " % stage";
        evidence = null;
        port.stopShadow();
        watch = null;
        StageModel c = stageModel(ratio);
        commit(List.of(event("stage_started", null, "stage " + ratio + " % started: " + c.describe() + ", "
                + sum(c.keptPerLayer()) + " of " + original.totalUnits() + " states kept", c)));
        if (calibration != null) {
            CalibrationGate.Result r = calibration.judge(original, c.model());
            ObjectNode cal = F.objectNode();
            cal.put("accuracy", r.accuracy());
            cal.put("original_accuracy", r.originalAccuracy());
            cal.put("false_alarm_rate", r.falseAlarmRate());
            cal.put("miss_rate", r.missRate());
            cal.put("agreement", r.agreement());
            cal.put("windows", r.windows());
            st.calibration = cal;
            if (r.verdict().outcome() == Verdict.Outcome.FAIL) {
                failStage("calibration", r.verdict().reason(), calibrationFields(r));
                return;
            }
            ObjectNode e = event("gate_passed", "calibration", r.verdict().reason(), c);
            e.setAll(calibrationFields(r));
            commit(List.of(e));
        }
        enterShadow(c);
    }

    private static ObjectNode calibrationFields(CalibrationGate.Result r) {
        ObjectNode o = F.objectNode();
        o.put("n", r.windows());
        o.put("estimate", r.drop());
        o.put("accuracy", r.accuracy());
        o.put("false_alarm_rate", r.falseAlarmRate());
        o.put("miss_rate", r.missRate());
        return o;
    }

    private GateEvidence newEvidence(boolean probation) {
        return new GateEvidence(cfg.limits(), cfg.statistics(), probation ? cfg.statistics().rollbackMargin() : 0);
    }

    private void enterShadow(StageModel c) {
        st.phase = Phase.SHADOW;
        st.phaseStartMs = clock.millis();
        st.deadlineMs = st.phaseStartMs + hoursMs(cfg.shadow().deadlineHours());
        st.reason = "collecting paired evidence: " + c.describe() + " beside " + stageModel(st.servingRatio).describe();
        evidence = newEvidence(false);
        gateWindows.clear();
        st.evidence = evidence.snapshot();
        writeState();
        port.startShadow(c, cfg.shadow().streamShare());
    }

    private static long hoursMs(double h) {
        return (long) (h * 3_600_000L);
    }

    private void promote() {
        StageModel c = stageModel(st.candidateRatio);
        ObjectNode passed = event("gate_passed", "shadow", evidenceSentence("promote"), c);
        passed.setAll(evidenceFields());
        st.previousRatio = st.servingRatio;
        st.servingRatio = st.candidateRatio;
        st.phase = Phase.PROBATION;
        st.phaseStartMs = clock.millis();
        st.probationN = 0;
        st.reason = "probation: " + stageModel(st.previousRatio).describe() + " runs beside the new serving model";
        ObjectNode promoted = event("promoted", "shadow", "switched to " + c.describe() + gain(c), c);
        promoted.setAll(evidenceFields());
        evidence = newEvidence(true);
        gateWindows.clear();
        st.evidence = evidence.snapshot();
        commit(List.of(passed, promoted));
        port.promote();
    }

    private String gain(StageModel c) {
        StageModel o = stageModel(0);
        String s = String.format(Locale.ROOT, "; memory per stream %,d -> %,d bytes", o.bytesPerStream(), c.bytesPerStream());
        if (!Double.isNaN(c.stepMicros()) && !Double.isNaN(o.stepMicros())) {
            s += String.format(Locale.ROOT, ", step %.2f -> %.2f µs", o.stepMicros(), c.stepMicros());
        }
        return s;
    }

    private void passProbation(String why) {
        int r = st.servingRatio;
        if (!st.good.contains(r)) {
            st.good.add(r);
            Collections.sort(st.good);
        }
        ObjectNode e = event("gate_passed", "probation", why, stageModel(r));
        e.setAll(evidenceFields());
        st.phase = Phase.WAITING;          // a restart right after this commit goes on with the next stage
        st.waitUntilMs = 0;
        st.evidence = null;
        evidence = null;
        commit(List.of(e));
        port.stopShadow();
        advance();
    }

    /** A stage failed at a gate before serving: quarantine it, maybe add the midpoint, continue. */
    private void failStage(String gate, String reason, ObjectNode figures) {
        int r = st.candidateRatio;
        port.stopShadow();
        StageModel c = stageModel(r);
        ObjectNode failed = event("gate_failed", gate, reason, c);
        if (figures != null) {
            failed.setAll(figures);
        }
        List<ObjectNode> events = new ArrayList<>(List.of(failed));
        events.add(quarantine(r, gate + " gate: " + reason));
        st.phase = Phase.WAITING;
        st.waitUntilMs = 0;
        st.evidence = null;
        evidence = null;
        commit(events);
        advance();
    }

    private ObjectNode quarantine(int r, String reason) {
        String key = quarantineKey(r);
        RolloutState.QuarantineEntry q = st.quarantine.computeIfAbsent(key, k -> new RolloutState.QuarantineEntry());
        q.ratio = r;
        q.failures++;
        q.reason = reason;
        q.retryRequested = false;
        RolloutConfig.Backoff b = cfg.backoff();
        double minutes = Math.min(b.initialMinutes() * Math.pow(b.factor(), q.failures - 1), b.maxHours() * 60);
        q.untilMs = clock.millis() + (long) (minutes * 60_000);
        String text = String.format(Locale.ROOT, "stage %d %% quarantined after failure %d; retried after %s or by command",
                r, q.failures, Instant.ofEpochMilli(q.untilMs));
        int lastGood = st.servingRatio;
        int mid = (lastGood + r) / 2;
        boolean configured = cfg.ratios().contains(r);     // a midpoint that fails gets no midpoint of its own
        if (cfg.midpointRetry() && configured && mid > lastGood && mid < r && !st.stages.contains(mid)
                && !st.midpointsTried.contains(r)) {
            st.stages.add(mid);
            Collections.sort(st.stages);
            st.midpointsTried.add(r);
            text += "; trying the midpoint " + mid + " % once";
        }
        ObjectNode e = event("quarantined", null, text, stageModel(r));
        e.put("reason", text + " (" + reason + ")");
        return e;
    }

    /** Probation found a significant drop: the warm previous model serves again, at once. */
    private void rollbackProbation(String reason) {
        int failedRatio = st.servingRatio;
        StageModel failedModel = stageModel(failedRatio);
        ObjectNode failed = event("gate_failed", "probation", reason, failedModel);
        failed.setAll(evidenceFields());
        st.servingRatio = st.previousRatio;
        st.candidateRatio = failedRatio;
        ObjectNode rolled = event("rolled_back", "probation", "switched back to " + stageModel(st.servingRatio).describe()
                + " without a gap (its states were warm): " + reason, stageModel(st.servingRatio));
        ObjectNode q = quarantine(failedRatio, "probation: " + reason);
        st.afterRollback = true;
        st.evidence = null;
        evidence = null;
        st.phase = Phase.WAITING;
        commit(List.of(failed, rolled, q));
        port.rollback();
        port.stopShadow();
        afterRollback();
    }

    /** Monitoring (or an operator) found the serving stage bad: cold switch to the last good stage. */
    private void rollbackServing(String gate, String reason) {
        int failedRatio = st.servingRatio;
        st.good.remove(Integer.valueOf(failedRatio));
        int target = 0;
        for (int g : st.good) {
            if (g < failedRatio) {
                target = Math.max(target, g);
            }
        }
        StageModel t = stageModel(target);
        st.servingRatio = target;
        st.candidateRatio = failedRatio;
        ObjectNode rolled = event("rolled_back", gate, "switched back to " + t.describe()
                + " (cold switch: re-warmed from the " + port.rewarmSamples() + " most recent samples of each stream, so "
                + "its open windows continue with no gap): " + reason, t);
        ObjectNode q = quarantine(failedRatio, gate + ": " + reason);
        st.afterRollback = true;
        st.phase = Phase.WAITING;
        st.evidence = null;
        evidence = null;
        commit(List.of(rolled, q));
        port.stopShadow();
        port.replaceServing(t);
        afterRollback();
    }

    private void afterRollback() {
        watch = null;
        String why = st.reason;
        advance();
        if (st.phase == Phase.WAITING) {
            st.reason = "rolled back; " + st.reason;
            writeState();
        } else {
            LOG.info("after rollback ({}) the rollout continues with {}", why, st.phase);
        }
    }

    // ------------------------------------------------------------------ monitoring

    /** CUSUM watch of the serving model against the original on a share of streams. */
    private final class Watch {
        final boolean labeled;
        long warm;
        double warmSum;
        BernoulliCusum cusum;

        Watch(boolean labeled) {
            this.labeled = labeled;
        }

        /** x: 1[original right, serving wrong] with labels, else 1[they disagree]; true = alarm. */
        boolean add(double x) {
            if (cusum == null) {
                warm++;
                warmSum += x;
                if (warm >= WATCH_WARMUP) {
                    double p0 = Math.max(0.005, warmSum / warm);
                    double p1 = Math.min(0.99, p0 + cfg.monitoring().detectDrop());
                    cusum = BernoulliCusum.forArl(p0, p1, cfg.monitoring().arlWindows());
                }
                return false;
            }
            return cusum.add(x);
        }
    }

    private void startWatch() {
        watchWindows.clear();
        if (st.servingRatio > 0 && cfg.monitoring().shadowShare() > 0
                && (st.phase == Phase.MONITORING || st.phase == Phase.WAITING)) {
            port.startShadow(stageModel(0), cfg.monitoring().shadowShare());
        } else {
            port.stopShadow();
        }
        watch = null;
    }

    private boolean watching() {
        return (st.phase == Phase.MONITORING || st.phase == Phase.WAITING) && st.servingRatio > 0
                && cfg.monitoring().shadowShare() > 0;
    }

    // ------------------------------------------------------------------ inputs

    /**
     * One window both models completed on the same samples.
     *
     * @param servingRatio ratio of the model that served it (0 = original)
     * @param shadowRatio  ratio of the shadow model
     * @param label        true class, −1 when unknown
     */
    public synchronized void onPair(String stream, int servingRatio, int servingClass, int shadowRatio, int shadowClass,
                                    int label) {
        if (st == null) {
            return;
        }
        switch (st.phase) {
            case SHADOW -> {
                if (servingRatio != st.servingRatio || shadowRatio != st.candidateRatio) {
                    return;
                }
                Observation o = gateWindows.offer(stream, servingClass, shadowClass, label);
                if (o == null) {
                    return;
                }
                evidence.add(o);
                Verdict v = evidence.verdict(true);
                if (v.outcome() == Verdict.Outcome.PASS) {
                    promote();
                } else if (v.outcome() == Verdict.Outcome.FAIL) {
                    ObjectNode fig = evidenceFields();
                    failStage("shadow", v.reason(), fig);
                } else {
                    checkpoint();
                }
            }
            case PROBATION -> {
                if (servingRatio != st.servingRatio || shadowRatio != st.previousRatio) {
                    return;
                }
                // reference = the previous model (shadow), candidate = the new serving model
                Observation o = gateWindows.offer(stream, shadowClass, servingClass, label);
                if (o == null) {
                    return;
                }
                evidence.add(o);
                st.probationN++;
                Verdict v = evidence.verdict(false);
                if (v.outcome() == Verdict.Outcome.FAIL) {
                    rollbackProbation(v.reason());
                } else if (st.probationN >= cfg.probation().evidence()) {
                    passProbation(String.format(Locale.ROOT, "no significant drop in %d observations; %s", st.probationN,
                            evidenceSentence("probation")));
                } else {
                    checkpoint();
                }
            }
            case MONITORING, WAITING -> {
                if (!watching() || servingRatio != st.servingRatio || shadowRatio != 0) {
                    return;
                }
                Observation o = watchWindows.offer(stream, shadowClass, servingClass, label);
                if (o == null) {
                    return;
                }
                boolean lab = o.hasLabels();
                if (watch == null || watch.labeled != lab) {
                    if (watch != null && watch.labeled) {
                        return;          // a labeled watch ignores the occasional unlabeled window
                    }
                    watch = new Watch(lab);
                }
                double x = lab ? (o.drop() > 0 ? 1 : 0) : o.disagreement();
                if (watch.add(x)) {
                    rollbackServing("monitoring", String.format(Locale.ROOT,
                            "change detector: %s rose from %.1f %% toward %.1f %% (false alarm about once per %,.0f observations)",
                            lab ? "windows the original got right and the serving model wrong" : "disagreement with the original",
                            100 * watch.cusum.p0(), 100 * watch.cusum.p1(), cfg.monitoring().arlWindows()));
                }
            }
            default -> { }
        }
    }

    /**
     * A block of raw sensor samples (count, per-channel mean and variance; see {@code InputAccumulator}) for the
     * input-drift check, which runs after every block. The daemon hands over the blocks its workers accumulated,
     * the rehearsal those of its replay: the same decision either way.
     */
    public synchronized void onInputs(long count, double[] mean, double[] variance) {
        if (drift == null || st == null || count <= 0) {
            return;
        }
        drift.add(count, mean, variance);
        checkDrift();
    }

    private void checkDrift() {
        if (drift.drifted()) {
            boolean pausable = st.phase == Phase.CALIBRATING || st.phase == Phase.SHADOW || st.phase == Phase.PROBATION
                    || st.phase == Phase.WAITING;
            String ch = original.channels().get(drift.worstChannel());
            String why = String.format(Locale.ROOT, "input drift: channel %s moved %.1f training standard deviations "
                    + "(spread x%.1f; limit %.1f); the pruned models were only checked on the old inputs", ch, drift.shift(),
                    drift.spread(), cfg.drift().limit());
            if (pausable) {
                ObjectNode d = event("drift", gateName(st.phase), why, stageModel(st.servingRatio));
                pause("drift", why, d);
            }
        } else if (st.phase == Phase.PAUSED && "drift".equals(st.pauseKind) && drift.cleared()) {
            resumeInternal("input drift cleared");
        }
    }

    /** Deadlines, backoff and the periodic checkpoint; call every second or so (the rehearsal: per window). */
    public synchronized void tick() {
        if (st == null) {
            return;
        }
        long now = clock.millis();
        switch (st.phase) {
            case SHADOW -> {
                if (now >= st.deadlineMs) {
                    inconclusive();
                }
            }
            case PROBATION -> {
                if (now >= st.phaseStartMs + hoursMs(cfg.probation().maxHours())) {
                    passProbation(String.format(Locale.ROOT, "probation time over after %d observations without a "
                            + "significant drop; %s", st.probationN, evidenceSentence("probation")));
                }
            }
            case WAITING -> {
                if (now >= st.waitUntilMs) {
                    advance();
                }
            }
            default -> { }
        }
    }

    private void inconclusive() {
        String why = "inconclusive at the deadline: " + evidence.verdict(true).reason() + "; " + evidenceSentence("inconclusive");
        ObjectNode e = event("inconclusive", "shadow", why, stageModel(st.candidateRatio));
        e.setAll(evidenceFields());
        if (cfg.shadow().deadlineAction() == RolloutConfig.DeadlineAction.FAIL) {
            commit(List.of(e));
            failStage("shadow", why, evidenceFields());
        } else {
            pause("inconclusive", why + "; staying on " + stageModel(st.servingRatio).describe()
                    + " (resume to keep collecting, retry-stage to start over)", e);
        }
    }

    // ------------------------------------------------------------------ commands

    public synchronized CommandResult pause(String source) {
        if (st.phase == Phase.PAUSED) {
            return CommandResult.rejected("the rollout is already paused: " + st.reason);
        }
        if (st.phase == Phase.DONE) {
            return CommandResult.rejected("the rollout is done; nothing to pause");
        }
        pause("manual", "paused by " + source, null);
        return CommandResult.ok("rollout paused; " + stageModel(st.servingRatio).describe() + " keeps serving");
    }

    private void pause(String kind, String why, ObjectNode cause) {
        st.pausedFrom = st.phase;
        st.pauseKind = kind;
        st.phase = Phase.PAUSED;
        st.reason = why;
        List<ObjectNode> events = new ArrayList<>();
        if (cause != null) {
            events.add(cause);
        }
        ObjectNode p = event("paused", gateName(st.pausedFrom), why, stageModel(st.servingRatio));
        if (evidence != null) {
            p.setAll(evidenceFields());
        }
        events.add(p);
        commit(events);
        if (st.pausedFrom != Phase.PROBATION) {
            port.stopShadow();     // in probation the warm previous model stays, so a rollback stays instant
        }
    }

    public synchronized CommandResult resume(String source) {
        if (st.phase != Phase.PAUSED) {
            return CommandResult.rejected("the rollout is not paused (it is " + statusName() + ")");
        }
        if (drift != null && drift.drifted()) {
            return CommandResult.rejected("the inputs are still drifted (" + st.reason + ")");
        }
        resumeInternal("resumed by " + source);
        return CommandResult.ok("rollout resumed: " + statusName());
    }

    private void resumeInternal(String why) {
        Phase p = st.pausedFrom == null ? Phase.WAITING : st.pausedFrom;
        st.phase = p;
        st.pausedFrom = null;
        st.pauseKind = null;
        commit(List.of(event("resumed", gateName(p), why, stageModel(st.servingRatio))));
        switch (p) {
            case CALIBRATING -> startStage(st.candidateRatio);
            case SHADOW -> {
                st.deadlineMs = clock.millis() + hoursMs(cfg.shadow().deadlineHours());
                st.reason = "collecting paired evidence (resumed)";
                writeState();
                port.startShadow(stageModel(st.candidateRatio), cfg.shadow().streamShare());
            }
            case PROBATION -> st.reason = "probation (resumed)";
            case MONITORING, WAITING -> advance();
            default -> { }
        }
    }

    public synchronized CommandResult rollback(String source) {
        switch (st.phase) {
            case PROBATION -> {
                rollbackProbation("rollback requested by " + source);
                return CommandResult.ok("switched back to " + stageModel(st.servingRatio).describe());
            }
            case CALIBRATING, SHADOW -> {
                failStage(st.phase == Phase.SHADOW ? "shadow" : "calibration", "stage abandoned by " + source, null);
                return CommandResult.ok("stage abandoned; " + stageModel(st.servingRatio).describe() + " keeps serving");
            }
            default -> {
                if (st.servingRatio == 0) {
                    return CommandResult.rejected("already serving the original model");
                }
                if (st.phase == Phase.PAUSED && st.pausedFrom == Phase.PROBATION) {
                    st.phase = Phase.PROBATION;
                    rollbackProbation("rollback requested by " + source);
                } else {
                    rollbackServing("monitoring", "rollback requested by " + source);
                }
                return CommandResult.ok("switched back to " + stageModel(st.servingRatio).describe());
            }
        }
    }

    /** Clears the quarantine of {@code ratio} (null: the next stage) and starts it now. */
    public synchronized CommandResult retryStage(Integer ratio, String source) {
        if (st.phase == Phase.SHADOW || st.phase == Phase.PROBATION || st.phase == Phase.CALIBRATING) {
            return CommandResult.rejected("a stage is in progress (" + statusName() + "); pause or roll back first");
        }
        int r = ratio != null ? ratio : nextRatio() != null ? nextRatio() : st.candidateRatio;
        if (r <= st.servingRatio || r <= 0 || r >= 100) {
            return CommandResult.rejected("no stage above the serving " + st.servingRatio + " % to retry" + (ratio != null
                    ? " at " + ratio + " %" : ""));
        }
        if (!st.stages.contains(r)) {
            st.stages.add(r);
            Collections.sort(st.stages);
        }
        RolloutState.QuarantineEntry q = st.quarantine.get(quarantineKey(r));
        if (q != null) {
            q.retryRequested = true;
            q.untilMs = clock.millis();
        }
        // stages between the serving one and r are skipped only if the operator asks for r explicitly
        st.stages.removeIf(s -> s > st.servingRatio && s < r);
        st.phase = Phase.WAITING;
        st.pausedFrom = null;
        st.pauseKind = null;
        commit(List.of(event("resumed", null, "retry of stage " + r + " % requested by " + source, stageModel(st.servingRatio))));
        advance();
        return CommandResult.ok("stage " + r + " % started again (" + statusName() + ")");
    }

    /** Runs the current stage's gates again from the calibration gate, with fresh evidence. */
    public synchronized CommandResult rerunGates(String source) {
        boolean stageWork = st.phase == Phase.SHADOW || st.phase == Phase.CALIBRATING
                || (st.phase == Phase.PAUSED && (st.pausedFrom == Phase.SHADOW || st.pausedFrom == Phase.CALIBRATING));
        if (!stageWork) {
            return CommandResult.rejected("no stage is being gated (" + statusName() + "); use retry-stage for a failed one");
        }
        st.pausedFrom = null;
        st.pauseKind = null;
        commit(List.of(event("resumed", null, "gates of stage " + st.candidateRatio + " % rerun by " + source,
                stageModel(st.servingRatio))));
        startStage(st.candidateRatio);
        return CommandResult.ok("stage " + st.candidateRatio + " % gates rerun (" + statusName() + ")");
    }

    // ------------------------------------------------------------------ status

    public synchronized String statusName() {
        if (st == null) {
            return "off";
        }
        return switch (st.phase) {
            case CALIBRATING -> "calibrating";
            case SHADOW -> "shadow";
            case PROBATION -> "probation";
            case MONITORING -> "monitoring";
            case PAUSED -> "paused";
            case DONE -> "done";
            case WAITING -> st.afterRollback ? "rolled_back" : watching() ? "monitoring" : "paused";
        };
    }

    public synchronized Phase phase() {
        return st == null ? null : st.phase;
    }

    public synchronized int servingRatio() {
        return st.servingRatio;
    }

    /** The original model (stage 0). */
    public synchronized StageModel original() {
        return stageModel(0);
    }

    public synchronized StageModel serving() {
        return stageModel(st.servingRatio);
    }

    /** The status "rollout" object (see CONTRACTS.md). */
    public synchronized ObjectNode status() {
        ObjectNode o = F.objectNode();
        if (st == null) {
            o.put("state", "off");
            return o;
        }
        o.put("state", statusName());
        o.put("reason", st.reason);
        int stageRatio = st.candidateRatio > 0 ? st.candidateRatio : st.servingRatio;
        ObjectNode stage = o.putObject("stage");
        stage.put("index", st.stages.indexOf(stageRatio) + 1);
        stage.put("of", st.stages.size());
        stage.put("ratio", stageRatio);
        stage.put("method", cfg.method().key());
        o.set("serving", modelJson(stageModel(st.servingRatio)));
        o.set("original", modelJson(stageModel(0)));
        if (evidence != null) {
            o.set("evidence", evidence.toJson());
        } else if (watch != null) {
            ObjectNode w = o.putObject("evidence");
            w.put("kind", watch.labeled ? "paired_accuracy" : "disagreement");
            w.put("n", watch.cusum == null ? watch.warm : watch.cusum.n());
            if (watch.cusum != null) {
                w.put("cusum", watch.cusum.statistic());
                w.put("threshold", watch.cusum.threshold());
                w.put("progress", watch.cusum.statistic() / watch.cusum.threshold());
            }
        }
        if (drift != null) {
            o.set("drift", driftJson());
        }
        ObjectNode lim = o.putObject("limits");
        lim.put("max_accuracy_drop", cfg.limits().maxAccuracyDrop());
        lim.put("max_false_alarm_rate", cfg.limits().maxFalseAlarmRate());
        lim.put("max_miss_rate", cfg.limits().maxMissRate());
        lim.put("min_agreement", cfg.limits().minAgreement());
        ArrayNode ev = o.putArray("events");
        journal.recent().forEach(ev::add);
        return o;
    }

    /**
     * Input drift against the training statistics: state ok, drifted or warming_up (fewer samples than one
     * half-life), the largest mean shift (training standard deviations) and spread factor, and the channel that
     * moved most.
     */
    private ObjectNode driftJson() {
        ObjectNode d = F.objectNode();
        d.put("state", !drift.ready() ? "warming_up" : drift.drifted() ? "drifted" : "ok");
        d.put("samples", drift.samples());
        d.put("shift", drift.shift());
        d.put("spread", drift.spread());
        d.put("limit", drift.limit());
        d.put("channel", original.channels().get(drift.worstChannel()));
        return d;
    }

    private ObjectNode modelJson(StageModel m) {
        ObjectNode o = F.objectNode();
        o.put("ratio", m.ratio());
        o.put("model_version", m.version());
        ArrayNode k = o.putArray("kept_states_per_layer");
        for (int x : m.keptPerLayer()) {
            k.add(x);
        }
        if (!Double.isNaN(m.stepMicros())) {
            o.put("step_us", m.stepMicros());
        }
        o.put("bytes_per_stream", m.bytesPerStream());
        return o;
    }

    // ------------------------------------------------------------------ events and persistence

    private static String gateName(Phase p) {
        if (p == null) {
            return null;
        }
        return switch (p) {
            case CALIBRATING -> "calibration";
            case SHADOW -> "shadow";
            case PROBATION -> "probation";
            case MONITORING, WAITING -> "monitoring";
            default -> null;
        };
    }

    private ObjectNode event(String type, String gate, String reason, StageModel m) {
        ObjectNode e = F.objectNode();
        e.put("time", Instant.ofEpochMilli(clock.millis()).toString());
        e.put("type", type);
        int r = m.ratio();
        int idx = st.stages.indexOf(r);
        if (idx >= 0) {
            e.put("stage_index", idx + 1);
        }
        e.put("ratio", r);
        e.put("method", m.original() ? "none" : m.method().key());
        if (gate != null) {
            e.put("gate", gate);
        } else {
            e.putNull("gate");
        }
        e.put("reason", reason);
        e.put("model_version", m.version());
        ArrayNode k = e.putArray("kept_states_per_layer");
        for (int x : m.keptPerLayer()) {
            k.add(x);
        }
        if (!Double.isNaN(m.stepMicros())) {
            e.put("step_us", m.stepMicros());
        }
        e.put("bytes_per_stream", m.bytesPerStream());
        return e;
    }

    private ObjectNode evidenceFields() {
        ObjectNode e = F.objectNode();
        if (evidence == null) {
            return e;
        }
        ObjectNode j = evidence.toJson();
        e.put("n", j.get("n").asLong());
        e.put("estimate", j.get("estimate").asDouble());
        e.put("lower", j.get("lower").asDouble());
        e.put("upper", j.get("upper").asDouble());
        e.put("limit", j.get("limit").asDouble());
        e.put("evidence_kind", j.get("kind").asText());
        if (evidence.labeled()) {
            e.put("false_alarm_rate", evidence.falseAlarm().mean());
            e.put("miss_rate", evidence.miss().mean());
        }
        return e;
    }

    /** One plain sentence with the evidence so far. */
    private String evidenceSentence(String what) {
        if (evidence == null) {
            return "";
        }
        ObjectNode j = evidence.toJson();
        if (evidence.labeled()) {
            return String.format(Locale.ROOT, "%d labeled observations: accuracy drop %.2f points (between %.2f and %.2f; "
                            + "limit %.2f), false alarms %.1f %%, misses %.1f %%; about %d observations needed",
                    j.get("n").asLong(), 100 * j.get("estimate").asDouble(), 100 * j.get("lower").asDouble(),
                    100 * j.get("upper").asDouble(), 100 * j.get("limit").asDouble(), 100 * evidence.falseAlarm().mean(),
                    100 * evidence.miss().mean(), j.get("needed").asLong());
        }
        return String.format(Locale.ROOT, "%d observations without labels: agreement %.1f %% (between %.1f and %.1f; "
                        + "limit %.1f); about %d observations needed", j.get("n").asLong(),
                100 * (1 - j.get("estimate").asDouble()), 100 * (1 - j.get("upper").asDouble()),
                100 * (1 - j.get("lower").asDouble()), 100 * (1 - j.get("limit").asDouble()), j.get("needed").asLong());
    }

    /** The commit point of a transition: state (with its events) first, then the journal, then listeners. */
    private void commit(List<ObjectNode> events) {
        for (ObjectNode e : events) {
            e.put("seq", ++st.seq);
            if (evidence != null && !e.has("n") && (e.get("type").asText().equals("gate_passed")
                    || e.get("type").asText().equals("gate_failed") || e.get("type").asText().equals("promoted"))) {
                e.setAll(evidenceFields());
            }
        }
        st.pending = new ArrayList<>(events);
        writeState();
        for (ObjectNode e : events) {
            journal.append(e);
            if (options.logEvents()) {
                LOG.info("rollout {}: {}", e.get("type").asText(), e.get("reason").asText());
            }
            for (Consumer<ObjectNode> l : listeners) {
                try {
                    l.accept(e);
                } catch (RuntimeException ex) {
                    LOG.warn("rollout event listener failed: {}", ex.toString());
                }
            }
        }
    }

    private void checkpoint() {
        if (++sinceCheckpoint >= CHECKPOINT_EVERY) {
            writeState();
        }
    }

    private void writeState() {
        sinceCheckpoint = 0;
        st.evidence = evidence == null ? null : evidence.snapshot();
        try {
            AtomicFiles.write(stateFile, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(st), options.crash());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + stateFile + ": " + e.getMessage(), e);
        }
    }

    /** The journal of this engine (tests and the rehearsal summary). */
    public Path journalFile() {
        return cfg.dataDir().resolve("rollout").resolve("events.jsonl");
    }

    private static int sum(int[] a) {
        int s = 0;
        for (int x : a) {
            s += x;
        }
        return s;
    }
}
