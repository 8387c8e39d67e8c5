package io.ssmedge.agent.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.ssmedge.agent.report.SweepReport;
import io.ssmedge.data.WindowSet;
import io.ssmedge.inference.BatchEvaluator;
import io.ssmedge.model.SsmModel;
import io.ssmedge.pruning.PruningMethod;
import io.ssmedge.pruning.PruningSweep;
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
        SweepReport rep = new SweepReport(r, m, model.spec(), data.describe(), maxDrop);
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
            Files.writeString(json, new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(r.toJson()) + "\n");
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
