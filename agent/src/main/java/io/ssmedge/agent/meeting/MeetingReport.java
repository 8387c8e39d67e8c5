package io.ssmedge.agent.meeting;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The meeting report: one self-contained HTML page (inline CSS and SVG, no scripts, no external files, an A4 print
 * layout) that answers a plant manager's three questions — what did we save, does it still catch the faults, can
 * it go wrong — from a rollout journal or a running agent's status, optionally with the sweep made before.
 */
public final class MeetingReport {
    private final RolloutHistory h;
    private final JsonNode sweep; // null = none
    private final MeetingText t;
    private final double windowsPerDay; // NaN = unknown
    private final double faultShare; // NaN = unknown

    /**
     * @param windowsPerDay windows a day over all streams (NaN: take it from the sweep's plant figures, if any)
     * @param faultShare    share of windows that are faults, 0..1 (NaN: from the sweep, if any)
     */
    public MeetingReport(RolloutHistory history, JsonNode sweep, String lang, double windowsPerDay, double faultShare) {
        this.h = history;
        this.sweep = sweep;
        this.t = new MeetingText(lang);
        JsonNode plant = sweep == null ? null : sweep.path("judgement").path("plant");
        this.windowsPerDay = !Double.isNaN(windowsPerDay) ? windowsPerDay
                : plant != null && plant.has("windows_per_day") ? plant.get("windows_per_day").asDouble() : Double.NaN;
        this.faultShare = !Double.isNaN(faultShare) ? faultShare
                : plant != null && plant.has("fault_share") ? plant.get("fault_share").asDouble() : Double.NaN;
    }

    // ------------------------------------------------------------------ figures

    private static String num(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : String.format(Locale.ROOT, "%.1f", v);
    }

    private static String pct0(double v) {
        return String.format(Locale.ROOT, "%.0f", v);
    }

    private static String us(double v) {
        return String.format(Locale.ROOT, "%.2f", v);
    }

    /** The sweep's LAST value at a ratio (NaN when there is no sweep or no such ratio). */
    private double sweepAt(String field, int ratio) {
        if (sweep == null) {
            return Double.NaN;
        }
        JsonNode rs = sweep.path("ratios");
        for (int i = 0; i < rs.size(); i++) {
            if (rs.get(i).asDouble() == ratio) {
                JsonNode v = sweep.path("methods").path("last").path(field).path(i);
                return v.isNumber() ? v.asDouble() : Double.NaN;
            }
        }
        return Double.NaN;
    }

    /** Accuracy, false-alarm and miss rate of the original (sweep at 0 %, else accuracy from a calibration check). */
    double[] before() {
        double acc = sweepAt("accuracy", 0);
        if (Double.isNaN(acc)) {
            for (JsonNode e : h.events()) {
                if ("calibration".equals(e.path("gate").asText()) && e.has("accuracy") && e.has("estimate")) {
                    acc = e.get("accuracy").asDouble() + e.get("estimate").asDouble(); // estimate = original − pruned
                    break;
                }
            }
        }
        return new double[]{acc, sweepAt("false_alarm_rate", 0), sweepAt("miss_rate", 0)};
    }

    double[] after() {
        JsonNode e = h.servingFigures();
        if (e == null) {
            return new double[]{Double.NaN, Double.NaN, Double.NaN};
        }
        return new double[]{e.path("accuracy").asDouble(Double.NaN), e.path("false_alarm_rate").asDouble(Double.NaN),
                e.path("miss_rate").asDouble(Double.NaN)};
    }

    private String beforeSource() {
        return sweep != null ? "sweep " + sweep.path("model").asText("") + ", " + sweep.path("windows").asText() + " windows"
                : "calibration";
    }

    // ------------------------------------------------------------------ summary

