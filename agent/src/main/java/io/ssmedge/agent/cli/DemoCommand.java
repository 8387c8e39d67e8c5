package io.ssmedge.agent.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.ssmedge.agent.demo.DemoRollout;
import io.ssmedge.agent.demo.DemoSettings;
import io.ssmedge.agent.demo.LiveDemo;
import io.ssmedge.data.SensorCsv;
import io.ssmedge.eval.ConfusionMatrix;
import io.ssmedge.eval.Evaluator;
import io.ssmedge.inference.WindowSpec;
import io.ssmedge.inference.WindowedStream;
import io.ssmedge.model.ModelInfo;
import io.ssmedge.model.ModelLoader;
import io.ssmedge.model.SsmModel;
import io.ssmedge.pruning.Pruner;
import io.ssmedge.pruning.PruningMethod;
import io.ssmedge.pruning.PruningPlan;
import io.ssmedge.pruning.StepTimer;
import org.HdrHistogram.Histogram;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;

@Command(name = "demo", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Shows ssm-edge at work on the bundled pump model.",
                "Live (default): starts an MQTT broker, a factory simulator (or, with --skab, a replay of the SKAB",
                "recordings), the gateway agent with a staged LAST pruning rollout and its status pages in this one",
                "process; sensor samples go through the broker to the agent and predictions come back. The plant's",
                "clock runs --speed times faster, so a stage is promoted within about a minute; then a fault storm",
                "with wrong labels hits (--storm-at) and probation rolls the stage back. A summary line every few",
                "seconds (stage, accuracy, false alarms, misses, µs per sample, bytes per stream) and a line per",
                "rollout event; Ctrl-C stops with a summary.",
                "--offline: the walk-through without MQTT: streams the recordings through the model sample by",
                "sample, reports accuracy, false alarms, misses, speed and memory, then previews LAST pruning.",
                "The SKAB recordings are looked for in ../shared/datasets/skab (or --data / $SKAB_DIR)."})
public final class DemoCommand implements Callable<Integer> {
    @Option(names = "--offline", description = "the in-process walk-through without broker and agent (the earlier demo)")
    boolean offline;

    @Option(names = "--duration", defaultValue = "0", paramLabel = "SECONDS",
            description = "live: stop after this many seconds (default: until Ctrl-C, or the end of the SKAB replay)")
    double duration;

    @Option(names = "--streams", defaultValue = "20", description = "live: simulated pumps (default ${DEFAULT-VALUE})")
    int streams;

    @Option(names = "--rate", defaultValue = "10", paramLabel = "PER_SECOND",
            description = "live: samples per second per stream (default ${DEFAULT-VALUE}; SKAB recordings are 1 per second, "
                    + "so a replay runs 10 times faster than recorded)")
    double rate;

    @Option(names = "--fault-at", paramLabel = "SPEC",
            description = "live: inject a fault into the simulated pumps, e.g. \"30s cavitation pump03 for 45s\" "
                    + "(see ssm-edge simulate --help; \"5m all\" hits every pump); repeat for more")
    List<String> faultAt = new ArrayList<>();

    @Option(names = "--speed", defaultValue = "20", paramLabel = "FACTOR",
            description = {"live: the simulated plant's clock runs this many times faster than yours (default ${DEFAULT-VALUE};",
                    "1 = real time). Sample times are plant time, so in one minute the rollout sees the evidence of",
                    "${DEFAULT-VALUE} minutes of running; its statistics and limits are the same as at real time"})
    double speed;

    @Option(names = "--storm-at", defaultValue = "promotion", paramLabel = "WHEN",
            description = {"live: a fault storm (a fault in every pump, and their labels published wrong): 'promotion'",
                    "= right after the first stage is promoted, so probation rolls it back (default); a plant time",
                    "such as 15m; or 'off'"})
    String stormAt;

    @Option(names = "--storm-for", defaultValue = "2m", paramLabel = "TIME",
            description = "live: how long the storm lasts in plant time (default ${DEFAULT-VALUE})")
    String stormFor;

    @Option(names = "--random-faults", defaultValue = "20", paramLabel = "PER_HOUR",
            description = "live: random faults per simulated pump and hour (default ${DEFAULT-VALUE})")
    double randomFaults;

