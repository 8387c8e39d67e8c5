package io.ssmedge.pruning;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ssmedge.data.WindowSet;
import io.ssmedge.eval.EvalResult;
import io.ssmedge.eval.Evaluator;
import io.ssmedge.inference.Progress;
import io.ssmedge.model.SsmModel;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Evaluates every pruning method at every ratio on the same windows: accuracy, false-alarm and miss
 * rate, states kept per layer, and for LAST the size and step time of each physically pruned model.
 * Identical kept sets are evaluated once. Random is the mean of {@code randomSeeds} seeds.
 */
public final class PruningSweep {
    private PruningSweep() {
    }

    /**
     * @param methods     methods to compare
     * @param ratios      pruning ratios in percent
     * @param threads     evaluation threads
     * @param randomSeeds seeds averaged for the random baseline (seeds 0, 1, …)
     * @param timeSteps   steps per timing round for LAST step latency (0: do not time)
     * @param timingPasses how many times every LAST model is timed; the passes go over all ratios in turn, so a
     *                     moment of load on a shared machine touches one measurement of many ratios instead of all
     *                     measurements of one ratio (the median over passes is reported, with the lowest and highest)
     */
    public record Options(List<PruningMethod> methods, double[] ratios, int threads, int randomSeeds, int timeSteps,
                          int timingPasses) {
        public Options(List<PruningMethod> methods, double[] ratios, int threads, int randomSeeds, int timeSteps) {
            this(methods, ratios, threads, randomSeeds, timeSteps, 7);
        }

        public static double[] range(double from, double to, double step) {
            int n = (int) Math.floor((to - from) / step + 1e-9) + 1;
            double[] r = new double[n];
            for (int i = 0; i < n; i++) {
                r[i] = from + i * step;
            }
            return r;
        }
    }

    /**
     * One method at one ratio.
     *
     * @param plan            the plan (seed 0 for random)
     * @param accuracy        test accuracy (mean over seeds for random)
     * @param falseAlarmRate  (mean over seeds for random)
     * @param missRate        (mean over seeds for random)
     * @param weightBytes     bytes of weights of the physically pruned model
     * @param stateBytes      bytes of state per stream of the pruned model
     * @param stepNanos       median over the timing passes of ns per single-stream step (LAST only; NaN otherwise)
     * @param stepNanosLow    fastest timing pass (NaN when not timed)
     * @param stepNanosHigh   slowest timing pass (NaN when not timed)
     */
    public record Point(double ratio, PruningPlan plan, double accuracy, double falseAlarmRate, double missRate,
                        long weightBytes, long stateBytes, double stepNanos, double stepNanosLow, double stepNanosHigh) {
        public int[] keptPerLayer() {
            return plan.keptPerLayer();
        }
    }

    /**
     * @param architecture s5 or s4d
     * @param unitsPerLayer units before pruning
     * @param windows       windows evaluated
     * @param points        per method, one point per ratio in order
     */
    public record Result(String architecture, int[] unitsPerLayer, long windows, double[] ratios,
                         Map<PruningMethod, List<Point>> points) {
        public int totalUnits() {
            return Arrays.stream(unitsPerLayer).sum();
        }

        /** The unpruned model's accuracy (ratio 0 of LAST, or any method's first point at ratio 0). */
        public double baselineAccuracy() {
            for (List<Point> ps : points.values()) {
                for (Point p : ps) {
                    if (p.ratio() == 0) {
                        return p.accuracy();
                    }
                }
            }
            return Double.NaN;
        }

        /** Largest ratio whose accuracy is at most {@code maxDropPoints} below the baseline (0 if none). */
        public double largestRatioWithin(PruningMethod m, double maxDropPoints) {
            return choose(m, SweepLimits.accuracyOnly(maxDropPoints)).ratio();
        }

        /** The largest ratio of {@code m} that keeps every limit, and the first limit the next larger ratio breaks. */
        public SweepLimits.Choice choose(PruningMethod m, SweepLimits limits) {
            return limits.choose(points.get(m), at(m, ratios[0]));
        }

        public Point at(PruningMethod m, double ratio) {
            for (Point p : points.get(m)) {
                if (p.ratio() == ratio) {
                    return p;
                }
            }
            throw new IllegalArgumentException("no point at ratio " + ratio + " for " + m.key());
        }

        /** The JSON other tools read (see README): ratios, total_states, per method the curves. */
        public ObjectNode toJson() {
            ObjectMapper om = new ObjectMapper();
            ObjectNode o = om.createObjectNode();
            o.put("architecture", architecture);
            ArrayNode r = o.putArray("ratios");
            for (double v : ratios) {
                if (v == Math.rint(v)) {
                    r.add((int) v);
                } else {
                    r.add(v);
                }
            }
            o.put("total_states", totalUnits());
            ArrayNode upl = o.putArray("states_per_layer");
            Arrays.stream(unitsPerLayer).forEach(upl::add);
            o.put("windows", windows);
            o.put("baseline_accuracy", baselineAccuracy());
            ObjectNode ms = o.putObject("methods");
            for (Map.Entry<PruningMethod, List<Point>> e : points.entrySet()) {
                ObjectNode m = ms.putObject(e.getKey().key());
                ArrayNode acc = m.putArray("accuracy");
                ArrayNode kpl = m.putArray("kept_per_layer");
                ArrayNode far = m.putArray("false_alarm_rate");
                ArrayNode miss = m.putArray("miss_rate");
                ArrayNode wb = m.putArray("weight_bytes");
                ArrayNode sb = m.putArray("state_bytes_per_stream");
                ArrayNode ns = m.putArray("step_ns");
                ArrayNode nsLow = m.putArray("step_ns_low");
                ArrayNode nsHigh = m.putArray("step_ns_high");
                for (Point p : e.getValue()) {
                    acc.add(p.accuracy());
                    ArrayNode k = kpl.addArray();
                    Arrays.stream(p.keptPerLayer()).forEach(k::add);
                    addRate(far, p.falseAlarmRate());
                    addRate(miss, p.missRate());
                    wb.add(p.weightBytes());
                    sb.add(p.stateBytes());
                    addRate(ns, p.stepNanos());
                    addRate(nsLow, p.stepNanosLow());
                    addRate(nsHigh, p.stepNanosHigh());
                }
            }
            return o;
        }

        private static void addRate(ArrayNode a, double v) {
            if (Double.isFinite(v)) {
                a.add(v);
            } else {
                a.addNull();
            }
        }

        /** One row per method and ratio, for spreadsheets. */
        public String toCsv() {
            StringBuilder sb = new StringBuilder(
                    "method,ratio_percent,accuracy,false_alarm_rate,miss_rate,states_kept,states_kept_per_layer,weight_bytes,state_bytes_per_stream,step_ns,step_ns_low,step_ns_high\n");
            for (Map.Entry<PruningMethod, List<Point>> e : points.entrySet()) {
                for (Point p : e.getValue()) {
                    sb.append(e.getKey().key()).append(',').append(fmt(p.ratio())).append(',').append(fmt(p.accuracy()))
                            .append(',').append(fmt(p.falseAlarmRate())).append(',').append(fmt(p.missRate())).append(',')
                            .append(p.plan().totalKept()).append(',')
                            .append(String.join(" ", Arrays.stream(p.keptPerLayer()).mapToObj(Integer::toString).toList()))
                            .append(',').append(p.weightBytes()).append(',').append(p.stateBytes()).append(',')
                            .append(Double.isFinite(p.stepNanos()) ? fmt(p.stepNanos()) : "").append(',')
                            .append(Double.isFinite(p.stepNanosLow()) ? fmt(p.stepNanosLow()) : "").append(',')
                            .append(Double.isFinite(p.stepNanosHigh()) ? fmt(p.stepNanosHigh()) : "").append('\n');
                }
            }
            return sb.toString();
        }

        private static String fmt(double v) {
            if (Double.isNaN(v)) {
                return "";
            }
            return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
        }
    }