    /** Three sentences: cost reduced by how much, safety shown how, what is next. */
    public List<String> summary() {
        List<String> out = new ArrayList<>();
        RolloutHistory.Stage o = h.original();
        RolloutHistory.Stage s = h.serving();
        if (s == null || s.ratio() == 0 || o == null) {
            out.add(t.f("cost.none", o == null ? (s == null ? 0 : s.totalKept()) : o.totalKept()));
        } else {
            out.add(t.f("cost", num(s.ratio()), s.totalKept(), o.totalKept(), pct0(100 * (1 - s.stepUs() / o.stepUs())),
                    us(o.stepUs()), us(s.stepUs()), pct0(100 * (1 - (double) s.bytesPerStream() / o.bytesPerStream())),
                    o.bytesPerStream(), s.bytesPerStream()));
        }
        int promotions = h.ofType("promoted").size();
        JsonNode ok = h.lastApproval();
        StringBuilder safety = new StringBuilder(promotions == 0 || ok == null ? t.t("safety.none")
                : t.f("safety", promotions, ok.get("n").asLong(), String.format(Locale.ROOT, "%+.1f", -100 * ok.get("estimate").asDouble()),
                String.format(Locale.ROOT, "%.1f", 100 * ok.get("limit").asDouble())));
        List<JsonNode> rollbacks = h.ofType("rolled_back");
        if (rollbacks.isEmpty()) {
            safety.append(t.t("safety.norollback"));
        } else {
            List<String> why = new ArrayList<>();
            for (JsonNode r : rollbacks) {
                JsonNode failed = failureBefore(r);
                String gate = t.name("gate", r.path("gate").asText(""));
                why.add(t.code().equals("ja") ? gate + "の確認" + (failed == null ? "" : "で" + failed.path("ratio").asInt() + "%の段階が不合格")
                        : gate + (failed == null ? "" : ": " + failed.path("reason").asText()));
            }
            safety.append(t.f("safety.rollbacks", rollbacks.size(), rollbacks.size() == 1 ? "" : "s", String.join("; ", why)));
        }
        out.add(safety.toString());
        out.add(next());
        return out;
    }

    /** The gate_failed event that led to a rollback (the last one before it). */
    private JsonNode failureBefore(JsonNode rollback) {
        JsonNode f = null;
        for (JsonNode e : h.events()) {
            if (e == rollback) {
                break;
            }
            if (e.path("type").asText().equals("gate_failed")) {
                f = e;
            }
        }
        return f;
    }

    private String next() {
        int serving = h.serving() == null ? 0 : h.serving().ratio();
        List<JsonNode> q = h.ofType("quarantined");
        Integer quarantined = null;
        for (JsonNode e : q) {
            int r = e.path("ratio").asInt();
            if (r > serving) {
                quarantined = r;
            }
        }
        return switch (h.state()) {
            case "done" -> quarantined != null ? t.f("next.done.q", num(serving), num(quarantined)) : t.f("next.done", num(serving));
            case "paused" -> t.f("next.paused", h.reason());
            case "rolled_back" -> t.f("next.rolled", num(quarantined == null ? serving : quarantined), num(serving));
            default -> t.f("next.progress", t.name("state", h.state()) + (h.reason().isEmpty() ? "" : ": " + h.reason()));
        };
    }

    // ------------------------------------------------------------------ evidence in plain words