    @Option(names = "--skab", description = {"live: replay the SKAB recordings (found automatically, or --data DIR, which implies it) instead of the",
            "simulator; a replay has its own faults and labels, so no storm, and it runs at 10 times recorded speed"})
    boolean skab;

    @Option(names = "--simulate", hidden = true, description = "live: simulated pumps (the default; kept for old scripts)")
    boolean simulate;

    @Option(names = "--http-port", defaultValue = "9464", paramLabel = "PORT",
            description = "live: port of the status pages (default ${DEFAULT-VALUE}; another free one when taken)")
    int httpPort;

    @Option(names = "--report-every", defaultValue = "5", paramLabel = "SECONDS", hidden = true)
    double reportEvery;

    @Option(names = "--data", paramLabel = "DIR", description = "folder with the SKAB recordings (default: found automatically)")
    Path data;

    @Option(names = "--ratio", defaultValue = "30", paramLabel = "PERCENT", description = "pruning ratio for the preview (default ${DEFAULT-VALUE})")
    double ratio;

    @Option(names = "--model", defaultValue = "embedded:s5-skab", converter = ModelRef.Converter.class, paramLabel = "MODEL",
            description = "model to demonstrate (default ${DEFAULT-VALUE})")
    ModelRef model;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    /** One recording streamed through the model. */
    record Recording(String name, float[] samples, int[] labels, int rows) {
    }

    @Override
    public Integer call() throws InterruptedException {
        if (data != null && !Files.isDirectory(data)) {
            throw new IllegalArgumentException("--data " + data + ": no such folder (expected the SKAB folder with valve1/, valve2/, other/)");
        }
        return offline ? offline() : live();
    }

