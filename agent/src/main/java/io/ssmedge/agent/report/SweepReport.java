package io.ssmedge.agent.report;

import io.ssmedge.model.LayerSystem;
import io.ssmedge.model.SsmModel;
import io.ssmedge.pruning.LayerHinfNorm;
import io.ssmedge.pruning.PruningMethod;
import io.ssmedge.pruning.PruningPlan;
import io.ssmedge.pruning.PruningSweep;
import io.ssmedge.pruning.SweepLimits;

import java.io.IOException;
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
    private final SweepLimits limits;
    private final PlantCosts costs; // null = no volume or prices given

    public SweepReport(PruningSweep.Result result, SsmModel model, String modelName, String dataName, SweepLimits limits,
                       PlantCosts costs) {
        this.result = result;
        this.model = model;
        this.modelName = modelName;
        this.dataName = dataName;
        this.limits = limits;
        this.costs = costs;
    }

    /** The LAST choice under every limit (accuracy, false alarms, misses). */
    public SweepLimits.Choice choice() {
        return result.choose(PruningMethod.LAST, limits);
    }

    /** The ratio the summary talks about: the largest LAST ratio within every limit. */
    public double chosenRatio() {
        return choice().ratio();
    }

    /** A few sentences for a meeting: what changes, what it saves, which limit decides, what changed most. */
    public List<String> summary() {
        List<String> out = new ArrayList<>();
        SweepLimits.Choice ch = choice();
        PruningSweep.Point base = result.at(PruningMethod.LAST, result.ratios()[0]);
        boolean none = ch.none() && result.ratios().length > 1;
        // with no ratio inside the limits, talk about the smallest one tried
        double r = none ? result.ratios()[1] : ch.ratio();
        PruningSweep.Point p = result.at(PruningMethod.LAST, r);
        double dAcc = 100 * (p.accuracy() - base.accuracy());
        out.add(String.format(Locale.ROOT, "%sPruning %s%% of the model's states with LAST changes accuracy by %+.1f points "
                        + "(%.1f%% → %.1f%% on %,d windows), false alarms from %.1f%% to %.1f%% of normal windows and missed "
                        + "faults from %.1f%% to %.1f%% of fault windows.",
                none ? "No pruning ratio tried keeps every limit (" + limitText() + "). " : "",
                num(p.plan().removedPercent()), dAcc, 100 * base.accuracy(), 100 * p.accuracy(), result.windows(),
                100 * base.falseAlarmRate(), 100 * p.falseAlarmRate(), 100 * base.missRate(), 100 * p.missRate()));
        if (Double.isFinite(p.stepNanos()) && Double.isFinite(base.stepNanos())) {
            double cut = 100 * (1 - p.stepNanos() / base.stepNanos());
            double mem = 100 * (1 - (double) p.weightBytes() / base.weightBytes());
            out.add(String.format(Locale.ROOT, "It cuts step latency by %.0f%% (%.2f → %.2f µs per sensor sample, median of "
                            + "repeated runs; runs spread %.2f–%.2f µs) and the weights by %.0f%% (%,d → %,d bytes).", cut,
                    base.stepNanos() / 1000, p.stepNanos() / 1000, p.stepNanosLow() / 1000, p.stepNanosHigh() / 1000, mem,
                    base.weightBytes(), p.weightBytes()));
        } else {
            out.add(String.format(Locale.ROOT, "It cuts the weights from %,d to %,d bytes.", base.weightBytes(), p.weightBytes()));
        }
        if (none) {
            out.add("Keep the unpruned model, or accept larger limits (--max-drop, --max-false-alarm-rate, --max-miss-rate); "
                    + String.format(Locale.ROOT, "at %s%% %s.", num(ch.brokenAt()), brokenText(ch)));
        } else if (ch.broken() == null) {
            out.add(String.format(Locale.ROOT, "%s%% is the largest ratio tried, and it keeps every limit (%s).", num(r),
                    limitText()));
        } else {
            out.add(String.format(Locale.ROOT, "%s%% is the largest ratio within every limit (%s); at %s%% %s.", num(r),
                    limitText(), num(ch.brokenAt()), brokenText(ch)));
        }
        out.add("Business figures that changed most: " + changedMost(base, p) + ".");
        if (costs != null && costs.priced()) {
            PlantCosts.Month before = costs.month(base.falseAlarmRate(), base.missRate(), base.stepNanos());
            PlantCosts.Month after = costs.month(p.falseAlarmRate(), p.missRate(), p.stepNanos());
            double d = after.total() - before.total();
            out.add(String.format(Locale.ROOT, "Per month (%s): %s before, %s after pruning, %s %s.", costs.describe(),
                    costs.money(before.total()), costs.money(after.total()), d <= 0 ? "a saving of" : "a loss of",
                    costs.money(Math.abs(d))));
        }
        return out;
    }

    /** "accuracy −1.0 points, false alarms ≤ 5.0 %, missed faults ≤ 30.0 %" (caps after the baseline rule). */
    private String limitText() {
        PruningSweep.Point base = result.at(PruningMethod.LAST, result.ratios()[0]);
        StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "accuracy −%s points", num(limits.maxDropPoints())));
        double far = limits.falseAlarmCap(base);
        double miss = limits.missCap(base);
        if (!Double.isNaN(far)) {
            b.append(String.format(Locale.ROOT, ", false alarms ≤ %.1f%%", 100 * far));
        }
        if (!Double.isNaN(miss)) {
            b.append(String.format(Locale.ROOT, ", missed faults ≤ %.1f%%", 100 * miss));
        }
        return b.toString();
    }

    private static String brokenText(SweepLimits.Choice ch) {
        return switch (ch.broken()) {
            case ACCURACY -> String.format(Locale.ROOT, "accuracy would drop by %.1f points (budget %s)", ch.brokenValue(),
                    num(ch.cap()));
            case MISS_RATE -> String.format(Locale.ROOT, "missed faults would reach %.1f%% (limit %.1f%%)",
                    100 * ch.brokenValue(), 100 * ch.cap());
            case FALSE_ALARM_RATE -> String.format(Locale.ROOT, "false alarms would reach %.1f%% (limit %.1f%%)",
                    100 * ch.brokenValue(), 100 * ch.cap());
        };
    }

    /** The business figures ordered by how much they changed (absolute points), with per-day counts when known. */
    private String changedMost(PruningSweep.Point base, PruningSweep.Point p) {
        record Change(String name, double before, double after, String perDay) {
        }
        List<Change> cs = new ArrayList<>();
        cs.add(new Change("missed faults", base.missRate(), p.missRate(), costs == null ? "" : String.format(Locale.ROOT,
                ", %s → %s a day", count(costs.missesPerDay(base.missRate())), count(costs.missesPerDay(p.missRate())))));
        cs.add(new Change("false alarms", base.falseAlarmRate(), p.falseAlarmRate(), costs == null ? ""
                : String.format(Locale.ROOT, ", %s → %s a day", count(costs.falseAlarmsPerDay(base.falseAlarmRate())),
                count(costs.falseAlarmsPerDay(p.falseAlarmRate())))));
        cs.add(new Change("accuracy", base.accuracy(), p.accuracy(), ""));
        cs.sort(java.util.Comparator.comparingDouble((Change c) -> -Math.abs(c.after() - c.before())));
        List<String> parts = new ArrayList<>();
        for (Change c : cs) {
            parts.add(String.format(Locale.ROOT, "%s %+.1f points (%.1f%% → %.1f%%%s)", c.name(), 100 * (c.after() - c.before()),
                    100 * c.before(), 100 * c.after(), c.perDay()));
        }
        return String.join(", ", parts);
    }

    /** The judgement as JSON fields for sweep.json (read by {@code ssm-edge report --sweep}). */
    public com.fasterxml.jackson.databind.node.ObjectNode judgementJson() {
        com.fasterxml.jackson.databind.node.ObjectNode o = new com.fasterxml.jackson.databind.ObjectMapper().createObjectNode();
        SweepLimits.Choice ch = choice();
        PruningSweep.Point base = result.at(PruningMethod.LAST, result.ratios()[0]);
        o.put("chosen_ratio", ch.ratio());
        o.put("none_within_limits", ch.none());
        com.fasterxml.jackson.databind.node.ObjectNode l = o.putObject("limits");
        l.put("max_accuracy_drop_points", limits.maxDropPoints());
        putNum(l, "max_false_alarm_rate", limits.falseAlarmCap(base));
        putNum(l, "max_miss_rate", limits.missCap(base));
        if (ch.broken() != null) {
            o.put("broken_limit", ch.broken().name().toLowerCase(Locale.ROOT));
            o.put("broken_at_ratio", ch.brokenAt());
            o.put("broken_value", ch.brokenValue());
        }
        if (costs != null) {
            com.fasterxml.jackson.databind.node.ObjectNode pl = o.putObject("plant");
            pl.put("windows_per_day", costs.windowsPerDay());
            pl.put("fault_share", costs.faultShare());
            pl.put("streams", costs.streams());
            pl.put("samples_per_second", costs.samplesPerSecond());
        }
        com.fasterxml.jackson.databind.node.ArrayNode s = o.putArray("summary");
        summary().forEach(s::add);
        return o;
    }

    private static void putNum(com.fasterxml.jackson.databind.node.ObjectNode o, String k, double v) {
        if (Double.isNaN(v)) {
            o.putNull(k);
        } else {
            o.put(k, v);
        }
    }

    /** A count per day: whole numbers from 100 on, one decimal below. */
    static String count(double v) {
        return String.format(Locale.ROOT, Math.abs(v) >= 100 ? "%,.0f" : "%.1f", v);
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
        if (costs != null) {
            plantTable(h);
        }

        h.append("<h2>Accuracy</h2><p>Each line is one way of choosing which states to remove. LAST (thick red line) ")
                .append("should stay highest as more states are removed. The dotted line is your accuracy budget.</p>\n");
        img(h, Charts.accuracy(result, limits.maxDropPoints()));
        h.append("<h2>False alarms and missed faults</h2><p>A <b>false alarm</b> is a normal window reported as a fault; ")
                .append("a <b>miss</b> is a fault window reported as normal.</p>\n");
        PruningSweep.Point base = result.at(PruningMethod.LAST, result.ratios()[0]);
        img(h, Charts.limitLine(Charts.perMethod(result, "False-alarm rate", "false alarms (% of normal windows)",
                p -> 100 * p.falseAlarmRate()), result, "limit", 100 * limits.falseAlarmCap(base)));
        img(h, Charts.limitLine(Charts.perMethod(result, "Miss rate", "missed faults (% of fault windows)",
                p -> 100 * p.missRate()), result, "limit", 100 * limits.missCap(base)));
        h.append("<h2>Speed and memory</h2><p>Measured on this machine for one stream, single thread, with the LAST-pruned ")
                .append("models (states are physically removed, so the work really shrinks). Every model is timed several ")
                .append("times, one round over all ratios after the other; the thick line is the median, the dotted lines ")
                .append("the fastest and slowest run, so a single slow run (another program busy) shows as spread, not as a result.</p>\n");
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

    /** False alarms and misses per day, computing and money per month, for every LAST ratio. */
    private void plantTable(StringBuilder h) {
        h.append("<h2>What it means for the plant</h2><p class=\"muted\">").append(esc(costs.describe()))
                .append(".</p><table><tr><th>pruned (%)</th><th>false alarms a day</th><th>missed fault windows a day</th>")
                .append("<th>core-hours a month</th>");
        if (costs.priced()) {
            h.append("<th>cost a month (").append(esc(costs.currency())).append(")</th>");
        }
        h.append("</tr>\n");
        double chosen = chosenRatio();
        for (PruningSweep.Point p : result.points().get(PruningMethod.LAST)) {
            PlantCosts.Month m = costs.month(p.falseAlarmRate(), p.missRate(), p.stepNanos());
            h.append(p.ratio() == chosen ? "<tr class=\"chosen\">" : "<tr>").append("<td>").append(num(p.ratio()))
                    .append(String.format(Locale.ROOT, "</td><td>%.1f</td><td>%.1f</td><td>%s</td>",
                            costs.falseAlarmsPerDay(p.falseAlarmRate()), costs.missesPerDay(p.missRate()),
                            Double.isNaN(m.coreHours()) ? "–" : String.format(Locale.ROOT, "%.2f", m.coreHours())));
            if (costs.priced()) {
                h.append("<td>").append(esc(costs.money(m.total()))).append("</td>");
            }
            h.append("</tr>\n");
        }
        h.append("</table>\n");
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
        HtmlFile.write(file, html());
    }
}
