package io.ssmedge.agent.rollout;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ssmedge.agent.config.RolloutConfig;
import io.ssmedge.agent.rollout.stats.WindowDecorrelator;
import io.ssmedge.model.SsmModel;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Error rates of the rollout's decisions, measured by rehearsal over many seeds on recorded streams (windows as
 * correlated as in the plant). A candidate with a KNOWN true drop d is made from the original's own predictions:
 * in episodes of {@value #EPISODE} consecutive windows of a stream, switched on with probability q, the
 * candidate is wrong wherever the original is right. Then X = 1 exactly on those windows, so
 * E[X] = q · P(original right) = d with q = d / accuracy. Episodes make the errors correlated in time, as a
 * pruning-induced weakness on one operating condition would be.
 */
public final class RolloutSimulation {
    /** Windows per error episode (two non-overlapping spans of the s5-skab windowing). */
    public static final int EPISODE = 16;

    private RolloutSimulation() {
    }

    /** A perturbation giving the candidate (every ratio &gt; 0) a true accuracy drop {@code d}. */
    public static Rehearsal.Perturbation knownDrop(double q, long seed) {
        return (ratio, stream, window, predicted, orig, label) -> {
            if (ratio == 0) {
                return predicted;
            }
            long offset = mix(seed * 31 + stream) % EPISODE;
            long episode = (window + offset) / EPISODE;
            boolean on = (mix(seed * 1_000_003L + stream * 7919L + episode) >>> 10) / (double) (1L << 53) < q;   // 53 bits: uniform in [0, 1)
            if (on && label >= 0 && orig == label) {
                return label == 0 ? 1 : 0;
            }
            return orig;
        };
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return (z ^ (z >>> 31)) & Long.MAX_VALUE;
    }

    /** Accuracy of the original on the labeled windows of the recordings (for q = d / accuracy). */
    static double originalAccuracy(SsmModel m, List<Rehearsal.Recording> recs, Rehearsal.PredictionCache cache,
                                   StageModel original) {
        int len = m.trainingWindow();
        int stride = m.evaluationStride() > 0 ? m.evaluationStride() : len;
        int[][] p = cache.get(original, recs, len, stride);
        long right = 0;
        long n = 0;
        for (int f = 0; f < recs.size(); f++) {
            int[] y = recs.get(f).table().labels();
            for (int j = 0; j < p[f].length; j++) {
                int label = y[j * stride + len - 1];
                right += p[f][j] == label ? 1 : 0;
                n++;
            }
        }
        return right / (double) n;
    }

    /** Runs the three measurements and prints them. */
    public static void run(RolloutConfig base, SsmModel m, List<Rehearsal.Recording> recs, int seeds, PrintWriter out) {
        Rehearsal.PredictionCache cache = new Rehearsal.PredictionCache();
        // only the accuracy limit is under test: the rate limits are lifted (the original model's own false-alarm rate
        // on these recordings is above the default 5 %, which would fail every stage whatever its drop)
        RolloutConfig.Limits lim = base.limits();
        RolloutConfig one = base.withRatios(List.of(base.ratios().get(0))).withMidpointRetry(false).withCalibration(null)
                .withLimits(new RolloutConfig.Limits(lim.maxAccuracyDrop(), 1.0, 1.0, lim.minAgreement()))
                .withShadow(new RolloutConfig.Shadow(1.0, 24 * 365, RolloutConfig.DeadlineAction.STAY));
        double limit = base.limits().maxAccuracyDrop();
        StageModel orig = originalModel(one, m, recs, cache);
        double acc = originalAccuracy(m, recs, cache, orig);
        int thin = WindowDecorrelator.thinning(m.trainingWindow(), m.evaluationStride(), false);
        out.printf(Locale.ROOT, "Original accuracy on the replayed windows %.2f %%; %d streams; one observation per %d x %d windows "
                + "of a stream; %d seeds.%n%n", 100 * acc, recs.size(), thin, base.statistics().blockWindows(), seeds);

        // 1. false promotions when the true drop equals the limit
        int promoted = 0;
        int failed = 0;
        long t0 = System.nanoTime();
        for (int s = 0; s < seeds; s++) {
            Rehearsal.Outcome o = rehearse(one, m, recs, cache, knownDrop(limit / acc, s), s, 40,
                    e -> e.get("type").asText().equals("promoted") || e.get("type").asText().equals("gate_failed"));
            promoted += o.count("promoted") > 0 ? 1 : 0;
            failed += o.count("gate_failed") > 0 ? 1 : 0;
        }
        out.printf(Locale.ROOT, "1. True drop = limit (%.1f points): promoted in %d of %d runs = %.1f %% (alpha %.0f %%); "
                        + "failed in %d, undecided in %d (%.0f s).%n", 100 * limit, promoted, seeds, 100.0 * promoted / seeds,
                100 * base.statistics().alpha(), failed, seeds - promoted - failed, (System.nanoTime() - t0) / 1e9);

        // 2. labeled windows to detect a 5-point drop
        t0 = System.nanoTime();
        List<Long> toDetect = new ArrayList<>();
        int missed = 0;
        for (int s = 0; s < seeds; s++) {
            Rehearsal.Outcome o = rehearse(one, m, recs, cache, knownDrop(0.05 / acc, 1000 + s), 1000 + s, 40,
                    e -> e.get("type").asText().equals("promoted") || e.get("type").asText().equals("gate_failed"));
            ObjectNode fail = o.events().stream().filter(e -> e.get("type").asText().equals("gate_failed")).findFirst()
                    .orElse(null);
            if (fail == null) {
                missed++;
            } else {
                toDetect.add(fail.get("rehearsal_labeled_pairs").asLong());
            }
        }
        long[] d = toDetect.stream().mapToLong(Long::longValue).sorted().toArray();
        out.printf(Locale.ROOT, "2. True drop 5 points: failed in %d of %d runs; labeled windows until the gate failed: median %,d "
                        + "(10th percentile %,d, 90th %,d); wrongly promoted or undecided: %d (%.0f s).%n", d.length, seeds,
                d.length > 0 ? d[d.length / 2] : -1, d.length > 0 ? d[d.length / 10] : -1,
                d.length > 0 ? d[(int) (d.length * 0.9)] : -1, missed, (System.nanoTime() - t0) / 1e9);

        // 3. false rollbacks of a healthy stage (no added drop), through probation and monitoring
        t0 = System.nanoTime();
        RolloutConfig healthy = one.withProbation(new RolloutConfig.Probation(base.probation().evidence(), 24 * 365))
                .withMonitoring(new RolloutConfig.Monitoring(1.0, base.monitoring().arlWindows(), base.monitoring().detectDrop()));
        int probationRollbacks = 0;
        int promotions = 0;
        long monitoringRollbacks = 0;
        long watchObservations = 0;
        int seedsHealthy = Math.max(1, seeds / 4);
        for (int s = 0; s < seedsHealthy; s++) {
            Rehearsal.Outcome o = rehearse(healthy, m, recs, cache, knownDrop(0, 2000 + s), 2000 + s, 60, e -> false);
            promotions += (int) o.count("promoted");
            probationRollbacks += (int) o.events().stream().filter(e -> e.get("type").asText().equals("rolled_back")
                    && e.path("gate").asText().equals("probation")).count();
            monitoringRollbacks += o.events().stream().filter(e -> e.get("type").asText().equals("rolled_back")
                    && e.path("gate").asText().equals("monitoring")).count();
            watchObservations += o.watchPairs() / thin;
        }
        out.printf(Locale.ROOT, "3. Healthy stage (true drop 0): %d promotions, %d rolled back in probation (%.1f %%; beta %.0f %%); "
                        + "monitoring: %d false rollbacks in %,d observations = one per %,.0f (configured ARL %,.0f) (%.0f s).%n",
                promotions, probationRollbacks, promotions == 0 ? 0 : 100.0 * probationRollbacks / promotions,
                100 * base.statistics().beta(), monitoringRollbacks, watchObservations,
                monitoringRollbacks == 0 ? Double.POSITIVE_INFINITY : watchObservations / (double) monitoringRollbacks,
                base.monitoring().arlWindows(), (System.nanoTime() - t0) / 1e9);
        out.flush();
    }

    private static StageModel originalModel(RolloutConfig cfg, SsmModel m, List<Rehearsal.Recording> recs,
                                            Rehearsal.PredictionCache cache) {
        // the engine serves the configured model object itself as stage 0, so its predictions are these
        return new StageModel(0, null, m, "original", new int[0][], Double.NaN, 0);
    }

    static Rehearsal.Outcome rehearse(RolloutConfig cfg, SsmModel m, List<Rehearsal.Recording> recs,
                                      Rehearsal.PredictionCache cache, Rehearsal.Perturbation p, long seed, int loops,
                                      java.util.function.Predicate<ObjectNode> stop) {
        Path dir = cfg.dataDir().resolve("sim-" + seed);
        try {
            return new Rehearsal(cfg.withDataDir(dir), m, null, recs, new Rehearsal.Settings(1.0, 0, loops, seed, 1000), p,
                    cache, null).stopAt(stop).run();
        } finally {
            delete(dir);
        }
    }

    private static void delete(Path p) {
        if (!Files.exists(p)) {
            return;
        }
        try (Stream<Path> s = Files.walk(p)) {
            for (Path q : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(q);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String describe(long[] a) {
        return Arrays.toString(a);
    }
}
