package io.ssmedge.agent.cli;

import io.ssmedge.data.DatasetFile;
import io.ssmedge.data.SensorCsv;
import io.ssmedge.data.WindowSet;
import io.ssmedge.model.SsmModel;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Where labeled windows come from: a safetensors dataset or SKAB-style CSV files cut into windows. */
public final class DataOptions {
    @Option(names = "--data", required = true, paramLabel = "FILE",
            description = {"windows as safetensors (x_test (N, L, d) float32, y_test (N) int32), or sensor CSV:",
                    "a .csv file or a folder of them (repeat --data for several)"})
    List<Path> data;

    @Option(names = "--window", paramLabel = "N",
            description = "CSV: samples per window (default: the window the model was trained on)")
    Integer window;

    @Option(names = "--stride", paramLabel = "N",
            description = "CSV: samples between window starts (default: the model's test stride, else the window length)")
    Integer stride;

    @Option(names = "--label-column", paramLabel = "NAME", defaultValue = "anomaly",
            description = "CSV: column holding each sample's class; a window's label is that of its last sample (default: ${DEFAULT-VALUE})")
    String labelColumn;

    @Option(names = "--channels", split = ",", paramLabel = "NAME",
            description = "CSV: columns to feed the model, in its input order (default: the model's channel names)")
    List<String> channels;

    @Option(names = "--raw", description = {"safetensors: the windows are raw sensor values that still need the model's",
            "input normalization (uses x_test_raw when present). CSV values are always raw."})
    boolean raw;

    @Option(names = "--x-tensor", paramLabel = "NAME", description = "safetensors: tensor with the windows (default x_test)")
    String xTensor;

    @Option(names = "--y-tensor", paramLabel = "NAME", description = "safetensors: tensor with the labels (default y_test)")
    String yTensor;

    /** Loads the windows (raw CSV values stay raw: the evaluator normalizes them). */
    public WindowSet load(SsmModel model) {
        boolean tensors = data.size() == 1 && data.get(0).getFileName().toString().endsWith(".safetensors");
        if (tensors) {
            WindowSet w = DatasetFile.read(data.get(0), raw, xTensor, yTensor);
            if (w.channels() != model.inputSize()) {
                throw new IllegalArgumentException(data.get(0) + ": windows have " + w.channels() + " channels, the model takes "
                        + model.inputSize());
            }
            return w;
        }
        List<String> cols = channels != null ? channels : model.channels();
        if (cols.size() != model.inputSize()) {
            throw new IllegalArgumentException("--channels names " + cols.size() + " columns, the model takes " + model.inputSize());
        }
        int len = window != null ? window : model.trainingWindow();
        if (len <= 0) {
            throw new IllegalArgumentException("the model does not say its window length; give --window");
        }
        int str = stride != null ? stride : (model.evaluationStride() > 0 ? model.evaluationStride() : len);
        List<SensorCsv.Table> tables = new ArrayList<>();
        for (Path p : data) {
            for (Path f : SensorCsv.files(p)) {
                tables.add(SensorCsv.read(f, cols, labelColumn));
            }
        }
        return SensorCsv.windows(tables, len, str);
    }

    /** A short description for reports. */
    public String describe() {
        return Arrays.toString(data.toArray());
    }
}