    public static Result run(SsmModel model, WindowSet windows, Options o, Progress progress) {
        int seeds = Math.max(1, o.randomSeeds());
        int perRatio = 0;
        for (PruningMethod m : o.methods()) {
            perRatio += m == PruningMethod.RANDOM ? seeds : 1;
        }
        long total = (long) perRatio * o.ratios().length;
        long done = 0;
        WindowSet w = windows.normalizedWith(model.normalization());
        Map<String, EvalResult> cache = new HashMap<>();
        Map<PruningMethod, List<Point>> points = new EnumMap<>(PruningMethod.class);
        List<SsmModel> timed = new ArrayList<>(); // the LAST models, one per ratio, timed after the evaluation
        for (PruningMethod m : o.methods()) {
            List<Point> ps = new ArrayList<>();
            for (double ratio : o.ratios()) {
                PruningPlan first = null;
                double acc = 0;
                double far = 0;
                double miss = 0;
                int n = m == PruningMethod.RANDOM ? seeds : 1;
                SsmModel firstModel = null;
                for (int s = 0; s < n; s++) {
                    PruningPlan plan = Pruner.plan(model, m, ratio, s);
                    String key = Arrays.deepToString(plan.kept());
                    SsmModel pruned = Pruner.apply(model, plan);
                    EvalResult r = cache.computeIfAbsent(key, k -> Evaluator.evaluate(pruned, w, o.threads(), Progress.NONE));
                    acc += r.accuracy();
                    far += r.falseAlarmRate();
                    miss += r.missRate();
                    if (first == null) {
                        first = plan;
                        firstModel = pruned;
                    }
                    progress.update(++done, total);
                }
                if (m == PruningMethod.LAST) {
                    timed.add(firstModel);
                }
                ps.add(new Point(ratio, first, acc / n, far / n, miss / n, firstModel.weightBytes(),
                        firstModel.newState().recurrentBytes(), Double.NaN, Double.NaN, Double.NaN));
            }
            points.put(m, List.copyOf(ps));
        }
        if (o.timeSteps() > 0 && points.containsKey(PruningMethod.LAST)) {
            points.put(PruningMethod.LAST, withTimes(points.get(PruningMethod.LAST), timed, o));
        }
        return new Result(model.architecture(), model.unitsPerLayer(), w.count(), o.ratios().clone(), points);
    }

    /**
     * Times every model {@code timingPasses} times, one pass over all ratios after the other, and keeps per ratio
     * the median pass with the fastest and slowest pass as its spread.
     */
    private static List<Point> withTimes(List<Point> ps, List<SsmModel> models, Options o) {
        int passes = Math.max(1, o.timingPasses());
        double[][] t = new double[ps.size()][passes]; // (ratio, pass) ns per step
        for (int k = 0; k < passes; k++) {
            for (int i = 0; i < ps.size(); i++) {
                t[i][k] = StepTimer.nanosPerStep(models.get(i), o.timeSteps(), 1); // the passes are the repeats
            }
        }
        List<Point> out = new ArrayList<>();
        for (int i = 0; i < ps.size(); i++) {
            double[] s = t[i].clone();
            Arrays.sort(s);
            Point p = ps.get(i);
            out.add(new Point(p.ratio(), p.plan(), p.accuracy(), p.falseAlarmRate(), p.missRate(), p.weightBytes(),
                    p.stateBytes(), s[passes / 2], s[0], s[passes - 1]));
        }
        return List.copyOf(out);
    }
}
