package io.ssmedge.agent.rollout;

import io.ssmedge.data.SensorCsv;
import io.ssmedge.eval.Evaluator;
import io.ssmedge.inference.BatchEvaluator;
import io.ssmedge.inference.Progress;
import io.ssmedge.model.ModelLoader;
import io.ssmedge.model.SsmModel;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** Recordings for rollout tests that need no data set: AR(1) sensor noise around the model's training mean. */
final class Synthetic {
    static final SsmModel MODEL = ModelLoader.loadEmbedded("s5-skab");

    private Synthetic() {
    }

    /**
     * @param shift channel 0 moved by this many training standard deviations (drift tests)
     * @return recordings whose window labels are the original model's own predictions, so the original is always
     *         right and a candidate's errors are exactly the ones a perturbation injects
     */
    static List<Rehearsal.Recording> recordings(int streams, int rows, long seed, double shift) {
        SsmModel m = MODEL;
        int d = m.inputSize();
        int len = m.trainingWindow();
        int stride = m.evaluationStride();
        List<Rehearsal.Recording> out = new ArrayList<>();
        SplittableRandom r = new SplittableRandom(seed);
        for (int s = 0; s < streams; s++) {
            float[] v = new float[rows * d];
            double[] x = new double[d];
            for (int t = 0; t < rows; t++) {
                for (int c = 0; c < d; c++) {
                    x[c] = 0.95 * x[c] + Math.sqrt(1 - 0.95 * 0.95) * gauss(r);
                    double z = x[c] + (c == 0 ? shift : 0) + ((t / 300) % 4 == 3 && c == 1 ? 2.5 : 0);
                    v[t * d + c] = (float) (m.normalization().mean(c) + m.normalization().std(c) * z);
                }
            }
            SensorCsv.Table t = new SensorCsv.Table("synthetic-" + s, v, new int[rows], rows, d, 2);
            int[] pred = predictions(m, t, len, stride);
            for (int j = 0; j < pred.length; j++) {
                t.labels()[j * stride + len - 1] = pred[j];
            }
            out.add(new Rehearsal.Recording("s" + s, t));
        }
        return out;
    }

    private static int[] predictions(SsmModel m, SensorCsv.Table t, int len, int stride) {
        var w = SensorCsv.windows(List.of(t), len, stride).normalizedWith(m.normalization());
        float[] logp = BatchEvaluator.logProbabilities(m, w, 1, Progress.NONE);
        int[] p = new int[w.count()];
        for (int i = 0; i < p.length; i++) {
            p[i] = Evaluator.argmax(logp, i, m.outputSize());
        }
        return p;
    }

    static double gauss(SplittableRandom r) {
        return Math.sqrt(-2 * Math.log(1 - r.nextDouble())) * Math.cos(2 * Math.PI * r.nextDouble());
    }
}
