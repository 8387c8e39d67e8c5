package io.ssmedge.eval;

import io.ssmedge.data.WindowSet;
import io.ssmedge.inference.BatchEvaluator;
import io.ssmedge.inference.Progress;
import io.ssmedge.model.SsmModel;

/** Accuracy and error rates of a model on labeled windows. */
public final class Evaluator {
    private Evaluator() {
    }

    /** Index of the largest value of row i of a (N, k) array; the first one on ties (as argmax in NumPy/JAX). */
    public static int argmax(float[] a, int row, int k) {
        int best = 0;
        float bv = a[row * k];
        for (int j = 1; j < k; j++) {
            if (a[row * k + j] > bv) {
                bv = a[row * k + j];
                best = j;
            }
        }
        return best;
    }

    /** Evaluates labeled windows (normalized here when they are raw). */
    public static EvalResult evaluate(SsmModel model, WindowSet windows, int threads, Progress progress) {
        if (!windows.labeled()) {
            throw new IllegalArgumentException("windows have no labels; accuracy needs a label column or y_test");
        }
        WindowSet w = windows.normalizedWith(model.normalization());
        float[] logp = BatchEvaluator.logProbabilities(model, w, threads, progress);
        return score(logp, w.labels(), model.outputSize());
    }

    /** Confusion matrix and predictions from log-probabilities (N, k) and labels (N). */
    public static EvalResult score(float[] logp, int[] labels, int k) {
        ConfusionMatrix cm = new ConfusionMatrix(k);
        int[] pred = new int[labels.length];
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] >= k) {
                throw new IllegalArgumentException("window " + i + " has label " + labels[i] + ", the model has " + k
                        + " classes");
            }
            pred[i] = argmax(logp, i, k);
            cm.add(labels[i], pred[i]);
        }
        return new EvalResult(cm, pred, logp);
    }
}