    /** One event's evidence as a sentence (empty when it carries none). */
    String evidence(JsonNode e) {
        String type = e.path("type").asText();
        StringBuilder b = new StringBuilder();
        if (e.has("n") && e.has("estimate") && e.has("lower") && e.has("upper") && e.has("limit")) {
            double change = -100 * e.get("estimate").asDouble(); // estimate = accuracy lost
            String verdict = switch (type) {
                case "gate_passed", "promoted" -> t.t("ev.pass");
                case "gate_failed" -> t.t("ev.fail");
                default -> t.t("ev.open");
            };
            b.append(t.f("ev.evidence", e.get("n").asLong(), String.format(Locale.ROOT, "%.1f", Math.abs(change)),
                    t.t(change < 0 ? "ev.less" : "ev.more"), String.format(Locale.ROOT, "%+.1f", -100 * e.get("upper").asDouble()),
                    String.format(Locale.ROOT, "%+.1f", -100 * e.get("lower").asDouble()),
                    String.format(Locale.ROOT, "%.1f", 100 * e.get("limit").asDouble()), verdict));
        } else if ("calibration".equals(e.path("gate").asText()) && e.has("n") && e.has("estimate")) {
            double change = -100 * e.get("estimate").asDouble();
            b.append(t.f("ev.calibration", e.get("n").asLong(), String.format(Locale.ROOT, "%.1f", Math.abs(change)),
                    t.t(change < 0 ? "ev.less" : "ev.more"), limitPoints()));
        }
        if (e.has("false_alarm_rate") && e.has("miss_rate") && b.length() > 0) {
            b.append(t.f("ev.rates", 100 * e.get("false_alarm_rate").asDouble(), 100 * e.get("miss_rate").asDouble()));
        }
        return b.toString();
    }

    private String limitPoints() {
        for (JsonNode e : h.events()) {
            if (e.has("limit")) {
                return String.format(Locale.ROOT, "%.1f", 100 * e.get("limit").asDouble());
            }
        }
        return "–";
    }

    // ------------------------------------------------------------------ page

    private static String esc(String s) {
        return Svg.esc(s);
    }

    public String html() {
        StringBuilder b = new StringBuilder(32_768);
        String first = h.events().isEmpty() ? "" : day(h.events().get(0));
        String last = h.events().isEmpty() ? "" : day(h.events().get(h.events().size() - 1));
        b.append("<!DOCTYPE html><html lang=\"").append(t.code()).append("\"><head><meta charset=\"utf-8\">")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>").append(esc(t.t("title")))
                .append("</title><style>").append(CSS).append("</style></head><body>\n");
        b.append("<h1>").append(esc(t.t("title"))).append("</h1><p class=\"muted\">")
                .append(esc(t.f("subtitle", h.serving() == null ? "–" : shortVersion(h.serving().version()),
                        t.name("state", h.state()), first, last))).append("</p>\n");
        b.append("<section class=\"summary\"><h2>").append(esc(t.t("summary"))).append("</h2><ol>");
        for (String s : summary()) {
            b.append("<li>").append(esc(s)).append("</li>");
        }
        b.append("</ol></section>\n");
        pruned(b);
        quality(b);
        history(b);
        if (sweep != null) {
            sweepSection(b);
        }
        b.append("<h2>").append(esc(t.t("words"))).append("</h2><dl class=\"words\">").append(t.t("glossary")).append("</dl>");
        b.append("<p class=\"muted foot\">").append(esc(t.f("footer", h.source(), Instant.now().toString().substring(0, 16)
                .replace('T', ' ') + " UTC"))).append("</p></body></html>\n");
        return b.toString();
    }

    private static String day(JsonNode e) {
        String s = e.path("time").asText();
        return s.length() >= 10 ? s.substring(0, 10) : s;
    }

    private static String shortVersion(String v) {
        return v.length() > 19 ? v.substring(0, 19) + "…" : v;
    }

