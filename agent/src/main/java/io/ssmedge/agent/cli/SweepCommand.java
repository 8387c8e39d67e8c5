package io.ssmedge.agent.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.ssmedge.agent.report.PlantCosts;
import io.ssmedge.agent.report.SweepReport;
import io.ssmedge.data.WindowSet;
import io.ssmedge.inference.BatchEvaluator;
import io.ssmedge.model.SsmModel;
import io.ssmedge.pruning.PruningMethod;
import io.ssmedge.pruning.PruningSweep;
import io.ssmedge.pruning.SweepLimits;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

@Command(name = "sweep", mixinStandardHelpOptions = true,
        description = {"Compares pruning methods at many pruning ratios and writes a report.",
                "On labeled data: accuracy, false alarms, misses, speed and memory against the share of states removed.",
                "The chosen ratio keeps every limit: --max-drop, --max-false-alarm-rate and --max-miss-rate.",
                "Example: ssm-edge sweep embedded:s5-skab --data ../shared/datasets/skab/valve1 --report report.html"})
public final class SweepCommand implements Callable<Integer> {
    @picocli.CommandLine.Mixin
    ModelParameter model;

    @Mixin
    DataOptions data;

    @Option(names = "--ratios", defaultValue = "0:95:5", paramLabel = "FROM:TO:STEP",
            description = "pruning ratios in percent, FROM:TO:STEP or a list like 0,10,30 (default ${DEFAULT-VALUE})")
    String ratios;

    @Option(names = "--methods", split = ",", paramLabel = "NAME",
            description = "methods to compare (default: all of last, uniform-hinf, global-hinf, random, magnitude, lamp)")
    List<String> methods;

    @Option(names = "--max-drop", defaultValue = "1.0", paramLabel = "POINTS",
            description = "accuracy points you accept to lose; the report names the largest ratio within it (default ${DEFAULT-VALUE})")
    double maxDrop;

    @Option(names = "--max-false-alarm-rate", paramLabel = "PERCENT",
            description = {"largest false-alarm rate you accept, in % of normal windows",
                    "(default: the unpruned model's rate + the --max-drop points)"})
    Double maxFalseAlarm;

    @Option(names = "--max-miss-rate", paramLabel = "PERCENT",
            description = {"largest miss rate you accept, in % of fault windows",
                    "(default: the unpruned model's rate + the --max-drop points)"})
    Double maxMiss;

    @Option(names = "--streams", defaultValue = "1", paramLabel = "N",
            description = "for counts per day and costs: sensor streams the model serves (default ${DEFAULT-VALUE})")
    int streams;

    @Option(names = "--sample-rate", defaultValue = "1", paramLabel = "HZ",
            description = "for counts per day and costs: samples per second per stream (default ${DEFAULT-VALUE})")
    double sampleRate;

    @Option(names = "--cost-false-alarm", paramLabel = "AMOUNT", description = "cost of one false alarm (a needless call-out)")
    Double costFalseAlarm;

    @Option(names = "--cost-miss", paramLabel = "AMOUNT", description = "cost of one missed fault window")
    Double costMiss;

    @Option(names = "--cost-per-core-hour", paramLabel = "AMOUNT", description = "cost of one CPU core for an hour")
    Double costCoreHour;

    @Option(names = "--currency", defaultValue = "JPY", paramLabel = "NAME",
            description = "currency shown with the amounts (default ${DEFAULT-VALUE})")
    String currency;

    @Option(names = "--seeds", defaultValue = "3", description = "random baseline: mean over this many seeds (default ${DEFAULT-VALUE})")
    int seeds;

    @Option(names = "--report", paramLabel = "FILE.html", description = "write the HTML report (opens offline)")
    Path report;

    @Option(names = "--json", paramLabel = "FILE.json", description = "write the sweep as JSON")
    Path json;

    @Option(names = "--csv", paramLabel = "FILE.csv", description = "write the sweep as CSV (one row per method and ratio)")
    Path csv;

    @Option(names = "--no-timing", description = "skip measuring step latency of each pruned model")
    boolean noTiming;

    @Option(names = "--threads", paramLabel = "N", description = "worker threads (default: all processors)")
    Integer threads;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    static double[] parseRatios(String s) {
        try {
            if (s.contains(":")) {
                String[] p = s.split(":");
                if (p.length != 3) {
                    throw new IllegalArgumentException();
                }
                double step = Double.parseDouble(p[2]);
                if (step <= 0) {
                    throw new IllegalArgumentException();
                }
                return PruningSweep.Options.range(Double.parseDouble(p[0]), Double.parseDouble(p[1]), step);
            }
            return java.util.Arrays.stream(s.split(",")).mapToDouble(v -> Double.parseDouble(v.trim())).toArray();
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("--ratios: expected FROM:TO:STEP (e.g. 0:95:5) or a list (e.g. 0,10,30), got '" + s + "'");
        }
    }

