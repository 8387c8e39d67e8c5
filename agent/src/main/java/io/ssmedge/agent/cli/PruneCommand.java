package io.ssmedge.agent.cli;

import io.ssmedge.eval.Evaluator;
import io.ssmedge.inference.BatchEvaluator;
import io.ssmedge.inference.Progress;
import io.ssmedge.model.ModelInfo;
import io.ssmedge.model.SsmModel;
import io.ssmedge.pruning.Pruner;
import io.ssmedge.pruning.PruningMethod;
import io.ssmedge.pruning.PruningPlan;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.Callable;

@Command(name = "prune", mixinStandardHelpOptions = true,
        description = {"Removes the least important states of a model and saves the smaller model.",
                "The kept states are unchanged, so the pruned model stays stable; no retraining is needed.",
                "Example: ssm-edge prune embedded:s5-skab --ratio 30 --out models/s5-skab-30"})
public final class PruneCommand implements Callable<Integer> {
    @picocli.CommandLine.Mixin
    ModelParameter model;

    @Option(names = "--ratio", required = true, paramLabel = "PERCENT", description = "share of all states to remove, 0–100")
    double ratio;

    @Option(names = "--method", paramLabel = "NAME", defaultValue = "last",
            description = "how to choose the states: last (default), uniform-hinf, global-hinf, random, magnitude, lamp")
    String method;

    @Option(names = "--seed", defaultValue = "0", description = "seed for --method random (default ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--out", required = true, paramLabel = "DIR",
            description = "folder for the pruned model (config.json, model.safetensors) and pruning-plan.json")
    Path out;

    @Option(names = "--force", description = "overwrite a model already in --out")
    boolean force;

    @ArgGroup(exclusive = false, heading = "Check the accuracy before and after (optional):%n")
    DataOptions check;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PruningMethod m = PruningMethod.parse(method);
        if (Files.exists(out.resolve("model.safetensors")) && !force) {
            throw new IllegalArgumentException(out + " already holds a model; choose another --out or add --force");
        }
        SsmModel full = model.load();
        PruningPlan plan = Pruner.plan(full, m, ratio, seed);
        SsmModel pruned = Pruner.apply(full, plan);
        pruned.save(out);
        plan.write(out.resolve("pruning-plan.json"));

        PrintWriter o = spec.commandLine().getOut();
        ModelInfo before = ModelInfo.of(full);
        ModelInfo after = ModelInfo.of(pruned);
        o.printf(Locale.ROOT, "Pruned %s with %s at %s%%: %d of %d states kept (%.1f%% removed)%n", model, m.label(),
                fmt(ratio), plan.totalKept(), plan.totalUnits(), plan.removedPercent());
        if (plan.removedPercent() < ratio - 100.0 / Math.max(1, plan.totalUnits())) {
            o.println("  (fewer removed than asked: states with equal scores at the threshold are all kept, as in the reference)");
        }
        o.printf("States per layer  %s -> %s%n", Arrays.toString(plan.unitsPerLayer()), Arrays.toString(plan.keptPerLayer()));
        o.print("H∞ energy kept    ");
        for (double e : plan.keptEnergy()) {
            o.printf(Locale.ROOT, "%.1f%% ", 100 * e);
        }
        o.println("(per layer)");
        o.printf("Weights           %,d -> %,d bytes%n", before.weightBytes(), after.weightBytes());
        o.printf("Per stream        %,d -> %,d bytes of state%n", before.stateBytes(), after.stateBytes());
        o.printf(Locale.ROOT, "Stability         max |λ̄| %.6f -> %.6f (%s)%n", before.maxPole(), after.maxPole(),
                after.maxPole() < 1 ? "stable" : "UNSTABLE");
        if (check != null) {
            var windows = check.load(full);
            int threads = BatchEvaluator.defaultThreads();
            double a0;
            double a1;
            try (ProgressBar bar = new ProgressBar("checking accuracy")) {
                a0 = Evaluator.evaluate(full, windows, threads, Progress.NONE).accuracy();
                a1 = Evaluator.evaluate(pruned, windows, threads, bar).accuracy();
            }
            o.printf(Locale.ROOT, "Accuracy          %.2f%% -> %.2f%% (%+.2f points on %,d windows)%n", 100 * a0, 100 * a1,
                    100 * (a1 - a0), windows.count());
        }
        o.printf("Saved to          %s (model) and %s%n", out, out.resolve("pruning-plan.json"));
        o.flush();
        return 0;
    }

    static String fmt(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
    }
}
