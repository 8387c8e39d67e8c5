package io.ssmedge.agent.rollout;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ssmedge.agent.config.RolloutConfig;
import io.ssmedge.agent.deploy.InputAccumulator;
import io.ssmedge.agent.rollout.store.CrashHook;
import io.ssmedge.data.SensorCsv;
import io.ssmedge.data.WindowSet;
import io.ssmedge.eval.Evaluator;
import io.ssmedge.inference.BatchEvaluator;
import io.ssmedge.inference.Progress;
import io.ssmedge.inference.WindowSpec;
import io.ssmedge.model.SsmModel;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * The offline rehearsal: recorded streams replayed as if live through the SAME {@link RolloutEngine} the daemon
 * runs, on a simulated clock (sensor time), so a day of traffic takes seconds and every run with the same seed
 * gives the same decisions. Each recording is one stream; all streams run side by side in sensor time. Both
 * models' predictions come from the runtime's batched evaluator on the stored (verified) pruned models, window
 * for window as the daemon would make them; labels come from the recording's label column, thinned to a share
 * and optionally delayed.
 */
public final class Rehearsal {
    /** One recorded stream. */
    public record Recording(String stream, SensorCsv.Table table) {
    }

    /**
     * @param labelShare        share of windows whose label arrives (1 = all, 0 = none)
     * @param labelDelayWindows labels (and so the paired window) arrive this many windows late
     * @param loops             times the recordings are replayed back to back
     * @param seed              seeds which labels arrive
     * @param sampleMs          sensor time between two samples
     */
    public record Settings(double labelShare, int labelDelayWindows, int loops, long seed, double sampleMs) {
        public static Settings defaults() {
            return new Settings(1.0, 0, 1, 1, 1000);
        }
    }

    /** Changes a model's prediction (simulations inject a known drop; tests inject faults). */
    @FunctionalInterface
    public interface Perturbation {
        Perturbation NONE = (ratio, stream, window, predicted, originalPredicted, label) -> predicted;

        /**
         * @param ratio             the model's ratio (0 = original)
         * @param stream            recording index
         * @param window            window index of the stream since the start of the rehearsal (all loops)
         * @param originalPredicted what the original model predicted for this window
         */
        int apply(int ratio, int stream, long window, int predicted, int originalPredicted, int label);
    }

    /** What a rehearsal did. */
    public record Outcome(List<ObjectNode> events, String state, int servingRatio, long windows, long pairs,
                          long labeledPairs, long[] servedPerRatio, long watchPairs) {
        public long count(String type) {
            return events.stream().filter(e -> e.get("type").asText().equals(type)).count();
        }
    }

    /** Predictions of each model on each recording, computed once per ratio (shared by simulation seeds). */
    public static final class PredictionCache {
        private final Map<Integer, int[][]> byRatio = new HashMap<>();

        synchronized int[][] get(StageModel m, List<Recording> recs, int length, int stride) {
            return byRatio.computeIfAbsent(m.ratio(), r -> {
                int[][] out = new int[recs.size()][];
                for (int f = 0; f < recs.size(); f++) {
                    WindowSet w = SensorCsv.windows(List.of(recs.get(f).table()), length, stride)
                            .normalizedWith(m.model().normalization());
                    int k = m.model().outputSize();
                    float[] logp = BatchEvaluator.logProbabilities(m.model(), w, BatchEvaluator.defaultThreads(),
                            Progress.NONE);
                    out[f] = new int[w.count()];
                    for (int i = 0; i < w.count(); i++) {
                        out[f][i] = Evaluator.argmax(logp, i, k);
                    }
                }
                return out;
            });
        }
    }

    private final RolloutConfig cfg;
    private final SsmModel original;
    private final WindowSet calibration;
    private final List<Recording> recordings;
    private final Settings settings;
    private final Perturbation override;
    private final PredictionCache cache;
    private final Consumer<ObjectNode> printer;
    private java.util.function.Predicate<ObjectNode> stopAt = e -> false;
    private long labeled;
    private long pairs;
    private boolean stop;

    public Rehearsal(RolloutConfig cfg, SsmModel original, WindowSet calibration, List<Recording> recordings,
                     Settings settings, Perturbation override, PredictionCache cache, Consumer<ObjectNode> printer) {
        if (recordings.isEmpty()) {
            throw new IllegalArgumentException("--replay: no recordings to replay");
        }
        this.cfg = cfg;
        this.original = original;
        this.calibration = calibration;
        this.recordings = recordings;
        this.settings = settings;
        this.override = override;
        this.cache = cache == null ? new PredictionCache() : cache;
        this.printer = printer == null ? e -> { } : printer;
    }

    /** Ends the rehearsal right after the first event that matches (simulations stop at the first decision). */
    public Rehearsal stopAt(java.util.function.Predicate<ObjectNode> p) {
        stopAt = p;
        return this;
    }

    /** A clock the rehearsal moves forward in sensor time. */
    private static final class SimClock extends Clock {
        long now;

        SimClock(long start) {
            now = start;
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public long millis() {
            return now;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(now);
        }
    }

    /** The simulated deployment: which model serves, which shadows, on what share of streams. */
    /** The deployment seen by the rehearsal: which stage serves and which shadows (also used by the crash test). */
    static final class SimPort implements DeploymentPort {
        StageModel serving;
        StageModel shadow;
        double share;
        int rewarm;

