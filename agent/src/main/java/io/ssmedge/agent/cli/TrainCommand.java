package io.ssmedge.agent.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ssmedge.data.SensorCsv;
import io.ssmedge.data.WindowSet;
import io.ssmedge.eval.EvalResult;
import io.ssmedge.eval.Evaluator;
import io.ssmedge.inference.BatchEvaluator;
import io.ssmedge.inference.Progress;
import io.ssmedge.model.s5.S5Config;
import io.ssmedge.model.s5.S5Model;
import io.ssmedge.train.S5Architecture;
import io.ssmedge.train.S5Init;
import io.ssmedge.train.Trainer;
import io.ssmedge.train.TrainingData;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Trains an S5 anomaly classifier on labeled sensor CSV files and saves it as a model folder",
                "that every ssm-edge command (eval, prune, run, the gateway) can load.",
                "Each window of --window samples is labeled with the label of its last sample.",
                "The best model on the validation files is kept; Ctrl-C stops early and keeps it.",
                "Example: ssm-edge train --data recordings/ --window 60 --stride 4 --out models/pump1"})
public final class TrainCommand implements Callable<Integer> {
    @Option(names = "--data", required = true, paramLabel = "CSV", description = "labeled .csv files or folders of them (repeat for several)")
    List<Path> data;

    @Option(names = "--channels", split = ",", paramLabel = "NAME",
            description = "columns to use as inputs (default: every column of the first file except the label, "
                    + "datetime/time/timestamp and changepoint)")
    List<String> channels;

    @Option(names = "--label-column", defaultValue = "anomaly", paramLabel = "NAME",
            description = "column with each sample's class 0, 1, … (default ${DEFAULT-VALUE}); files without it are skipped")
    String labelColumn;

    @Option(names = "--classes", split = ",", paramLabel = "NAME", description = "class names (default: normal,anomaly for two classes)")
    List<String> classNames;

    @Option(names = "--window", defaultValue = "60", paramLabel = "N", description = "samples per window (default ${DEFAULT-VALUE})")
    int window;

    @Option(names = "--stride", defaultValue = "4", paramLabel = "N", description = "samples between training windows (default ${DEFAULT-VALUE})")
    int stride;

    @Option(names = "--eval-stride", paramLabel = "N", description = "samples between validation and test windows (default: 2 × --stride)")
    Integer evalStride;

    @Option(names = "--split", defaultValue = "by-file", paramLabel = "by-file|random",
            description = "validation split: whole files (default; honest for new recordings) or random windows")
    String split;

    @Option(names = "--val-fraction", defaultValue = "0.2", paramLabel = "F", description = "share held out for validation (default ${DEFAULT-VALUE})")
    double valFraction;

