package io.ssmedge.eval;

/**
 * Counts of (actual class, predicted class). Class 0 is the normal state; every other class is an
 * anomaly, which defines the false-alarm and miss rates a plant engineer asks for.
 */
public final class ConfusionMatrix {
    private final long[][] counts; // (classes, classes) [actual][predicted]

    public ConfusionMatrix(int classes) {
        counts = new long[classes][classes];
    }

    public int classes() {
        return counts.length;
    }

    public void add(int actual, int predicted) {
        counts[actual][predicted]++;
    }

    public long count(int actual, int predicted) {
        return counts[actual][predicted];
    }

    /** [actual][predicted] (a copy). */
    public long[][] counts() {
        long[][] c = new long[counts.length][];
        for (int i = 0; i < c.length; i++) {
            c[i] = counts[i].clone();
        }
        return c;
    }

    public long total() {
        long t = 0;
        for (long[] row : counts) {
            for (long v : row) {
                t += v;
            }
        }
        return t;
    }

    /** Correct / all (NaN when empty). */
    public double accuracy() {
        long correct = 0;
        for (int i = 0; i < counts.length; i++) {
            correct += counts[i][i];
        }
        return ratio(correct, total());
    }

    /** Normal windows flagged as an anomaly / all normal windows (NaN without normal windows). */
    public double falseAlarmRate() {
        long normal = 0;
        for (long v : counts[0]) {
            normal += v;
        }
        return ratio(normal - counts[0][0], normal);
    }

    /** Anomalous windows predicted normal / all anomalous windows (NaN without anomalies). */
    public double missRate() {
        long anomalous = 0;
        long missed = 0;
        for (int a = 1; a < counts.length; a++) {
            for (long v : counts[a]) {
                anomalous += v;
            }
            missed += counts[a][0];
        }
        return ratio(missed, anomalous);
    }

    /** F1 of "anomaly" (any class ≠ 0) against normal. */
    public double f1() {
        long tp = 0;
        long fn = 0;
        long fp = 0;
        for (int a = 0; a < counts.length; a++) {
            for (int p = 0; p < counts.length; p++) {
                long v = counts[a][p];
                if (a != 0 && p != 0) {
                    tp += v;
                } else if (a != 0) {
                    fn += v;
                } else if (p != 0) {
                    fp += v;
                }
            }
        }
        return ratio(2 * tp, 2 * tp + fp + fn);
    }

    private static double ratio(long a, long b) {
        return b == 0 ? Double.NaN : (double) a / b;
    }
}
