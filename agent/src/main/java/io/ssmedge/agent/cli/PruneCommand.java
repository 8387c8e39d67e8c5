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

import io.ssmedge.data.SensorCsv;
import io.ssmedge.data.WindowSet;
import io.ssmedge.train.FineTuner;
import io.ssmedge.train.Trainer;
import io.ssmedge.train.TrainingData;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
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

    @ArgGroup(exclusive = false, heading = "Fine-tune the kept states on labeled CSV files given with --data (optional, S5):%n")
    FineTuneOptions finetune;

    /** Fine-tuning after pruning. */
    static final class FineTuneOptions {
        @Option(names = "--finetune-epochs", required = true, paramLabel = "N",
                description = "train the pruned model for up to N epochs on the --data files (kept states only; poles stay stable)")
        int epochs;

        @Option(names = "--finetune-minutes", defaultValue = "0", paramLabel = "M", description = "time budget (default: none)")
        double minutes;

        @Option(names = "--finetune-lr", defaultValue = "0.001", paramLabel = "LR", description = "learning rate (default ${DEFAULT-VALUE}; Λ, B, steps and norms use a quarter)")
        double lr;

        @Option(names = "--finetune-stride", defaultValue = "4", paramLabel = "N", description = "samples between training windows (default ${DEFAULT-VALUE})")
        int stride;

        @Option(names = "--val-fraction", defaultValue = "0.2", paramLabel = "F", description = "share of the files used to pick the best epoch (default ${DEFAULT-VALUE})")
        double valFraction;

        @Option(names = "--test-files", split = ",", paramLabel = "NAME",
                description = "files (path endings) kept out of fine-tuning; accuracy is reported on them")
        List<String> testFiles;

        @Option(names = "--threads", paramLabel = "N", description = "worker threads (default: all processors)")
        Integer threads;

        @Option(names = "--teacher-weight", defaultValue = "1", paramLabel = "A",
                description = {"how much the pruned model learns from the unpruned model's answers rather than the labels:",
                        "1 = imitate the unpruned model (default), 0 = labels only (class-balanced)"})
        double teacherWeight;
    }

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
        PrintWriter o = spec.commandLine().getOut();
        if (finetune != null) {
            if (check == null) {
                throw new IllegalArgumentException("--finetune-epochs needs labeled CSV files: add --data");
            }
            pruned = fineTune(o, full, pruned);
        }
        pruned.save(out);
        plan.write(out.resolve("pruning-plan.json"));

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
        if (check != null && finetune == null) {
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

    /** Fine-tunes the pruned model on the --data files; reports accuracy on the test files (or the validation files). */
    private SsmModel fineTune(PrintWriter o, SsmModel full, SsmModel pruned) {
        List<String> cols = check.channels != null ? check.channels : full.channels();
        int window = check.window != null ? check.window : full.trainingWindow();
        if (window <= 0) {
            throw new IllegalArgumentException("the model does not say its window length; give --window");
        }
        int evalStride = check.stride != null ? check.stride : (full.evaluationStride() > 0 ? full.evaluationStride() : window);
        List<SensorCsv.Table> tune = new ArrayList<>();
        List<SensorCsv.Table> test = new ArrayList<>();
        for (Path p : check.data) {
            for (Path f : SensorCsv.files(p)) {
                if (TrainCommand.hasColumn(f, check.labelColumn)) {
                    (TrainCommand.isTest(f, finetune.testFiles) ? test : tune).add(SensorCsv.read(f, cols, check.labelColumn));
                }
            }
        }
        List<String> trainedVal = validationFilesOfTraining();
        if (trainedVal != null && trainedVal.size() >= tune.size()) {
            trainedVal = null; // trained with --split random: every file was in training
        }
        TrainingData td = trainedVal != null
                ? TrainingData.prepare(tune, trainedVal, window, finetune.stride, evalStride)
                : TrainingData.prepare(tune, window, finetune.stride, evalStride, TrainingData.Split.BY_FILE,
                finetune.valFraction, seed);
        if (trainedVal != null) {
            o.println("Best epoch chosen on the model's own validation files (from its training-log.jsonl)");
        }
        int threads = finetune.threads != null ? finetune.threads : BatchEvaluator.defaultThreads();
        WindowSet report = test.isEmpty() ? td.validationRaw() : SensorCsv.windows(test, window, evalStride);
        String where = test.isEmpty() ? "validation files " + td.validationFiles() : test.size() + " test files";
        Trainer.Options opts = FineTuner.defaults(new FineTuner.Budget(finetune.epochs, finetune.minutes * 60), seed, threads)
                .withLearningRates(finetune.lr, finetune.lr / 4).withTeacherWeight(finetune.teacherWeight);
        o.printf(Locale.ROOT, "Fine-tuning the %d kept states on %,d windows from %d files (best epoch chosen on %,d windows)%n",
                pruned.totalUnits(), td.trainRaw().count(), td.trainFiles().size(), td.validationRaw().count());
        o.flush();
        long t0 = System.nanoTime();
        Trainer.Result r = FineTuner.fineTune(pruned, finetune.teacherWeight > 0 ? full : null, td.trainRaw(),
                td.validationRaw(), opts, new Trainer.Listener() {
            @Override
            public void epoch(Trainer.EpochReport e) {
                TrainCommand.printEpoch(o, e, "  * best");
            }
        }, null);
        double secs = (System.nanoTime() - t0) / 1e9;
        double a0 = Evaluator.evaluate(full, report, threads, Progress.NONE).accuracy();
        double a1 = Evaluator.evaluate(pruned, report, threads, Progress.NONE).accuracy();
        double a2 = Evaluator.evaluate(r.best(), report, threads, Progress.NONE).accuracy();
        o.printf(Locale.ROOT, "Accuracy on %s: unpruned %.2f%%, pruned %.2f%%, pruned + fine-tuned %.2f%% (best epoch %d, %.0f s)%n",
                where, 100 * a0, 100 * a1, 100 * a2, r.bestEpoch(), secs);
        o.flush();
        return r.best();
    }

    /** The validation files of the model's training (training-log.jsonl beside the model), or null. */
    private List<String> validationFilesOfTraining() {
        if (model.model.embedded()) {
            return null;
        }
        Path p = Path.of(model.spec());
        Path log = (Files.isRegularFile(p) ? p.toAbsolutePath().getParent() : p).resolve("training-log.jsonl");
        if (!Files.isRegularFile(log)) {
            return null;
        }
        try (java.io.BufferedReader r = Files.newBufferedReader(log)) {
            com.fasterxml.jackson.databind.JsonNode start = new com.fasterxml.jackson.databind.ObjectMapper().readTree(r.readLine());
            if (start == null || !start.has("validation_files")) {
                return null;
            }
            List<String> out = new ArrayList<>();
            start.get("validation_files").forEach(n -> out.add(n.asText()));
            return out;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(log + ": cannot read: " + e.getMessage(), e);
        }
    }

    static String fmt(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
    }
}
