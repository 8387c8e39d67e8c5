package io.ssmedge.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Turns the JMH JSON results of one run (a folder of *.json) into the Markdown tables of BENCHMARKS.md,
 * with the derived figures: samples/s, GFLOP/s and share of the FMA ceiling measured in the same run,
 * and the ratios against the EJML baseline, ONNX Runtime and the unpruned model.
 * Run: {@code java -cp bench/target/benchmarks.jar io.ssmedge.bench.Report bench/results}.
 */
public final class Report {
    private record Row(String bench, Map<String, String> params, double score, double error, String unit) {
        String p(String k) {
            return params.getOrDefault(k, "");
        }
    }

    private final List<Row> rows = new ArrayList<>();
    private final Map<String, Double> flops = new HashMap<>();
    private final Map<String, Double> coreFlops = new HashMap<>();

    private Report() {
    }

    public static void main(String[] args) throws IOException {
        Report r = new Report();
        Path dir = Path.of(args.length > 0 ? args[0] : "bench/results");
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".json")).sorted().toList()) {
                r.read(f);
            }
        }
        r.print();
    }

    private void read(Path f) throws IOException {
        JsonNode root = new ObjectMapper().readTree(f.toFile());
        for (JsonNode b : root) {
            Map<String, String> params = new TreeMap<>();
            if (b.has("params")) {
                b.get("params").fields().forEachRemaining(e -> params.put(e.getKey(), e.getValue().asText()));
            }
            String name = b.get("benchmark").asText();
            name = name.substring(name.lastIndexOf('.', name.lastIndexOf('.') - 1) + 1);
            JsonNode m = b.get("primaryMetric");
            rows.add(new Row(name, params, m.get("score").asDouble(), m.get("scoreError").asDouble(), m.get("scoreUnit").asText()));
        }
    }

    private List<Row> of(String bench) {
        return rows.stream().filter(r -> r.bench.equals(bench)).toList();
    }

    private Double find(String bench, String... kv) {
        for (Row r : of(bench)) {
            boolean ok = true;
            for (int i = 0; i < kv.length; i += 2) {
                ok &= r.p(kv[i]).equals(kv[i + 1]);
            }
            if (ok) {
                return r.score;
            }
        }
        return null;
    }

    private double flops(String model) {
        return flops.computeIfAbsent(model, k -> BenchModels.flopsPerSample(variantModel(k)));
    }

    private double coreFlops(String model) {
        return coreFlops.computeIfAbsent(model, k -> BenchModels.coreFlopsPerSample(variantModel(k)));
    }

    private static io.ssmedge.model.SsmModel variantModel(String key) {
        String[] p = key.split(":");
        return BenchModels.variant(BenchModels.load(p[0]), p.length > 1 ? p[1] : "dense");
    }

    private static String f(String fmt, Object... a) {
        return String.format(Locale.ROOT, fmt, a);
    }

    private void print() {
        double ceiling = 0;
        System.out.println("### FMA ceiling (one core)\n\n| loop | GFLOP/s |\n|---|---|");
        for (Row r : of("FmaCeilingBench.vector512")) {
            ceiling = Math.max(ceiling, r.score);
            System.out.println(f("| Vector API 512-bit, 12 chains | %.1f ± %.1f |", r.score, r.error));
        }
        for (Row r : of("FmaCeilingBench.vector256")) {
            ceiling = Math.max(ceiling, r.score);
            System.out.println(f("| Vector API 256-bit, 12 chains | %.1f ± %.1f |", r.score, r.error));
        }
        System.out.println(f("\nCeiling used below: %.1f GFLOP/s.\n", ceiling));

        System.out.println("### Analytic FLOPs per sample\n\n| model | FLOP/sample (whole step) | SSM core |\n|---|---|---|");
        for (String m : new String[]{"s5-skab", "s5-large", "s4d-skab", "s4d-large"}) {
            System.out.println(f("| %s | %.0f | %.0f |", m, flops(m), coreFlops(m)));
        }

        System.out.println("\n### Matrix kernel alone (GemmBench)\n\n| m×k×n | kernel | ns/call | GFLOP/s |\n|---|---|---|---|");
        for (Row r : of("GemmBench.mulAdd")) {
            String[] s = r.p("shape").split("x");
            double fl = 2.0 * Integer.parseInt(s[0]) * Integer.parseInt(s[1]) * Integer.parseInt(s[2]);
            System.out.println(f("| %s | %s | %.0f | %.1f |", r.p("shape"), r.p("kernel"), r.score, fl / r.score));
        }

        System.out.println("\n### Row-wise operations on a (64, 128) block (ElementwiseBench, ns/call)\n");
        System.out.println("| operation | scalar | vector | vector speed-up |\n|---|---|---|---|");
        for (String op : new String[]{"geluTanh", "layerNorm", "rotate"}) {
            Double sc = find("ElementwiseBench." + op, "kernel", "scalar");
            Double ve = find("ElementwiseBench." + op, "kernel", "vector");
            if (sc != null && ve != null) {
                System.out.println(f("| %s | %.0f | %.0f | %.1f× |", op, sc, ve, sc / ve));
            }
        }

        System.out.println("\n### Single-stream step latency\n\n| model | path | ns/step | vs EJML |\n|---|---|---|---|");
        for (Row r : of("StepLatencyBench.step")) {
            Double ejml = find("EjmlBaselineBench.stream1", "model", r.p("model"));
            System.out.println(f("| %s | %s | %.0f ± %.0f | %s |", r.p("model"), r.p("path"), r.score, r.error,
                    ejml == null ? "" : f("%.1f×", ejml / r.score)));
        }

        System.out.println("\n### Batched throughput (samples/s; one sample = one stream, one step)\n");
        System.out.println("| model | streams | threads | kernel | samples/s | GFLOP/s | % of 1-core ceiling | vs EJML |");
        System.out.println("|---|---|---|---|---|---|---|---|");
        for (Row r : of("ThroughputBench.samples")) {
            double sps = 1e9 / r.score;
            double gf = sps * flops(r.p("model")) / 1e9;
            Double ejml = find("EjmlBaselineBench.streams256", "model", r.p("model"));
            String pct = r.p("threads").equals("1") && ceiling > 0 ? f("%.0f %%", 100 * gf / ceiling) : "";
            System.out.println(f("| %s | %s | %s | %s | %,.0f | %.1f | %s | %s |", r.p("model"), r.p("streams"),
                    r.p("threads"), r.p("kernel"), sps, gf, pct, ejml == null ? "" : f("%.1f×", ejml / r.score)));
        }

        System.out.println("\n### EJML baseline (double-precision complex matrices, one stream at a time)\n");
        System.out.println("| model | benchmark | ns/sample | samples/s |\n|---|---|---|---|");
        for (Row r : rows) {
            if (r.bench.startsWith("EjmlBaselineBench")) {
                System.out.println(f("| %s | %s | %.0f | %,.0f |", r.p("model"), r.bench.substring(18), r.score, 1e9 / r.score));
            }
        }

        System.out.println("\n### ONNX Runtime peer (s5-skab, same inputs, same run)\n");
        System.out.println("| batch | threads | ORT µs/step | ORT samples/s | ssm-edge µs/step | ssm-edge samples/s | ssm-edge / ORT speed "
                + "| plain step µs/step | plain / ORT speed |");
        System.out.println("|---|---|---|---|---|---|---|---|---|");
        for (Row r : of("OrtPeerBench.ssmEdge")) {
            String batch = r.p("batch");
            String th = r.p("threads");
            Double ort = find("OrtPeerBench.ort", "batch", batch, "threads", th);
            double us = r.score;
            int b = Integer.parseInt(batch);
            Double plain = th.equals("1") ? find("OrtPeerBench.ssmEdgePlain", "batch", batch, "threads", th) : null;
            System.out.println(f("| %d | %s | %s | %s | %.2f | %,.0f | %s | %s | %s |", b, th, ort == null ? "skipped" : f("%.1f", ort / 1e3),
                    ort == null ? "" : f("%,.0f", b * 1e9 / ort), us / 1e3, b * 1e9 / us, ort == null ? "" : f("%.1f×", ort / us),
                    plain == null ? "" : f("%.2f", plain / 1e3), plain == null || ort == null ? "" : f("%.1f×", ort / plain)));
        }

        System.out.println("\n### LAST pruning: physical vs masked (256 streams, 1 thread; ns/sample, ratio to dense)\n");
        System.out.println("| model | part | kernel | dense | masked 30 % | pruned 30 % | masked 50 % | pruned 50 % |");
        System.out.println("|---|---|---|---|---|---|---|---|");
        Map<String, Map<String, Double>> groups = new TreeMap<>();
        for (Row r : rows) {
            if (r.bench.startsWith("PruningBench")) {
                groups.computeIfAbsent(r.p("model") + "|" + r.bench.substring(13) + "|" + r.p("kernel"), k -> new HashMap<>())
                        .put(r.p("variant"), r.score);
            }
        }
        for (var e : groups.entrySet()) {
            Map<String, Double> v = e.getValue();
            Double dense = v.get("dense");
            StringBuilder sb = new StringBuilder("| " + e.getKey().replace("|", " | ") + " |");
            for (String var : new String[]{"dense", "masked30", "pruned30", "masked50", "pruned50"}) {
                Double s = v.get(var);
                sb.append(s == null ? " |" : dense == null ? f(" %.0f |", s) : f(" %.0f (%.2f×) |", s, s / dense));
            }
            System.out.println(sb);
        }
    }
}
