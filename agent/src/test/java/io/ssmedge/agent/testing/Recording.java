package io.ssmedge.agent.testing;

import io.ssmedge.data.SensorCsv;
import io.ssmedge.data.WindowSet;
import io.ssmedge.inference.BatchEvaluator;
import io.ssmedge.inference.Progress;
import io.ssmedge.model.SsmModel;

import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * A sensor CSV replayed as MQTT payloads, with the batch evaluation of the same windows as the expected
 * predictions.
 *
 * @param table  the file's channels (model order) and labels
 * @param baseTs    ts of sample 0 (epoch ms)
 * @param spacingMs sample i has baseTs + spacingMs·i
 */
public record Recording(SensorCsv.Table table, double baseTs, double spacingMs) {
    public static final double BASE_TS = 1_700_000_000_000.0;

    public static Recording read(Path csv, SsmModel model) {
        return new Recording(SensorCsv.read(csv, model.channels(), "anomaly"), BASE_TS, 1000);
    }

    /** The bundled synthetic fixture. */
    public static Recording fixture(SsmModel model) {
        try {
            return read(Path.of(Recording.class.getResource("/fixtures/synthetic-pump.csv").toURI()), model);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The same samples with other timestamps. */
    public Recording at(double base, double spacing) {
        return new Recording(table, base, spacing);
    }

    public int rows() {
        return table.rows();
    }

    public double ts(int i) {
        return baseTs + spacingMs * i;
    }

    /** {"ts":…, "values":[…]} of sample i. */
    public byte[] json(int i) {
        StringBuilder b = new StringBuilder("{\"ts\":").append(ts(i)).append(",\"values\":[");
        int d = table.channels();
        for (int c = 0; c < d; c++) {
            b.append(c == 0 ? "" : ",").append(table.values()[i * d + c]);
        }
        return b.append("]}").toString().getBytes(StandardCharsets.UTF_8);
    }

    /** {"ts":…, "Name":value, …} of sample i. */
    public byte[] namedJson(int i, List<String> channels) {
        StringBuilder b = new StringBuilder("{\"ts\":").append(ts(i));
        int d = table.channels();
        for (int c = d - 1; c >= 0; c--) { // any order
            b.append(",\"").append(channels.get(c)).append("\":").append(table.values()[i * d + c]);
        }
        return b.append('}').toString().getBytes(StandardCharsets.UTF_8);
    }

    /** "ts,v1,…" of sample i. */
    public byte[] csv(int i) {
        StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "%.1f", ts(i)));
        int d = table.channels();
        for (int c = 0; c < d; c++) {
            b.append(',').append(table.values()[i * d + c]);
        }
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** {"ts":…, "label": L} of sample i. */
    public byte[] label(int i) {
        return ("{\"ts\":" + ts(i) + ",\"label\":" + table.labels()[i] + "}").getBytes(StandardCharsets.UTF_8);
    }

    /** Windows of this file (raw), as SensorCsv cuts them. */
    public WindowSet windows(int length, int stride) {
        return SensorCsv.windows(List.of(table), length, stride);
    }

    /** (N, classes) log-probabilities of the batch evaluation of the same windows. */
    public float[] expectedLogp(SsmModel model, int length, int stride) {
        WindowSet w = windows(length, stride).normalizedWith(model.normalization());
        return BatchEvaluator.logProbabilities(model, w, 1, Progress.NONE);
    }

    /** Index of the last sample of window j. */
    public static int lastSample(int j, int length, int stride) {
        return j * stride + length - 1;
    }
}