        @Override
        public void startShadow(StageModel candidate, double streamShare) {
            shadow = candidate;
            share = streamShare;
        }

        @Override
        public void stopShadow() {
            shadow = null;
        }

        @Override
        public void promote() {
            StageModel s = serving;
            serving = shadow;
            shadow = s;
            share = 1.0;
        }

        @Override
        public void rollback() {
            promote();
        }

        @Override
        public void replaceServing(StageModel target) {
            serving = target;
            shadow = null;
        }

        @Override
        public int rewarmSamples() {
            return rewarm; // each window is evaluated whole by the model serving at its end: as if re-warmed
        }
    }

    private record Pending(long due, String stream, int servingRatio, int servingClass, int shadowRatio, int shadowClass,
                           int label) {
    }

    public Outcome run() {
        int len = original.trainingWindow();
        int stride = original.evaluationStride() > 0 ? original.evaluationStride() : len;
        WindowSpec spec = WindowSpec.fixed(len, stride);
        SimPort port = new SimPort();
        port.rewarm = len - 1;
        SimClock clock = new SimClock(Instant.parse("2026-01-01T00:00:00Z").toEpochMilli());
        RolloutEngine engine = new RolloutEngine(cfg, original, spec, port, clock, calibration,
                RolloutEngine.Options.offline(CrashHook.NONE));
        List<ObjectNode> events = new ArrayList<>();
        engine.addEventListener(e -> {
            ObjectNode copy = e.deepCopy();
            copy.put("rehearsal_labeled_pairs", labeled);
            copy.put("rehearsal_pairs", pairs);
            events.add(copy);
            printer.accept(e);
            stop |= stopAt.test(e);
        });
        port.serving = null;
        StageModel first = engine.start();
        if (port.serving == null) {
            port.serving = first;
        }
        int streams = recordings.size();
        int[] windows = new int[streams];
        int maxRows = 0;
        for (int f = 0; f < streams; f++) {
            SensorCsv.Table t = recordings.get(f).table();
            windows[f] = t.rows() >= len ? (t.rows() - len) / stride + 1 : 0;
            maxRows = Math.max(maxRows, t.rows());
        }
        int maxWindows = (maxRows - len) / stride + 1;
        InputAccumulator inputs = new InputAccumulator(original.inputSize()); // as a daemon worker's (drift)
        SplittableRandom labels = new SplittableRandom(settings.seed());
        ArrayDeque<Pending> delayed = new ArrayDeque<>();
        long[] served = new long[101];
        long total = 0;
        long watchPairs = 0;
        long start = clock.now;
        for (int loop = 0; loop < settings.loops() && !stop; loop++) {
            for (int j = 0; j < maxWindows && !stop; j++) {
                for (int f = 0; f < streams && !stop; f++) {
                    if (j >= windows[f]) {
                        continue;
                    }
                    SensorCsv.Table t = recordings.get(f).table();
                    int end = j * stride + len - 1;
                    clock.now = start + (long) (((long) loop * maxRows + end + 1) * settings.sampleMs());
                    for (int row = j == 0 ? 0 : end - stride + 1; row <= end; row++) {
                        inputs.add(t.values(), row * t.channels());
                    }
                    inputs.drainTo(engine::onInputs);
                    int label = t.labels() == null ? -1 : t.labels()[end];
                    long window = (long) loop * windows[f] + j;
                    StageModel s = port.serving;
                    int orig = cache.get(engine.original(), recordings, len, stride)[f][j];
                    int sc = override.apply(s.ratio(), f, window, cache.get(s, recordings, len, stride)[f][j], orig, label);
                    served[s.ratio()]++;
                    total++;
                    StageModel sh = port.shadow;
                    if (sh != null && inShare(f, port.share)) {
                        int hc = override.apply(sh.ratio(), f, window, cache.get(sh, recordings, len, stride)[f][j], orig,
                                label);
                        RolloutEngine.Phase ph = engine.phase();
                        watchPairs += ph == RolloutEngine.Phase.MONITORING || ph == RolloutEngine.Phase.WAITING ? 1 : 0;
                        int lab = label >= 0 && labels.nextDouble() < settings.labelShare() ? label : -1;
                        pairs++;
                        labeled += lab >= 0 ? 1 : 0;
                        Pending p = new Pending(total + (long) settings.labelDelayWindows() * streams,
                                recordings.get(f).stream(), s.ratio(), sc, sh.ratio(), hc, lab);
                        if (settings.labelDelayWindows() == 0) {
                            deliver(engine, p);
                        } else {
                            delayed.add(p);
                        }
                    }
                    while (!delayed.isEmpty() && delayed.peek().due() <= total) {
                        deliver(engine, delayed.poll());
                    }
                    engine.tick();
                }
            }
        }
        return new Outcome(events, engine.statusName(), engine.servingRatio(), total, pairs, labeled, served, watchPairs);
    }

    private static void deliver(RolloutEngine engine, Pending p) {
        engine.onPair(p.stream(), p.servingRatio(), p.servingClass(), p.shadowRatio(), p.shadowClass(), p.label());
    }

    /** Stream f is in the shadow share: a fixed, evenly spread subset (golden-ratio sequence). */
    static boolean inShare(int f, double share) {
        if (share >= 1) {
            return true;
        }
        double u = (f * 0.6180339887498949) % 1.0;
        return u < share;
    }
}