    private void pruned(StringBuilder b) {
        RolloutHistory.Stage o = h.original();
        RolloutHistory.Stage s = h.serving();
        b.append("<h2>").append(esc(t.t("pruned"))).append("</h2>\n<table><tr><th></th><th>").append(esc(t.t("before")))
                .append("</th><th>").append(esc(t.t("after"))).append("</th><th>").append(esc(t.t("change"))).append("</th></tr>\n");
        row(b, t.t("states.total"), o == null ? Double.NaN : o.totalKept(), s == null ? Double.NaN : s.totalKept(), "%.0f");
        b.append("<tr><td class=\"l\">").append(esc(t.t("states.layer"))).append("</td><td>")
                .append(o == null ? "–" : Arrays.toString(o.kept())).append("</td><td>").append(s == null ? "–" : Arrays.toString(s.kept()))
                .append("</td><td></td></tr>\n");
        row(b, t.t("step"), o == null ? Double.NaN : o.stepUs(), s == null ? Double.NaN : s.stepUs(), "%.2f");
        row(b, t.t("memory"), o == null ? Double.NaN : o.bytesPerStream(), s == null ? Double.NaN : s.bytesPerStream(), "%,.0f");
        row(b, t.t("weights"), sweepAt("weight_bytes", 0), s == null ? Double.NaN : sweepAt("weight_bytes", s.ratio()), "%,.0f");
        b.append("</table>\n");
        if (o != null && s != null && o.kept().length == s.kept().length) {
            List<String> layers = new ArrayList<>();
            double[] ob = new double[o.kept().length];
            double[] sb = new double[s.kept().length];
            for (int i = 0; i < ob.length; i++) {
                layers.add(Integer.toString(i));
                ob[i] = o.kept()[i];
                sb[i] = s.kept()[i];
            }
            b.append(Svg.bars(t.t("chart.layers"), layers, List.of(new Svg.Series(t.t("before"), ob),
                    new Svg.Series(t.t("after"), sb)), t.t("states"), t.t("layer"))).append('\n');
        }
    }

    private static void row(StringBuilder b, String name, double before, double after, String fmt) {
        b.append("<tr><td class=\"l\">").append(esc(name)).append("</td><td>").append(cell(before, fmt)).append("</td><td>")
                .append(cell(after, fmt)).append("</td><td>");
        if (Double.isFinite(before) && Double.isFinite(after) && before != 0) {
            b.append(String.format(Locale.ROOT, "%+.0f%%", 100 * (after / before - 1)));
        }
        b.append("</td></tr>\n");
    }

