package io.ssmedge.agent.report;

import io.ssmedge.model.LayerSystem;
import io.ssmedge.model.SsmModel;
import io.ssmedge.pruning.LayerHinfNorm;
import io.ssmedge.pruning.PruningMethod;
import io.ssmedge.pruning.PruningPlan;
import io.ssmedge.pruning.PruningSweep;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The pruning sweep as one self-contained HTML page for a plant engineer: a three-line summary,
 * charts (embedded images, no scripts, opens offline), the numbers behind them and a glossary.
 */
public final class SweepReport {
    private final PruningSweep.Result result;
    private final SsmModel model;
    private final String modelName;
    private final String dataName;
    private final double maxDrop;

    public SweepReport(PruningSweep.Result result, SsmModel model, String modelName, String dataName, double maxDrop) {
        this.result = result;
        this.model = model;
        this.modelName = modelName;
        this.dataName = dataName;
        this.maxDrop = maxDrop;
    }

    /** The ratio the summary talks about: the largest LAST ratio within the accuracy budget. */
    public double chosenRatio() {
        return result.largestRatioWithin(PruningMethod.LAST, maxDrop);
    }

    /** Three sentences for a meeting. */
    public List<String> summary() {
        List<String> out = new ArrayList<>();
        double chosen = chosenRatio();
        PruningSweep.Point base = result.at(PruningMethod.LAST, result.ratios()[0]);
        boolean none = chosen == result.ratios()[0] && result.ratios().length > 1;
        // with no ratio inside the budget, talk about the smallest one tried
        double r = none ? result.ratios()[1] : chosen;
        PruningSweep.Point p = result.at(PruningMethod.LAST, r);
        double dAcc = 100 * (p.accuracy() - base.accuracy());
        out.add(String.format(Locale.ROOT, "%sPruning %s%% of the model's states with LAST changes accuracy by %+.1f points "
                        + "(%.1f%% → %.1f%% on %,d windows).", none ? String.format(Locale.ROOT,
                        "No pruning ratio tried keeps accuracy within the %.1f-point budget. ", maxDrop) : "",
                num(p.plan().removedPercent()), dAcc, 100 * base.accuracy(), 100 * p.accuracy(), result.windows()));
        if (Double.isFinite(p.stepNanos()) && Double.isFinite(base.stepNanos())) {
            double cut = 100 * (1 - p.stepNanos() / base.stepNanos());
            double mem = 100 * (1 - (double) p.weightBytes() / base.weightBytes());
            out.add(String.format(Locale.ROOT, "It cuts step latency by %.0f%% (%.2f → %.2f µs per sensor sample) and the "
                    + "weights by %.0f%% (%,d → %,d bytes).", cut, base.stepNanos() / 1000, p.stepNanos() / 1000, mem,
                    base.weightBytes(), p.weightBytes()));
        } else {
            out.add(String.format(Locale.ROOT, "It cuts the weights from %,d to %,d bytes.", base.weightBytes(), p.weightBytes()));
        }
        String best = "";
        double bestAcc = -1;
        for (Map.Entry<PruningMethod, List<PruningSweep.Point>> e : result.points().entrySet()) {
            if (e.getKey() != PruningMethod.LAST && result.at(e.getKey(), r).accuracy() > bestAcc) {
                bestAcc = result.at(e.getKey(), r).accuracy();
                best = e.getKey().label();
            }
        }
        String others = bestAcc < 0 ? "" : String.format(Locale.ROOT, "at %s%% the best other method (%s) reaches %.1f%%",
                num(r), best, 100 * bestAcc);
        if (none) {
            out.add(others.isEmpty() ? "Keep the unpruned model, or accept a larger budget (--max-drop)."
                    : "Keep the unpruned model, or accept a larger budget (--max-drop); " + others + ".");
        } else {
            out.add(String.format(Locale.ROOT, "%s%% is the largest ratio within the %.1f-point accuracy budget%s.", num(r), maxDrop,
                    others.isEmpty() ? "" : "; " + others));
        }
        return out;
    }