    /** The live demo: broker, simulator or SKAB replay, agent and status pages in this process. */
    private int live() throws InterruptedException {
        if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
            // the summary lines tell the story; the parts' own INFO logs would drown them (warnings still show)
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        }
        PrintWriter out = spec.commandLine().getOut();
        boolean replayAsked = (skab || data != null) && !simulate && faultAt.isEmpty();   // --data DIR implies --skab
        Path dir = !replayAsked ? null : data != null ? data : SkabLocator.find().orElse(null);
        if (skab && dir == null && !simulate && faultAt.isEmpty()) {
            throw new IllegalArgumentException("--skab: the SKAB recordings were not found (looked in "
                    + SkabLocator.candidates() + "); give --data DIR");
        }
        List<Path> replay = dir == null ? List.of() : testFiles(dir);
        Double stormSeconds = io.ssmedge.agent.simulator.FaultSchedule.seconds(stormFor);
        if (stormSeconds == null) {
            throw new IllegalArgumentException("--storm-for: expected a time such as 90s or 2m, got '" + stormFor + "'");
        }
        boolean noStorm = stormAt.equalsIgnoreCase("off") || stormAt.equalsIgnoreCase("none") || !replay.isEmpty();
        DemoSettings s = new DemoSettings(duration, streams, rate, faultAt, randomFaults, replay, model.spec(), httpPort,
                reportEvery, 1, replay.isEmpty() ? speed : 1, noStorm ? null : stormAt.toLowerCase(Locale.ROOT), stormSeconds);
        LiveDemo demo = LiveDemo.start(s, out, DemoRollout.Starter.AGENT); // the staged LAST rollout runs in the demo
        Thread hook = new Thread(demo::stop, "demo-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        demo.awaitEnd();
        demo.stop();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // Ctrl-C: the hook is running
        }
        return 0;
    }

    /** The walk-through without MQTT (the earlier demo). */
    private int offline() {
        PrintWriter out = spec.commandLine().getOut();
        SsmModel m = model.load();
        ModelInfo info = ModelInfo.of(m);
        int window = m.trainingWindow() > 0 ? m.trainingWindow() : 60;
        int stride = m.evaluationStride() > 0 ? m.evaluationStride() : window;
        out.println("ssm-edge demo: pump anomaly detection, streamed one sensor sample at a time");
        out.printf(Locale.ROOT, "Model  %s: %s%n       %d layers, %d states, %,d bytes of weights, %,d bytes of state per stream%n",
                model, m.summary(), m.layers(), info.totalUnits(), info.weightBytes(), info.stateBytes());

        List<Recording> recs = recordings(m, out);
        double step = StepTimer.nanosPerStep(m, 20_000, 5); // also warms the JIT before the timed streaming below
        out.printf("Each prediction looks at the last %d samples; one is made every %d samples.%n%n", window, stride);
        out.println("Timeline per recording, one character per prediction:");
        out.println("  .  normal, correctly     A  fault, caught     f  false alarm     m  missed fault");
        ConfusionMatrix total = new ConfusionMatrix(m.outputSize());
        Histogram perSample = new Histogram(3_600_000_000L, 3);
        warmUp(m, recs.get(0), window, stride);
        float[] u = new float[m.inputSize()];
        float[] lp = new float[m.outputSize()];
        for (Recording r : recs) {
            WindowedStream stream = new WindowedStream(m, WindowSpec.fixed(window, stride));
            ConfusionMatrix cm = new ConfusionMatrix(m.outputSize());
            StringBuilder line = new StringBuilder();
            for (int t = 0; t < r.rows(); t++) {
                System.arraycopy(r.samples(), t * u.length, u, 0, u.length);
                m.normalization().apply(u, u);
                long t0 = System.nanoTime();
                boolean done = stream.offer(u, lp);
                perSample.recordValue(Math.max(1, System.nanoTime() - t0));
                if (done) {
                    int pred = Evaluator.argmax(lp, 0, lp.length);
                    int actual = r.labels() == null ? 0 : r.labels()[t];
                    cm.add(actual, pred);
                    total.add(actual, pred);
                    line.append(actual == 0 ? (pred == 0 ? '.' : 'f') : (pred == 0 ? 'm' : 'A'));
                }
            }
            String tl = line.length() > 90 ? line.substring(0, 87) + "..." : line.toString();
            out.printf(Locale.ROOT, "  %-16s %5.1f%% %s%n", r.name(), 100 * cm.accuracy(), tl);
        }
        out.printf(Locale.ROOT, "%nResult   %,d predictions: accuracy %.1f%%, false-alarm rate %.1f%%, miss rate %.1f%%%n",
                total.total(), 100 * total.accuracy(), 100 * nz(total.falseAlarmRate()), 100 * nz(total.missRate()));
        out.printf(Locale.ROOT, "Speed    %.2f µs per model step on one core (about %,.0f sensor samples per second per core);%n",
                step / 1000, 1e9 / step);
        out.printf(Locale.ROOT, "         with %d overlapping windows per stream a sample took %.1f µs (median), %.1f µs (p99)%n",
                WindowSpec.fixed(window, stride).concurrentWindows(), perSample.getValueAtPercentile(50) / 1000.0,
                perSample.getValueAtPercentile(99) / 1000.0);
        long perStream = new WindowedStream(m, WindowSpec.fixed(window, stride)).stateBytes();
        out.printf(Locale.ROOT, "Memory   %,d bytes of model state per window; a stream with its %d open windows and step buffers "
                        + "holds %,d bytes,%n         so 1,000 streams need %.1f MB (the %,d bytes of weights are shared)%n",
                info.stateBytes(), WindowSpec.fixed(window, stride).concurrentWindows(), perStream, perStream * 1000 / 1e6,
                info.weightBytes());

        PruningPlan plan = Pruner.plan(m, PruningMethod.LAST, ratio);
        SsmModel pruned = Pruner.apply(m, plan);
        ConfusionMatrix pcm = new ConfusionMatrix(m.outputSize());
        for (Recording r : recs) {
            WindowedStream stream = new WindowedStream(pruned, WindowSpec.fixed(window, stride));
            for (int t = 0; t < r.rows(); t++) {
                System.arraycopy(r.samples(), t * u.length, u, 0, u.length);
                m.normalization().apply(u, u);
                if (stream.offer(u, lp)) {
                    pcm.add(r.labels() == null ? 0 : r.labels()[t], Evaluator.argmax(lp, 0, lp.length));
                }
            }
        }
        double pstep = StepTimer.nanosPerStep(pruned, 20_000, 5);
        out.printf(Locale.ROOT, "%nLAST pruning preview (%s%% of states removed, no retraining):%n", PruneCommand.fmt(ratio));
        out.printf(Locale.ROOT, "  states %d -> %d, accuracy %.1f%% -> %.1f%% (%+.1f points), step %.2f -> %.2f µs (%+.0f%%), "
                        + "weights %,d -> %,d bytes%n", plan.totalUnits(), plan.totalKept(), 100 * total.accuracy(),
                100 * pcm.accuracy(), 100 * (pcm.accuracy() - total.accuracy()), step / 1000, pstep / 1000,
                100 * (pstep / step - 1), m.weightBytes(), pruned.weightBytes());
        if (pstep > 0.85 * step) {
            out.println("  (with this few states per layer the time goes to work pruning does not shrink; the larger the");
            out.println("  model, the more it saves: see BENCHMARKS.md, where 30 % pruning takes a third off the state update)");
        }
        out.println();
        out.println("Next steps:");
        out.println("  ./ssm-edge info " + model + "                      what the model is");
        out.println("  ./ssm-edge sweep " + model + " --data <SKAB folder> --report report.html   all pruning ratios, as a report");
        out.println("  ./ssm-edge prune " + model + " --ratio 30 --out my-model            save a pruned model");
        out.flush();
        return 0;
    }

    /** Streams one recording once without measuring, so the timed pass runs compiled code. */
    private static void warmUp(SsmModel m, Recording r, int window, int stride) {
        WindowedStream stream = new WindowedStream(m, WindowSpec.fixed(window, stride));
        float[] u = new float[m.inputSize()];
        float[] lp = new float[m.outputSize()];
        for (int pass = 0; pass < 3; pass++) {
            for (int t = 0; t < r.rows(); t++) {
                System.arraycopy(r.samples(), t * u.length, u, 0, u.length);
                m.normalization().apply(u, u);
                stream.offer(u, lp);
            }
        }
    }

    private static double nz(double v) {
        return Double.isNaN(v) ? 0 : v;
    }

    /** The model's test recordings from SKAB, or a synthetic signal when the data is not here. */
    private List<Recording> recordings(SsmModel m, PrintWriter out) {
        Path dir = data != null ? data : SkabLocator.find().orElse(null);
        if (dir != null) {
            List<Path> files = testFiles(dir);
            List<Recording> recs = new ArrayList<>();
            for (Path f : files) {
                SensorCsv.Table t = SensorCsv.read(f, m.channels(), "anomaly");
                recs.add(new Recording(dir.relativize(f).toString(), t.values(), t.labels(), t.rows()));
            }
            out.printf("Data   %d SKAB recordings from %s (1 sample per second, %d sensors)%n", recs.size(), dir, m.inputSize());
            return recs;
        }
        out.println("Data   SKAB recordings not found (looked in " + SkabLocator.candidates() + ").");
        out.println("       Streaming a synthetic pump signal instead; predictions on it only show the mechanics.");
        out.println("       Point --data (or $SKAB_DIR) at the SKAB folder for real results.");
        return List.of(synthetic(m));
    }

    /** The model config's test_files when they exist under dir, else every CSV with an anomaly column. */
    private List<Path> testFiles(Path dir) {
        List<Path> out = new ArrayList<>();
        if (!model.embedded()) {
            return SensorCsv.files(dir).stream().filter(p -> !p.toString().contains("anomaly-free")).toList();
        }
        JsonNode files = ModelLoader.embeddedConfig(model.spec().substring(ModelRef.EMBEDDED.length())).path("test_files");
        for (JsonNode f : files) {
            Path p = dir.resolve(f.asText());
            if (Files.isRegularFile(p)) {
                out.add(p);
            }
        }
        return out.isEmpty() ? SensorCsv.files(dir).stream().filter(p -> !p.toString().contains("anomaly-free")).toList() : out;
    }

    /** 20 minutes of a normal pump, then a drift in current and pressure (raw units around the model's means). */
    private static Recording synthetic(SsmModel m) {
        int rows = 1200;
        int d = m.inputSize();
        float[] x = new float[rows * d];
        int[] y = new int[rows];
        SplittableRandom r = new SplittableRandom(7);
        io.ssmedge.model.InputNormalization norm = m.normalization();
        for (int t = 0; t < rows; t++) {
            boolean fault = t >= 800;
            y[t] = fault ? 1 : 0;
            for (int i = 0; i < d; i++) {
                double v = norm.mean(i) + norm.std(i) * (0.3 * (r.nextDouble() * 2 - 1) + (fault ? 1.5 * Math.sin(t / 17.0 + i) : 0));
                x[t * d + i] = (float) v;
            }
        }
        return new Recording("synthetic pump", x, y, rows);
    }
}