    private static String cell(double v, String fmt) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, fmt, v) : "–";
    }

    private void quality(StringBuilder b) {
        double[] be = before();
        double[] af = after();
        b.append("<h2>").append(esc(t.t("quality"))).append("</h2>\n<table><tr><th></th><th>").append(esc(t.t("before")))
                .append("</th><th>").append(esc(t.t("after"))).append("</th><th>").append(esc(t.t("change"))).append("</th></tr>\n");
        String[] names = {t.t("accuracy"), t.t("far"), t.t("miss")};
        for (int i = 0; i < 3; i++) {
            b.append("<tr><td class=\"l\">").append(esc(names[i])).append("</td><td>").append(cell(100 * be[i], "%.1f"))
                    .append("</td><td>").append(cell(100 * af[i], "%.1f")).append("</td><td>");
            if (Double.isFinite(be[i]) && Double.isFinite(af[i])) {
                b.append(String.format(Locale.ROOT, "%+.1f", 100 * (af[i] - be[i])));
            }
            b.append("</td></tr>\n");
        }
        boolean perDay = Double.isFinite(windowsPerDay) && Double.isFinite(faultShare);
        if (perDay) {
            double[] fb = {be[1] * (1 - faultShare) * windowsPerDay, be[2] * faultShare * windowsPerDay};
            double[] fa = {af[1] * (1 - faultShare) * windowsPerDay, af[2] * faultShare * windowsPerDay};
            String[] dn = {t.t("far.day"), t.t("miss.day")};
            for (int i = 0; i < 2; i++) {
                b.append("<tr><td class=\"l\">").append(esc(dn[i])).append("</td><td>").append(cell(fb[i], "%,.0f"))
                        .append("</td><td>").append(cell(fa[i], "%,.0f")).append("</td><td>");
                if (Double.isFinite(fb[i]) && Double.isFinite(fa[i])) {
                    b.append(String.format(Locale.ROOT, "%+,.0f", fa[i] - fb[i]));
                }
                b.append("</td></tr>\n");
            }
        }
        b.append("</table><p class=\"muted\">");
        JsonNode e = h.servingFigures();
        b.append(esc(t.f("quality.note", beforeSource(), e == null ? "–" : e.path("time").asText() + ", "
                + t.name("gate", e.path("gate").asText("")) + (e.has("n") ? ", n = " + e.get("n").asLong() : ""))));
        b.append(' ').append(esc(perDay ? t.f("quality.day", windowsPerDay, 100 * faultShare,
                sweep != null ? "sweep" : "--windows-per-day") : t.t("quality.noday"))).append("</p>\n");
    }

    private void history(StringBuilder b) {
        b.append("<h2>").append(esc(t.t("history"))).append("</h2>\n");
        // serving ratio over the events, as steps (one point per event, labelled with its day)
        List<JsonNode> ev = h.events();
        if (ev.size() >= 2) {
            double[] x = new double[ev.size()];
            String[] labels = new String[ev.size()];
            double[] y = new double[ev.size()];
            double serving = h.original() != null ? h.original().ratio() : 0;
            for (int i = 0; i < ev.size(); i++) {
                JsonNode e = ev.get(i);
                String type = e.path("type").asText();
                if (type.equals("promoted") || type.equals("rolled_back") || type.equals("done")) {
                    serving = e.path("ratio").asDouble();
                }
                x[i] = i;
                labels[i] = e.path("time").asText().length() >= 10 ? e.path("time").asText().substring(5, 10) : "";
                y[i] = serving;
            }
            b.append(Svg.lines(t.t("chart.history"), x, labels, List.of(new Svg.Series(t.t("serving.pct"), y)),
                    t.t("pruned.pct"), t.t("time"), Double.NaN, "", true)).append('\n');
        }
        List<JsonNode> rollbacks = h.ofType("rolled_back");
        b.append("<h3>").append(esc(t.t("rollbacks"))).append("</h3>");
        if (rollbacks.isEmpty()) {
            b.append("<p>").append(esc(t.t("norollbacks"))).append("</p>");
        } else {
            b.append("<ul class=\"rollbacks\">");
            for (JsonNode r : rollbacks) {
                JsonNode f = failureBefore(r);
                b.append("<li><b>").append(esc(r.path("time").asText())).append("</b> — ").append(esc(r.path("reason").asText()));
                if (f != null && !evidence(f).isEmpty()) {
                    b.append("<br>").append(esc(evidence(f)));
                }
                b.append("</li>");
            }
            b.append("</ul>");
        }
        b.append("<table class=\"events\"><tr><th>").append(esc(t.t("time"))).append("</th><th>").append(esc(t.t("event")))
                .append("</th><th>").append(esc(t.t("stage"))).append("</th><th>").append(esc(t.t("check"))).append("</th><th class=\"l\">")
                .append(esc(t.t("why"))).append("</th><th class=\"l\">").append(esc(t.t("evidence"))).append("</th></tr>\n");
        for (JsonNode e : ev) {
            String type = e.path("type").asText();
            String cls = switch (type) {
                case "rolled_back", "gate_failed", "quarantined" -> " class=\"bad\"";
                case "promoted", "done" -> " class=\"good\"";
                case "paused", "drift", "inconclusive" -> " class=\"warn\"";
                default -> "";
            };
            b.append("<tr").append(cls).append("><td>").append(esc(e.path("time").asText().replace('T', ' ').replace("Z", "")))
                    .append("</td><td class=\"l\">").append(esc(t.name("type", type))).append("</td><td>")
                    .append(e.has("ratio") ? num(e.get("ratio").asDouble()) + "%" : "").append("</td><td>")
                    .append(esc(e.hasNonNull("gate") ? t.name("gate", e.get("gate").asText()) : "")).append("</td><td class=\"l\">")
                    .append(esc(e.path("reason").asText())).append("</td><td class=\"l\">").append(esc(evidence(e))).append("</td></tr>\n");
        }
        b.append("</table>");
        if (!t.t("reason.note").isEmpty()) {
            b.append("<p class=\"muted\">").append(esc(t.t("reason.note"))).append("</p>");
        }
        b.append('\n');
    }

    private void sweepSection(StringBuilder b) {
        JsonNode rs = sweep.path("ratios");
        JsonNode last = sweep.path("methods").path("last");
        if (rs.size() < 2 || last.isMissingNode()) {
            return;
        }
        double[] x = new double[rs.size()];
        double[] acc = new double[rs.size()];
        double[] far = new double[rs.size()];
        double[] miss = new double[rs.size()];
        for (int i = 0; i < x.length; i++) {
            x[i] = rs.get(i).asDouble();
            acc[i] = 100 * last.path("accuracy").path(i).asDouble(Double.NaN);
            far[i] = 100 * last.path("false_alarm_rate").path(i).asDouble(Double.NaN);
            miss[i] = 100 * last.path("miss_rate").path(i).asDouble(Double.NaN);
        }
        JsonNode j = sweep.path("judgement");
        b.append("<h2>").append(esc(t.t("sweep"))).append("</h2>\n");
        b.append(Svg.lines(t.t("chart.sweep"), x, null, List.of(new Svg.Series(t.t("accuracy"), acc),
                        new Svg.Series(t.t("far"), far), new Svg.Series(t.t("miss"), miss)), t.t("percent"), t.t("pruned.pct"),
                j.has("chosen_ratio") ? j.get("chosen_ratio").asDouble() : Double.NaN, t.t("chosen"), false)).append('\n');
        if (j.has("summary")) {
            b.append("<p class=\"muted\">").append(esc(t.t("sweep.note"))).append("</p><ul>");
            j.get("summary").forEach(s -> b.append("<li>").append(esc(s.asText())).append("</li>"));
            b.append("</ul>\n");
        }
    }

    public void write(Path file) {
        io.ssmedge.agent.report.HtmlFile.write(file, html());
    }

    private static final String CSS = "body{font-family:'Noto Sans CJK JP','Hiragino Sans','Yu Gothic',system-ui,sans-serif;"
            + "max-width:960px;margin:1.5em auto;padding:0 1em;color:#1b1b1b;line-height:1.5}"
            + "h1{font-size:1.6em;margin-bottom:.2em}h2{margin-top:1.6em;border-bottom:2px solid #0072B2;padding-bottom:.1em}"
            + ".muted{color:#555;font-size:.9em}.summary{background:#eef5fb;border-left:6px solid #0072B2;padding:.4em 1.2em}"
            + ".summary h2{border:none;margin-top:.4em}.summary li{margin:.4em 0;font-size:1.05em}"
            + "table{border-collapse:collapse;margin:.8em 0;width:100%}td,th{border:1px solid #bbb;padding:.3em .5em;"
            + "text-align:right;vertical-align:top}th{background:#f1f1f1}td.l,th.l{text-align:left}"
            + "table.events{font-size:.85em}table.events td:nth-child(-n+4),table.events th{white-space:nowrap}tr.bad td{background:#fbe3d6}tr.good td{background:#e0f2ec}tr.warn td{background:#fdf3d8}"
            + "svg.chart{width:100%;max-width:720px;height:auto;display:block;margin:.6em 0;font-family:inherit}"
            + "dl.words dt{font-weight:bold}dl.words dd{margin:0 0 .4em 1.2em}.rollbacks li{margin-bottom:.5em}"
            + "@page{size:A4;margin:14mm 12mm}"
            + "@media print{body{max-width:none;margin:0;padding:0;font-size:10pt}h2{break-after:avoid}"
            + "table,svg.chart,.summary,li{break-inside:avoid}tr{break-inside:avoid}"
            + ".summary{-webkit-print-color-adjust:exact;print-color-adjust:exact}"
            + "tr.bad td,tr.good td,tr.warn td{-webkit-print-color-adjust:exact;print-color-adjust:exact}}";
}