    @Option(names = "--test-files", split = ",", paramLabel = "NAME",
            description = "files (path endings, e.g. valve1/0.csv) kept out of training and validation and scored at the end")
    List<String> testFiles;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "model folder to write (config.json, model.safetensors, training-log.jsonl)")
    Path out;

    @Option(names = "--force", description = "overwrite a model already in --out")
    boolean force;

    @Option(names = "--width", defaultValue = "32", description = "model width H (default ${DEFAULT-VALUE})")
    int width;

    @Option(names = "--ssm-size", defaultValue = "32", description = "states per layer before conjugate symmetry (default ${DEFAULT-VALUE}; P = half with conj_sym)")
    int ssmSize;

    @Option(names = "--blocks", defaultValue = "2", description = "HiPPO-N blocks per layer (default ${DEFAULT-VALUE})")
    int blocks;

    @Option(names = "--layers", defaultValue = "4", description = "S5 layers (default ${DEFAULT-VALUE})")
    int layers;

    @Option(names = "--activation", defaultValue = "half_glu1", description = "gelu, half_glu1, half_glu2, full_glu (default ${DEFAULT-VALUE})")
    String activation;

    @Option(names = "--norm", defaultValue = "layer", paramLabel = "layer|batch", description = "LayerNorm or BatchNorm (default ${DEFAULT-VALUE})")
    String norm;

    @Option(names = "--prenorm", description = "norm before the SSM (default: after the residual)")
    boolean prenorm;

    @Option(names = "--discretization", defaultValue = "zoh", paramLabel = "zoh|bilinear", description = "default ${DEFAULT-VALUE}")
    String discretization;

    @Option(names = "--no-conj-sym", description = "store all complex states instead of one per conjugate pair")
    boolean noConjSym;

    @Option(names = "--head", defaultValue = "last", paramLabel = "last|pool", description = "classify from the last step or the mean over the window (default ${DEFAULT-VALUE})")
    String head;

    @Option(names = "--epochs", defaultValue = "30", description = "epochs at most (default ${DEFAULT-VALUE})")
    int epochs;

    @Option(names = "--batch", defaultValue = "64", description = "windows per step (default ${DEFAULT-VALUE})")
    int batch;

    @Option(names = "--lr", defaultValue = "0.004", description = "learning rate (default ${DEFAULT-VALUE})")
    double lr;

    @Option(names = "--ssm-lr", defaultValue = "0.001", description = "learning rate of Λ, B, step sizes and norms (default ${DEFAULT-VALUE})")
    double ssmLr;

    @Option(names = "--weight-decay", defaultValue = "0.05", description = "default ${DEFAULT-VALUE}")
    double weightDecay;

    @Option(names = "--dropout", defaultValue = "0.1", description = "default ${DEFAULT-VALUE}")
    double dropout;

    @Option(names = "--warmup", defaultValue = "1", description = "warm-up epochs (default ${DEFAULT-VALUE})")
    double warmup;

    @Option(names = "--patience", defaultValue = "0", description = "stop after N epochs without a better validation result (default: never)")
    int patience;

    @Option(names = "--class-weights", defaultValue = "balanced", paramLabel = "balanced|none|W0,W1,…",
            description = "loss weight per class (default ${DEFAULT-VALUE}: rare classes count more)")
    String classWeights;

    @Option(names = "--max-minutes", defaultValue = "0", description = "stop after this many minutes (default: no limit)")
    double maxMinutes;

    @Option(names = "--seed", defaultValue = "1", description = "default ${DEFAULT-VALUE}")
    long seed;

    @Option(names = "--threads", paramLabel = "N", description = "worker threads (default: all processors); results are reproducible for a given count")
    Integer threads;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    public Integer call() throws Exception {
        if (Files.exists(out.resolve("model.safetensors")) && !force) {
            throw new IllegalArgumentException(out + " already holds a model; choose another --out or add --force");
        }
        TrainingData.Split sp = switch (split) {
            case "by-file" -> TrainingData.Split.BY_FILE;
            case "random" -> TrainingData.Split.RANDOM;
            default -> throw new IllegalArgumentException("--split: expected by-file or random, got " + split);
        };
        PrintWriter o = spec.commandLine().getOut();
        List<Path> files = new ArrayList<>();
        for (Path p : data) {
            files.addAll(SensorCsv.files(p));
        }
        List<String> cols = channels != null ? channels : defaultChannels(files.get(0), labelColumn);
        List<SensorCsv.Table> trainTables = new ArrayList<>();
        List<SensorCsv.Table> testTables = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        for (Path f : files) {
            if (!hasColumn(f, labelColumn)) {
                skipped.add(f.toString());
                continue;
            }
            SensorCsv.Table t = SensorCsv.read(f, cols, labelColumn);
            (isTest(f) ? testTables : trainTables).add(t);
        }
        if (testFiles != null && testTables.size() != testFiles.size()) {
            throw new IllegalArgumentException("--test-files names " + testFiles.size() + " files, " + testTables.size()
                    + " of the --data files match");
        }
        int es = evalStride != null ? evalStride : 2 * stride;
        TrainingData td = TrainingData.prepare(trainTables, window, stride, es, sp, valFraction, seed);
        int k = Math.max(2, maxLabel(td) + 1);
        List<String> classes = classNames != null ? classNames
                : k == 2 ? List.of("normal", "anomaly") : io.ssmedge.model.ConfigReader.generatedNames("class", k);
        if (classes.size() != k) {
            throw new IllegalArgumentException("--classes names " + classes.size() + " classes, the labels need " + k);
        }
        S5Architecture arch = new S5Architecture(width, ssmSize, blocks, layers, activation, prenorm,
                "batch".equals(norm), discretization, !noConjSym, true, head);
        S5Config cfg = arch.config(cols, classes, td.mean(), td.std(), window, stride, es);
        int nThreads = threads != null ? threads : BatchEvaluator.defaultThreads();
        Trainer.Options opts = new Trainer.Options(epochs, batch, lr, ssmLr, weightDecay, dropout, warmup, patience,
                weights(classWeights, td.trainRaw().labels(), k), seed, nThreads, maxMinutes * 60, 0);
        WindowSet tr = td.train();
        WindowSet va = td.validation();
        o.printf(Locale.ROOT, "Training S5 (H %d, %d states x %d layers, %s) on %,d windows of %d samples from %d files; "
                        + "validating on %,d windows%s%n", width, cfg.maxStates(), layers, activation, tr.count(), window,
                td.trainFiles().size(), va.count(), sp == TrainingData.Split.BY_FILE ? " from " + td.validationFiles() : " (random)");
        if (!skipped.isEmpty()) {
            o.println("Skipped (no '" + labelColumn + "' column): " + skipped);
        }
        o.printf(Locale.ROOT, "Class balance: %s; %d thread(s); log: %s%n", balance(tr.labels(), classes), nThreads,
                out.resolve("training-log.jsonl"));
        o.flush();

        Files.createDirectories(out);
        AtomicBoolean stop = new AtomicBoolean();
        CountDownLatch done = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            stop.set(true);
            try {
                done.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "ssm-edge-train-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        Trainer.Result res;
        try (Writer log = Files.newBufferedWriter(out.resolve("training-log.jsonl"), StandardCharsets.UTF_8);
             EpochBar bar = new EpochBar()) {
            ObjectNode start = JSON.createObjectNode();
            start.put("event", "start");
            start.set("config", cfg.document());
            start.put("train_windows", tr.count());
            start.put("validation_windows", va.count());
            ArrayNode vf = start.putArray("validation_files");
            td.validationFiles().forEach(vf::add);
            start.put("threads", nThreads);
            line(log, start);
            res = Trainer.train(S5Init.init(cfg, blocks, seed), tr, va, opts, new Trainer.Listener() {
                @Override
                public void batch(int epoch, int d, int total, double loss) {
                    bar.batch(epoch, epochs, d, total, loss);
                }

                @Override
                public void epoch(Trainer.EpochReport r) {
                    bar.clear();
                    printEpoch(o, r, "  * best, saved");
                    bar.epochDone(r);
                    ObjectNode j = JSON.createObjectNode();
                    j.put("event", "epoch");
                    j.put("epoch", r.epoch());
                    j.put("train_loss", r.trainLoss());
                    j.put("val_accuracy", r.valAccuracy());
                    j.put("val_loss", r.valLoss());
                    putRate(j, "false_alarm_rate", r.falseAlarmRate());
                    putRate(j, "miss_rate", r.missRate());
                    j.put("lr", r.lr());
                    j.put("seconds", r.seconds());
                    j.put("windows_per_second", r.samplesPerSecond());
                    j.put("elapsed_seconds", r.elapsedSeconds());
                    j.put("best", r.improved());
                    line(log, j);
                }
            }, stop, best -> best.save(out));
            ObjectNode end = JSON.createObjectNode();
            end.put("event", stop.get() ? "stopped" : "end");
            end.put("best_epoch", res.bestEpoch());
            end.put("val_accuracy", res.bestValidation().accuracy());
            if (!testTables.isEmpty()) {
                WindowSet test = SensorCsv.windows(testTables, window, es);
                EvalResult te = Evaluator.evaluate(res.best(), test, nThreads, Progress.NONE);
                end.put("test_accuracy", te.accuracy());
                end.put("test_windows", test.count());
                putRate(end, "test_false_alarm_rate", te.falseAlarmRate());
                putRate(end, "test_miss_rate", te.missRate());
                o.printf(Locale.ROOT, "Test files: accuracy %.2f%% on %,d windows, false alarms %s, misses %s%n",
                        100 * te.accuracy(), test.count(), pct(te.falseAlarmRate()), pct(te.missRate()));
            }
            line(log, end);
        } finally {
            done.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // Ctrl-C: the hook is running and waits for us
            }
        }
        o.printf(Locale.ROOT, "%sBest model: epoch %d, validation accuracy %.2f%%, saved to %s%n",
                res.stopped() ? "Stopped. " : "", res.bestEpoch(), 100 * res.bestValidation().accuracy(), out);
        o.flush();
        return 0;
    }

    /** One line per epoch on stdout (also when stderr is no terminal). */
    static void printEpoch(PrintWriter o, Trainer.EpochReport r, String bestNote) {
        o.printf(Locale.ROOT, "epoch %3d/%d  loss %.4f  val acc %6.2f%%  false alarms %s  misses %s  %5.1fs  %,.0f windows/s%s%n",
                r.epoch(), r.maxEpochs(), r.trainLoss(), 100 * r.valAccuracy(), pct(r.falseAlarmRate()),
                pct(r.missRate()), r.seconds(), r.samplesPerSecond(), r.improved() ? bestNote : "");
        o.flush();
    }

    private boolean isTest(Path f) {
        return isTest(f, testFiles);
    }

    /** True when f ends with one of the names (path endings such as valve1/0.csv). */
    static boolean isTest(Path f, List<String> names) {
        if (names == null) {
            return false;
        }
        String s = f.toString().replace('\\', '/');
        return names.stream().anyMatch(t -> s.endsWith("/" + t) || s.equals(t));
    }

    private static int maxLabel(TrainingData td) {
        int m = 0;
        for (int y : td.trainRaw().labels()) {
            m = Math.max(m, y);
        }
        for (int y : td.validationRaw().labels()) {
            m = Math.max(m, y);
        }
        return m;
    }

    static double[] weights(String spec, int[] labels, int k) {
        if ("balanced".equals(spec)) {
            return Trainer.balancedWeights(labels, k);
        }
        double[] w = new double[k];
        if ("none".equals(spec)) {
            java.util.Arrays.fill(w, 1);
            return w;
        }
        String[] parts = spec.split(",");
        if (parts.length != k) {
            throw new IllegalArgumentException("--class-weights: expected balanced, none or " + k + " numbers, got " + spec);
        }
        for (int i = 0; i < k; i++) {
            w[i] = Double.parseDouble(parts[i].trim());
        }
        return w;
    }

    private static String balance(int[] labels, List<String> classes) {
        long[] c = new long[classes.size()];
        for (int y : labels) {
            c[y]++;
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < c.length; i++) {
            sb.append(i == 0 ? "" : ", ").append(classes.get(i)).append(' ')
                    .append(String.format(Locale.ROOT, "%.1f%%", 100.0 * c[i] / Math.max(1, labels.length)));
        }
        return sb.toString();
    }

    private static String header(Path f) {
        try (BufferedReader r = Files.newBufferedReader(f, StandardCharsets.UTF_8)) {
            String h = r.readLine();
            return h == null ? "" : h.replace("\uFEFF", "");
        } catch (IOException e) {
            throw new UncheckedIOException(f + ": cannot read: " + e.getMessage(), e);
        }
    }

    private static List<String> columns(Path f) {
        String h = header(f);
        String sep = h.indexOf(';') >= 0 ? ";" : ",";
        List<String> out = new ArrayList<>();
        for (String s : h.split(sep, -1)) {
            out.add(s.trim().replace("\"", ""));
        }
        return out;
    }

    static boolean hasColumn(Path f, String name) {
        return columns(f).contains(name);
    }

    static List<String> defaultChannels(Path first, String label) {
        List<String> out = new ArrayList<>();
        for (String c : columns(first)) {
            String l = c.toLowerCase(Locale.ROOT);
            if (!c.equals(label) && !List.of("datetime", "time", "timestamp", "date", "changepoint", "").contains(l)) {
                out.add(c);
            }
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException(first + ": no input columns besides '" + label + "'; name them with --channels");
        }
        return out;
    }

    private static void line(Writer w, ObjectNode o) {
        try {
            w.write(JSON.writeValueAsString(o));
            w.write('\n');
            w.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the training log: " + e.getMessage(), e);
        }
    }

    private static void putRate(ObjectNode o, String k, double v) {
        if (Double.isNaN(v)) {
            o.putNull(k);
        } else {
            o.put(k, v);
        }
    }

    static String pct(double v) {
        return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%.1f%%", 100 * v);
    }

    /** The per-epoch progress bar on stderr (only on a terminal): batches done, running loss, time left. */
    static final class EpochBar implements AutoCloseable {
        private final boolean enabled = System.console() != null;
        private long last;
        private double secondsPerEpoch = Double.NaN;
        private int epochsLeft;
        private long epochStart = System.nanoTime();
        private String lastVal = "";

        void batch(int epoch, int epochs, int done, int total, double loss) {
            if (done == 1) {
                epochStart = System.nanoTime();
            }
            epochsLeft = epochs - epoch;
            long now = System.nanoTime();
            if (!enabled || (now - last < 200_000_000L && done < total)) {
                return;
            }
            last = now;
            double el = (now - epochStart) / 1e9;
            double thisLeft = el / done * (total - done);
            double per = Double.isNaN(secondsPerEpoch) ? el / done * total : secondsPerEpoch;
            double left = thisLeft + epochsLeft * per;
            int w = 24;
            int f = w * done / total;
            System.err.printf(Locale.ROOT, "\repoch %d/%d [%s%s] %3d%% loss %.4f%s  ~%s left   ", epoch, epochs, "#".repeat(f),
                    " ".repeat(w - f), 100 * done / total, loss, lastVal, duration(left));
            System.err.flush();
        }

        void epochDone(Trainer.EpochReport r) {
            secondsPerEpoch = r.seconds();
            lastVal = String.format(Locale.ROOT, " | val acc %.1f%% FA %s miss %s", 100 * r.valAccuracy(),
                    pct(r.falseAlarmRate()), pct(r.missRate()));
        }

        void clear() {
            if (enabled) {
                System.err.print("\r" + " ".repeat(110) + "\r");
                System.err.flush();
            }
        }

        static String duration(double s) {
            long t = Math.round(s);
            return t >= 3600 ? String.format("%dh%02dm", t / 3600, t / 60 % 60) : String.format("%dm%02ds", t / 60, t % 60);
        }

        @Override
        public void close() {
            clear();
        }
    }
}
