package io.ssmedge.agent.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ssmedge.data.WindowSet;
import io.ssmedge.eval.ConfusionMatrix;
import io.ssmedge.eval.EvalResult;
import io.ssmedge.eval.Evaluator;
import io.ssmedge.format.SafetensorsWriter;
import io.ssmedge.format.Tensor;
import io.ssmedge.inference.BatchEvaluator;
import io.ssmedge.model.SsmModel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "eval", mixinStandardHelpOptions = true,
        description = {"Measures a model on labeled windows: accuracy, confusion matrix, false-alarm and miss rate.",
                "Example: ssm-edge eval embedded:s5-skab --data ../shared/datasets/skab/valve1 --stride 8"})
public final class EvalCommand implements Callable<Integer> {
    @picocli.CommandLine.Mixin
    ModelParameter model;

    @Mixin
    DataOptions data;

    @Option(names = "--json", description = "print one JSON object: accuracy, windows, false_alarm_rate, miss_rate, confusion")
    boolean json;

    @Option(names = "--logp", paramLabel = "OUT.safetensors", description = "also write per-window log-probabilities as tensor logp (N, classes)")
    Path logp;

    @Option(names = "--threads", paramLabel = "N", description = "worker threads (default: all processors)")
    Integer threads;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        SsmModel m = model.load();
        WindowSet w = data.load(m);
        EvalResult r;
        try (ProgressBar bar = new ProgressBar("evaluating")) {
            r = Evaluator.evaluate(m, w, threads != null ? threads : BatchEvaluator.defaultThreads(), bar);
        }
        if (logp != null) {
            new SafetensorsWriter().add(Tensor.f32("logp", r.logp(), w.count(), m.outputSize()))
                    .metadata("model", model.spec()).write(logp);
        }
        PrintWriter out = spec.commandLine().getOut();
        EvalResult clipped = null;
        if (!m.unstableStates().isEmpty()) { // what model.stabilize: clip would cost on these windows
            clipped = Evaluator.evaluate(m.stabilized(), w, threads != null ? threads : BatchEvaluator.defaultThreads(),
                    io.ssmedge.inference.Progress.NONE);
        }
        if (json) {
            ObjectNode o = toJson(r);
            if (clipped != null) {
                o.put("unstable_states", m.unstableStates().size());
                o.put("accuracy_stabilized", clipped.accuracy());
            }
            out.println(new ObjectMapper().writeValueAsString(o));
        } else {
            print(out, r, m.classes(), w);
            if (clipped != null) {
                out.println();
                out.printf("Unstable states  %d (|λ̄| ≥ 1): %s%n", m.unstableStates().size(),
                        io.ssmedge.model.UnstableState.describe(m.unstableStates(), w.length()));
                out.printf("With model.stabilize: clip (needed for continuous mode) the accuracy would be %.2f %% "
                        + "(%+.2f points)%n", 100 * clipped.accuracy(), 100 * (clipped.accuracy() - r.accuracy()));
            }
        }
        out.flush();
        return 0;
    }

    static ObjectNode toJson(EvalResult r) {
        ObjectNode o = new ObjectMapper().createObjectNode();
        o.put("accuracy", r.accuracy());
        o.put("windows", r.windows());
        putRate(o, "false_alarm_rate", r.falseAlarmRate());
        putRate(o, "miss_rate", r.missRate());
        ArrayNode c = o.putArray("confusion");
        for (long[] row : r.confusion().counts()) {
            ArrayNode a = c.addArray();
            for (long v : row) {
                a.add(v);
            }
        }
        return o;
    }

    private static void putRate(ObjectNode o, String k, double v) {
        if (Double.isNaN(v)) {
            o.putNull(k);
        } else {
            o.put(k, v);
        }
    }

    private void print(PrintWriter out, EvalResult r, List<String> classes, WindowSet w) {
        ConfusionMatrix cm = r.confusion();
        out.printf("Windows          %,d of %d samples%n", r.windows(), w.length());
        out.printf("Accuracy         %.2f %%  (windows classified correctly)%n", 100 * r.accuracy());
        out.printf("False-alarm rate %s  (normal windows flagged as '%s' or another fault)%n", pct(r.falseAlarmRate()),
                classes.size() > 1 ? classes.get(1) : "?");
        out.printf("Miss rate        %s  (fault windows reported as '%s')%n", pct(r.missRate()), classes.get(0));
        out.println();
        out.println("Confusion matrix (rows: actual, columns: predicted)");
        int wName = Math.max(12, classes.stream().mapToInt(String::length).max().orElse(8) + 2);
        out.print(String.format("%-" + wName + "s", ""));
        for (String c : classes) {
            out.print(String.format("%" + wName + "s", c));
        }
        out.println();
        for (int a = 0; a < cm.classes(); a++) {
            out.print(String.format("%-" + wName + "s", classes.get(a)));
            for (int p = 0; p < cm.classes(); p++) {
                out.print(String.format("%" + wName + "d", cm.count(a, p)));
            }
            out.println();
        }
    }

    private static String pct(double v) {
        return Double.isNaN(v) ? "   n/a " : String.format("%6.2f %%", 100 * v);
    }
}
