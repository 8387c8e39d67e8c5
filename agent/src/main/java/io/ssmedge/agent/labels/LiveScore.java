package io.ssmedge.agent.labels;

import io.ssmedge.eval.ConfusionMatrix;

/**
 * Live accuracy from labels joined to predictions: a confusion matrix that one worker adds to while the HTTP
 * server reads it (class 0 is normal, as in {@link ConfusionMatrix}).
 */
public final class LiveScore {
    private final ConfusionMatrix matrix;

    public LiveScore(int classes) {
        matrix = new ConfusionMatrix(classes);
    }

    public synchronized void add(int actual, int predicted) {
        matrix.add(actual, predicted);
    }

    public synchronized Snapshot snapshot() {
        return new Snapshot(matrix.total(), matrix.accuracy(), matrix.falseAlarmRate(), matrix.missRate(), matrix.f1(),
                matrix.counts());
    }

    /**
     * @param matched        labeled predictions
     * @param accuracy       correct / matched (NaN when none)
     * @param falseAlarmRate normal windows predicted as an anomaly / normal windows (NaN without normal windows)
     * @param missRate       anomalous windows predicted normal / anomalous windows (NaN without anomalies)
     * @param f1             F1 of "anomaly" against normal (NaN when undefined)
     * @param confusion      [actual][predicted] counts
     */
    public record Snapshot(long matched, double accuracy, double falseAlarmRate, double missRate, double f1,
                           long[][] confusion) {
    }
}
