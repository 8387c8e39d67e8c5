package io.ssmedge.agent.rollout;

import io.ssmedge.agent.config.RolloutConfig;
import io.ssmedge.data.DatasetFile;
import io.ssmedge.data.SensorCsv;
import io.ssmedge.data.WindowSet;
import io.ssmedge.eval.EvalResult;
import io.ssmedge.eval.Evaluator;
import io.ssmedge.inference.BatchEvaluator;
import io.ssmedge.inference.Progress;
import io.ssmedge.model.SsmModel;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The offline gate: the candidate and the original model on the gateway's labeled calibration set, evaluated
 * with the runtime's batched evaluator. The candidate must meet EVERY limit on it: accuracy drop vs the
 * original (all stages together, so drops cannot pile up stage after stage), false-alarm rate, miss rate and
 * agreement with the original. The set is fixed and fully known, so its figures are exact for that set; the
 * uncertainty about live data is the shadow gate's job.
 */
public final class CalibrationGate {
    private final WindowSet windows;
    private final RolloutConfig.Limits limits;
    private EvalResult originalResult;

    public CalibrationGate(WindowSet windows, RolloutConfig.Limits limits) {
        if (!windows.labeled()) {
            throw new IllegalArgumentException("calibration data has no labels");
        }
        this.windows = windows;
        this.limits = limits;
    }

    /** The figures of one candidate. */
    public record Result(Verdict verdict, double accuracy, double originalAccuracy, double falseAlarmRate, double missRate,
                         double agreement, int windows) {
        public double drop() {
            return originalAccuracy - accuracy;
        }
    }

    /**
     * Reads calibration windows: a .safetensors file (x_test raw or normalized, y_test) or SKAB-style CSV
     * (a file or a folder; the model's channels, label column {@code anomaly}, the model's window and test stride).
     */
    public static WindowSet load(Path path, SsmModel model) {
        if (!Files.exists(path)) {
            throw new IllegalArgumentException("rollout.calibration: " + path + " not found");
        }
        if (path.getFileName().toString().endsWith(".safetensors")) {
            return DatasetFile.read(path, false, null, null);
        }
        int len = model.trainingWindow();
        if (len <= 0) {
            throw new IllegalArgumentException("rollout.calibration: the model does not say its window length");
        }
        int stride = model.evaluationStride() > 0 ? model.evaluationStride() : len;
        List<SensorCsv.Table> tables = new ArrayList<>();
        for (Path f : SensorCsv.files(path)) {
            tables.add(SensorCsv.read(f, model.channels(), "anomaly"));
        }
        return SensorCsv.windows(tables, len, stride);
    }

    public Result judge(SsmModel original, SsmModel candidate) {
        if (originalResult == null) {
            originalResult = Evaluator.evaluate(original, windows, BatchEvaluator.defaultThreads(), Progress.NONE);
        }
        EvalResult c = Evaluator.evaluate(candidate, windows, BatchEvaluator.defaultThreads(), Progress.NONE);
        int[] a = originalResult.predictions();
        int[] b = c.predictions();
        int same = 0;
        for (int i = 0; i < a.length; i++) {
            same += a[i] == b[i] ? 1 : 0;
        }
        double agreement = same / (double) a.length;
        double drop = originalResult.accuracy() - c.accuracy();
        List<String> broken = new ArrayList<>();
        if (drop > limits.maxAccuracyDrop()) {
            broken.add(String.format(Locale.ROOT, "accuracy drop %.2f points > %.2f", 100 * drop, 100 * limits.maxAccuracyDrop()));
        }
        if (c.falseAlarmRate() > limits.maxFalseAlarmRate()) {
            broken.add(String.format(Locale.ROOT, "false-alarm rate %.1f %% > %.1f %%", 100 * c.falseAlarmRate(),
                    100 * limits.maxFalseAlarmRate()));
        }
        if (c.missRate() > limits.maxMissRate()) {
            broken.add(String.format(Locale.ROOT, "miss rate %.1f %% > %.1f %%", 100 * c.missRate(), 100 * limits.maxMissRate()));
        }
        if (agreement < limits.minAgreement()) {
            broken.add(String.format(Locale.ROOT, "agreement with the original %.1f %% < %.1f %%", 100 * agreement,
                    100 * limits.minAgreement()));
        }
        String figures = String.format(Locale.ROOT, "on %d calibration windows: accuracy %.2f %% (original %.2f %%), "
                        + "false alarms %.1f %%, misses %.1f %%, agreement %.1f %%", a.length, 100 * c.accuracy(),
                100 * originalResult.accuracy(), 100 * c.falseAlarmRate(), 100 * c.missRate(), 100 * agreement);
        Verdict v = broken.isEmpty() ? new Verdict(Verdict.Outcome.PASS, "every limit met " + figures)
                : new Verdict(Verdict.Outcome.FAIL, String.join("; ", broken) + " " + figures);
        return new Result(v, c.accuracy(), originalResult.accuracy(), c.falseAlarmRate(), c.missRate(), agreement, a.length);
    }
}
