package io.ssmedge.eval;

/**
 * Outcome of evaluating a model on labeled windows.
 *
 * @param confusion   actual × predicted counts
 * @param predictions (N) predicted class per window
 * @param logp        (N, d_output) log-probabilities per window
 */
public record EvalResult(ConfusionMatrix confusion, int[] predictions, float[] logp) {
    public double accuracy() {
        return confusion.accuracy();
    }

    public long windows() {
        return confusion.total();
    }

    public double falseAlarmRate() {
        return confusion.falseAlarmRate();
    }

    public double missRate() {
        return confusion.missRate();
    }
}
