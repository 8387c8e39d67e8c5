package io.ssmedge.agent.cli;

import io.ssmedge.agent.config.ConfigLoader;
import io.ssmedge.agent.config.RolloutConfig;
import io.ssmedge.agent.rollout.CalibrationGate;
import io.ssmedge.agent.rollout.EventText;
import io.ssmedge.agent.rollout.Rehearsal;
import io.ssmedge.agent.rollout.RolloutSimulation;
import io.ssmedge.data.SensorCsv;
import io.ssmedge.data.WindowSet;
import io.ssmedge.model.SsmModel;
import io.ssmedge.pruning.PruningMethod;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

@Command(name = "rollout", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Rehearses a staged pruning rollout offline: recorded sensor streams are replayed as if live",
                "through exactly the decision code the gateway runs, on sensor time (a day of data takes seconds),",
                "and every decision is printed with its evidence.",
                "Example: ssm-edge rollout --model embedded:s5-skab --calibration ../shared/datasets/skab/valve1 \\",
                "           --replay ../shared/datasets/skab/valve2 --replay ../shared/datasets/skab/other --stages 10,20,33,45"})
public final class RolloutCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, paramLabel = "MODEL", converter = ModelRef.Converter.class,
            description = "the original model: a folder or embedded:s5-skab / embedded:s4d-skab")
    ModelRef model;

    @Option(names = "--replay", required = true, paramLabel = "CSV",
            description = "recorded sensor CSV (file or folder; each file is one stream); repeat for more")
    List<Path> replay;

    @Option(names = "--calibration", paramLabel = "DATA",
            description = "labeled calibration data (CSV file/folder or .safetensors windows); leave out to skip that gate")
    Path calibration;

    @Option(names = "--stages", split = ",", paramLabel = "RATIO",
            description = "pruning ratios in % (default: the config's, else 10,20,33,45)")
    List<Integer> stages;

    @Option(names = "--method", paramLabel = "METHOD", description = "pruning method (default: the config's, else last)")
    String method;

    @Option(names = "--config", paramLabel = "agent.yaml",
            description = "take limits and statistics from this agent config's rollout section")
    Path config;

    @Option(names = "--label-share", paramLabel = "PERCENT", defaultValue = "100",
            description = "share of windows whose label arrives, in %% (default ${DEFAULT-VALUE}; 0 = no labels)")
    double labelShare;

    @Option(names = "--label-delay", paramLabel = "WINDOWS", defaultValue = "0",
            description = "labels arrive this many windows late (default ${DEFAULT-VALUE})")
    int labelDelay;

    @Option(names = "--loops", paramLabel = "N", defaultValue = "20",
            description = "replay the recordings N times back to back (default ${DEFAULT-VALUE})")
    int loops;

    @Option(names = "--seed", defaultValue = "1", description = "seed of which labels arrive (default ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--sample-ms", defaultValue = "1000", paramLabel = "MS",
            description = "sensor time between two samples (default ${DEFAULT-VALUE} ms, as in SKAB)")
    double sampleMs;

    @Option(names = "--label-column", defaultValue = "anomaly", paramLabel = "NAME",
            description = "CSV column with each sample's class (default ${DEFAULT-VALUE})")
    String labelColumn;

    @Option(names = "--data-dir", paramLabel = "DIR",
            description = "keep the rollout's state, models and journal here (default: a temporary folder, deleted)")
    Path dataDir;

    @Option(names = "--simulate", paramLabel = "SEEDS",
            description = "instead of one rehearsal: measure the tests' error rates over SEEDS seeds (see BENCHMARKS.md)")
    Integer simulate;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        SsmModel m = model.load();
        RolloutConfig cfg = config != null ? ConfigLoader.load(config).rollout() : RolloutConfig.defaults();
        if (stages != null) {
            cfg = cfg.withRatios(stages);
        }
        if (method != null) {
            cfg = new RolloutConfig(cfg.enabled(), cfg.ratios(), PruningMethod.parse(method), cfg.dataDir(), cfg.calibration(),
                    cfg.limits(), cfg.statistics(), cfg.shadow(), cfg.probation(), cfg.monitoring(), cfg.backoff(),
                    cfg.midpointRetry(), cfg.drift());
        }
        List<Rehearsal.Recording> recs = recordings(m);
        WindowSet cal = calibration != null ? CalibrationGate.load(calibration, m) : null;
        Path dir = dataDir != null ? dataDir : Files.createTempDirectory("ssm-edge-rehearsal");
        try {
            if (simulate != null) {
                RolloutSimulation.run(cfg.withDataDir(dir), m, recs, simulate, out);
                out.flush();
                return 0;
            }
            cfg = cfg.withDataDir(dir).withCalibration(calibration);
            out.printf(Locale.ROOT, "Rehearsal of a %s rollout at %s %% on %d recorded streams, replayed %d times; labels on %.0f %% "
                            + "of windows%s.%n", cfg.method().key(), cfg.ratios(), recs.size(), loops, labelShare,
                    labelDelay > 0 ? ", " + labelDelay + " windows late" : "");
            out.printf(Locale.ROOT, "Limits: accuracy drop ≤ %.1f points, false alarms ≤ %.1f %%, misses ≤ %.1f %%, agreement ≥ %.1f %%; "
                            + "false promotions ≤ %.0f %%.%n%n", 100 * cfg.limits().maxAccuracyDrop(),
                    100 * cfg.limits().maxFalseAlarmRate(), 100 * cfg.limits().maxMissRate(), 100 * cfg.limits().minAgreement(),
                    100 * cfg.statistics().alpha());
            long t0 = System.nanoTime();
            Rehearsal.Outcome o = new Rehearsal(cfg, m, cal, recs, new Rehearsal.Settings(labelShare / 100, labelDelay, loops,
                    seed, sampleMs), Rehearsal.Perturbation.NONE, null, e -> {
                        out.println(EventText.line(e));
                        out.flush();
                    }).run();
            double secs = (System.nanoTime() - t0) / 1e9;
            double sensorHours = o.windows() / (double) recs.size() * m.evaluationStride() * sampleMs / 3.6e6;
            out.println();
            out.printf(Locale.ROOT, "Final state: %s, serving %s.%n", o.state(),
                    o.servingRatio() == 0 ? "the original model" : "the model pruned at " + o.servingRatio() + " %");
            out.printf(Locale.ROOT, "%,d windows replayed (%,d compared side by side, %,d of them labeled): %.1f hours of sensor "
                    + "time per stream in %.1f s.%n", o.windows(), o.pairs(), o.labeledPairs(), sensorHours, secs);
            out.println("Journal: " + (dataDir != null ? dir.resolve("rollout/events.jsonl") : "(temporary; use --data-dir to keep it)"));
            out.flush();
            return 0;
        } finally {
            if (dataDir == null) {
                deleteTree(dir);
            }
        }
    }

    private List<Rehearsal.Recording> recordings(SsmModel m) {
        List<Rehearsal.Recording> recs = new ArrayList<>();
        for (Path p : replay) {
            for (Path f : SensorCsv.files(p)) {
                String name = f.getParent() != null ? f.getParent().getFileName() + "/" + f.getFileName() : f.toString();
                recs.add(new Rehearsal.Recording(name, SensorCsv.read(f, m.channels(), labelColumn)));
            }
        }
        return recs;
    }

    private static void deleteTree(Path p) throws IOException {
        try (Stream<Path> s = Files.walk(p)) {
            for (Path q : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(q);
            }
        }
    }
}