    /** An H∞ norm for the table; "unstable" (no finite norm) when a state has |λ̄| ≥ 1. */
    private static String hinf(LayerHinfNorm.Result r) {
        return r.unstable() ? "unstable (|λ̄| ≥ 1)" : String.format(Locale.ROOT, "%.4g", r.norm());
    }

    private static String num(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : String.format(Locale.ROOT, "%.1f", v);
    }

    private static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    private static String pct(double v) {
        return Double.isNaN(v) ? "–" : String.format(Locale.ROOT, "%.1f", 100 * v);
    }

    public String html() {
        double chosen = chosenRatio();
        PruningSweep.Point cp = result.at(PruningMethod.LAST, chosen);
        PruningPlan plan = cp.plan();
        List<LayerSystem> systems = model.layerSystems();
        StringBuilder h = new StringBuilder();
        h.append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>ssm-edge pruning report</title>\n<style>")
                .append("body{font-family:system-ui,Segoe UI,Arial,sans-serif;max-width:1000px;margin:2em auto;color:#222;line-height:1.45}")
                .append("h1{font-size:1.6em}h2{margin-top:2em;border-bottom:1px solid #ccc}")
                .append(".summary{background:#eef6ee;border-left:6px solid #229954;padding:.8em 1.2em;font-size:1.1em}")
                .append("table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:.25em .6em;text-align:right}")
                .append("th{background:#f4f4f4}td.l,th.l{text-align:left}img{max-width:100%;margin:.5em 0}")
                .append(".muted{color:#666;font-size:.9em}tr.chosen td{background:#fff7d6;font-weight:bold}")
                .append("</style></head><body>\n");
        h.append("<h1>Pruning report: ").append(esc(modelName)).append("</h1>\n");
        h.append("<p class=\"muted\">").append(esc(model.summary())).append(". Data: ").append(esc(dataName)).append(", ")
                .append(String.format(Locale.ROOT, "%,d", result.windows())).append(" windows. Created ")
                .append(ZonedDateTime.now().format(DateTimeFormatter.RFC_1123_DATE_TIME)).append(" by ssm-edge sweep.</p>\n");
        h.append("<div class=\"summary\">");
        for (String s : summary()) {
            h.append("<p>").append(esc(s)).append("</p>");
        }
        h.append("</div>\n");

        h.append("<h2>Accuracy</h2><p>Each line is one way of choosing which states to remove. LAST (thick red line) ")
                .append("should stay highest as more states are removed. The dotted line is your accuracy budget.</p>\n");
        img(h, Charts.accuracy(result, maxDrop));
        h.append("<h2>False alarms and missed faults</h2><p>A <b>false alarm</b> is a normal window reported as a fault; ")
                .append("a <b>miss</b> is a fault window reported as normal.</p>\n");
        img(h, Charts.perMethod(result, "False-alarm rate", "false alarms (% of normal windows)", p -> 100 * p.falseAlarmRate()));
        img(h, Charts.perMethod(result, "Miss rate", "missed faults (% of fault windows)", p -> 100 * p.missRate()));
        h.append("<h2>Speed and memory</h2><p>Measured on this machine for one stream, single thread, with the LAST-pruned ")
                .append("models (states are physically removed, so the work really shrinks).</p>\n");
        if (Double.isFinite(cp.stepNanos())) {
            img(h, Charts.latency(result));
        }
        img(h, Charts.memory(result));

        h.append("<h2>States kept per layer at ").append(num(chosen)).append("% (LAST)</h2>\n");
        img(h, Charts.keptPerLayer(plan.unitsPerLayer(), plan.keptPerLayer(), "States kept per layer at " + num(chosen) + "% pruning"));
        h.append("<table><tr><th class=\"l\">layer</th><th>states</th><th>kept</th><th>H∞ energy kept (%)</th>")
                .append("<th>layer H∞ norm</th><th>H∞ of the removed part</th></tr>\n");
        for (int l = 0; l < systems.size(); l++) {
            LayerSystem s = systems.get(l);
            int[] removed = removedUnits(plan, l);
            LayerHinfNorm.Result full = LayerHinfNorm.of(s, null, 128);
            LayerHinfNorm.Result cut = LayerHinfNorm.of(s, removed, 128);
            h.append(String.format(Locale.ROOT, "<tr><td class=\"l\">%d</td><td>%d</td><td>%d</td><td>%.2f</td><td>%s</td><td>%s</td></tr>%n",
                    l, s.units(), plan.kept()[l].length, 100 * plan.keptEnergy()[l], hinf(full), hinf(cut)));
        }
        h.append("</table><p class=\"muted\">The H∞ norm is the largest gain of a layer's state part over all frequencies. ")
                .append("Removing states changes a layer's output by at most the H∞ norm of the removed part (times the input size).</p>\n");
        h.append("<h2>Where the states sit (poles)</h2><p>Each state is a pole λ̄ inside the unit circle; the closer to the circle, ")
                .append("the longer the state remembers. Removing states keeps the others exactly where they are, so the model stays stable.</p>\n");
        for (int l = 0; l < systems.size(); l++) {
            img(h, Charts.poles(systems.get(l), plan.kept()[l], l));
        }

        h.append("<h2>All numbers</h2><table><tr><th>pruned (%)</th>");
        for (PruningMethod m : result.points().keySet()) {
            h.append("<th>").append(esc(m.label())).append(" accuracy (%)</th>");
        }
        h.append("<th>LAST false alarms (%)</th><th>LAST misses (%)</th><th>LAST states per layer</th><th>LAST µs/sample</th>")
                .append("<th>weights (bytes)</th></tr>\n");
        for (int i = 0; i < result.ratios().length; i++) {
            double r = result.ratios()[i];
            PruningSweep.Point lp = result.points().get(PruningMethod.LAST).get(i);
            h.append(r == chosen ? "<tr class=\"chosen\">" : "<tr>").append("<td>").append(num(r)).append("</td>");
            for (List<PruningSweep.Point> ps : result.points().values()) {
                h.append("<td>").append(pct(ps.get(i).accuracy())).append("</td>");
            }
            h.append("<td>").append(pct(lp.falseAlarmRate())).append("</td><td>").append(pct(lp.missRate())).append("</td><td>")
                    .append(java.util.Arrays.toString(lp.keptPerLayer())).append("</td><td>")
                    .append(Double.isFinite(lp.stepNanos()) ? String.format(Locale.ROOT, "%.2f", lp.stepNanos() / 1000) : "–")
                    .append("</td><td>").append(lp.weightBytes()).append("</td></tr>\n");
        }
        h.append("</table>\n");
        h.append("<h2>Words used here</h2><dl>")
                .append("<dt><b>State</b></dt><dd>One of the model's internal memory cells. More states: more memory and more work per sample.</dd>")
                .append("<dt><b>Pruning X%</b></dt><dd>Removing X% of all states. The model is not retrained.</dd>")
                .append("<dt><b>LAST</b></dt><dd>Layer-Adaptive STate pruning: scores each state by how much it can change the layer's ")
                .append("output (its H∞ norm), compares states within a layer by their share of that layer's energy, and removes the ")
                .append("lowest-scoring states across all layers.</dd>")
                .append("<dt><b>Uniform / Global H∞, Magnitude, LAMP, Random</b></dt><dd>Simpler ways of choosing states, shown for comparison.</dd>")
                .append("<dt><b>Accuracy budget</b></dt><dd>How many accuracy points you accept to lose (set with --max-drop).</dd>")
                .append("</dl></body></html>\n");
        return h.toString();
    }

    private static int[] removedUnits(PruningPlan plan, int l) {
        boolean[] k = new boolean[plan.unitsPerLayer()[l]];
        for (int i : plan.kept()[l]) {
            k[i] = true;
        }
        List<Integer> r = new ArrayList<>();
        for (int i = 0; i < k.length; i++) {
            if (!k[i]) {
                r.add(i);
            }
        }
        return r.stream().mapToInt(Integer::intValue).toArray();
    }

    private static void img(StringBuilder h, org.knowm.xchart.internal.chartpart.Chart<?, ?> c) {
        h.append("<img alt=\"").append(esc(c.getTitle())).append("\" src=\"").append(Charts.dataUri(c)).append("\">\n");
    }

    public void write(Path file) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            Files.createDirectories(parent);
            Files.writeString(file, html(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }
}