    /** The limits; a rate limit not given is the unpruned model's rate plus the accuracy budget. */
    SweepLimits limits(PruningSweep.Result r) {
        PruningSweep.Point base = r.at(PruningMethod.LAST, r.ratios()[0]);
        double far = maxFalseAlarm != null ? percent("--max-false-alarm-rate", maxFalseAlarm)
                : Math.min(1, base.falseAlarmRate() + maxDrop / 100);
        double miss = maxMiss != null ? percent("--max-miss-rate", maxMiss) : Math.min(1, base.missRate() + maxDrop / 100);
        return new SweepLimits(maxDrop, far, miss);
    }

    private static double percent(String option, double v) {
        if (!(v >= 0 && v <= 100)) {
            throw new IllegalArgumentException(option + ": expected a percentage from 0 to 100, got " + v);
        }
        return v / 100;
    }

    /** Counts per day always (1 stream at 1 sample/s unless told); money when a price is given. */
    PlantCosts costs(SsmModel m, WindowSet w) {
        long faults = 0;
        for (int i = 0; i < w.count(); i++) {
            if (w.labeled() && w.labels()[i] != 0) {
                faults++;
            }
        }
        int len = w.length();
        int stride = data.stride != null ? data.stride : m.evaluationStride() > 0 ? m.evaluationStride() : len;
        int steps = (len + stride - 1) / stride; // overlapping windows each step every sample
        return new PlantCosts(streams, sampleRate, stride, steps, w.count() == 0 ? 0 : (double) faults / w.count(), currency,
                nan(costFalseAlarm), nan(costMiss), nan(costCoreHour));
    }

    private static double nan(Double v) {
        return v == null ? Double.NaN : v;
    }

    @Override
    public Integer call() throws Exception {
        double[] rs = parseRatios(ratios);
        for (double r : rs) {
            if (r < 0 || r > 100) {
                throw new IllegalArgumentException("--ratios: " + r + " is outside 0..100 %");
            }
        }
        if (rs[0] != 0) {
            double[] withZero = new double[rs.length + 1];
            System.arraycopy(rs, 0, withZero, 1, rs.length);
            rs = withZero; // the unpruned model is the baseline every comparison needs
        }
        List<PruningMethod> ms = new ArrayList<>();
        if (methods == null) {
            ms.addAll(List.of(PruningMethod.values()));
        } else {
            for (String m : methods) {
                ms.add(PruningMethod.parse(m));
            }
            if (!ms.contains(PruningMethod.LAST)) {
                ms.add(0, PruningMethod.LAST);
            }
        }
        SsmModel m = model.load();
        WindowSet w = data.load(m);
        int th = threads != null ? threads : BatchEvaluator.defaultThreads();
        PruningSweep.Result r;
        try (ProgressBar bar = new ProgressBar("sweeping " + ms.size() + " methods × " + rs.length + " ratios")) {
            r = PruningSweep.run(m, w, new PruningSweep.Options(ms, rs, th, seeds, noTiming ? 0 : 10_000), bar);
        }
        SweepReport rep = new SweepReport(r, m, model.spec(), data.describe(), limits(r), costs(m, w));
        PrintWriter out = spec.commandLine().getOut();
        out.printf("%-8s", "pruned");
        for (PruningMethod pm : r.points().keySet()) {
            out.printf("%14s", pm.key());
        }
        out.printf("%14s%n", "LAST µs/step");
        for (int i = 0; i < rs.length; i++) {
            out.printf(Locale.ROOT, "%6s %%", PruneCommand.fmt(rs[i]));
            for (List<PruningSweep.Point> ps : r.points().values()) {
                out.printf(Locale.ROOT, "%13.2f%%", 100 * ps.get(i).accuracy());
            }
            double ns = r.points().get(PruningMethod.LAST).get(i).stepNanos();
            out.printf(Locale.ROOT, "%14s%n", Double.isFinite(ns) ? String.format(Locale.ROOT, "%.2f", ns / 1000) : "-");
        }
        out.println();
        for (String line : rep.summary()) {
            out.println(line);
        }
        if (report != null) {
            rep.write(report);
            out.println("Report: " + report.toAbsolutePath());
        }
        if (json != null) {
            Files.createDirectories(json.toAbsolutePath().getParent());
            com.fasterxml.jackson.databind.node.ObjectNode j = r.toJson();
            j.put("model", model.spec());
            j.set("judgement", rep.judgementJson());
            Files.writeString(json, new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(j) + "\n");
            out.println("JSON:   " + json.toAbsolutePath());
        }
        if (csv != null) {
            Files.createDirectories(csv.toAbsolutePath().getParent());
            Files.writeString(csv, r.toCsv());
            out.println("CSV:    " + csv.toAbsolutePath());
        }
        out.flush();
        return 0;
    }
}
