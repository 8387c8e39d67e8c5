package io.ssmedge.train;

import io.ssmedge.data.SensorCsv;
import io.ssmedge.data.WindowSet;
import io.ssmedge.model.InputNormalization;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Training and validation windows from labeled recordings: the split, the windows, and the per-channel
 * normalization statistics of the training split (the model stores them in its config).
 *
 * @param trainRaw      training windows in raw units (stride: train stride)
 * @param validationRaw validation windows in raw units (stride: test stride)
 * @param mean       (d) per-channel mean of the training windows' samples, raw units
 * @param std        (d) per-channel standard deviation (1 for a constant channel)
 * @param trainFiles files the training windows come from (all files with a random split)
 * @param validationFiles files of the validation windows
 */
public record TrainingData(WindowSet trainRaw, WindowSet validationRaw, float[] mean, float[] std, List<String> trainFiles,
                           List<String> validationFiles) {
    public enum Split { BY_FILE, RANDOM }

    public InputNormalization normalization() {
        return InputNormalization.of(mean, std);
    }

    /** Training windows normalized with the training split's statistics (a copy). */
    public WindowSet train() {
        return trainRaw.normalizedWith(normalization());
    }

    /** Validation windows normalized with the training split's statistics (a copy). */
    public WindowSet validation() {
        return validationRaw.normalizedWith(normalization());
    }

    /**
     * @param valFraction share of files (by-file) or windows (random) held out for validation
     */
    public static TrainingData prepare(List<SensorCsv.Table> tables, int window, int stride, int testStride, Split split,
                                       double valFraction, long seed) {
        if (!(valFraction > 0 && valFraction < 1)) {
            throw new IllegalArgumentException("validation fraction must be in (0, 1), got " + valFraction);
        }
        List<SensorCsv.Table> usable = new ArrayList<>();
        for (SensorCsv.Table t : tables) {
            if (t.rows() >= window) {
                usable.add(t);
            }
        }
        WindowSet tr;
        WindowSet va;
        List<String> trFiles = new ArrayList<>();
        List<String> vaFiles = new ArrayList<>();
        SplittableRandom r = new SplittableRandom(seed);
        if (split == Split.BY_FILE) {
            if (usable.size() < 2) {
                throw new IllegalArgumentException("--split by-file needs at least 2 files with " + window
                        + " or more samples, got " + usable.size() + "; use --split random");
            }
            List<SensorCsv.Table> order = new ArrayList<>(usable);
            Collections.shuffle(order, new java.util.Random(r.nextLong()));
            int nv = Math.max(1, Math.min(order.size() - 1, (int) Math.round(valFraction * order.size())));
            List<SensorCsv.Table> v = order.subList(0, nv);
            List<SensorCsv.Table> t = new ArrayList<>(usable);
            t.removeAll(v);
            v.forEach(x -> vaFiles.add(x.source()));
            t.forEach(x -> trFiles.add(x.source()));
            tr = SensorCsv.windows(t, window, stride);
            va = SensorCsv.windows(v, window, testStride);
        } else {
            usable.forEach(x -> trFiles.add(x.source()));
            vaFiles.addAll(trFiles);
            WindowSet all = SensorCsv.windows(usable, window, stride);
            int[] idx = new int[all.count()];
            for (int i = 0; i < idx.length; i++) {
                idx[i] = i;
            }
            for (int i = idx.length - 1; i > 0; i--) {
                int j = r.nextInt(i + 1);
                int tmp = idx[i];
                idx[i] = idx[j];
                idx[j] = tmp;
            }
            int nv = Math.max(1, (int) Math.round(valFraction * idx.length));
            va = pick(all, idx, 0, nv);
            tr = pick(all, idx, nv, idx.length);
        }
        float[][] stats = stats(tr);
        return new TrainingData(tr, va, stats[0], stats[1], List.copyOf(trFiles),
                List.copyOf(vaFiles));
    }

    /**
     * A by-file split with the validation files given (e.g. the ones a model was validated on in training, so that
     * fine-tuning picks its best epoch on files the model has never been trained on). Files are compared by their
     * normalized absolute paths.
     *
     * @throws IllegalArgumentException when a validation file is not among the tables
     */
    public static TrainingData prepare(List<SensorCsv.Table> tables, List<String> validationFiles, int window, int stride,
                                       int testStride) {
        java.util.Set<java.nio.file.Path> want = new java.util.HashSet<>();
        for (String f : validationFiles) {
            want.add(java.nio.file.Path.of(f).toAbsolutePath().normalize());
        }
        List<SensorCsv.Table> t = new ArrayList<>();
        List<SensorCsv.Table> v = new ArrayList<>();
        for (SensorCsv.Table x : tables) {
            (want.contains(java.nio.file.Path.of(x.source()).toAbsolutePath().normalize()) ? v : t).add(x);
        }
        if (v.size() != want.size() || t.isEmpty()) {
            throw new IllegalArgumentException("validation files " + validationFiles + ": " + v.size() + " of them are among the "
                    + tables.size() + " data files, and at least one other file is needed for training");
        }
        WindowSet tr = SensorCsv.windows(t, window, stride);
        WindowSet va = SensorCsv.windows(v, window, testStride);
        float[][] stats = stats(tr);
        return new TrainingData(tr, va, stats[0], stats[1], t.stream().map(SensorCsv.Table::source).toList(),
                v.stream().map(SensorCsv.Table::source).toList());
    }

    private static WindowSet pick(WindowSet all, int[] idx, int from, int to) {
        int per = all.length() * all.channels();
        float[] x = new float[(to - from) * per];
        int[] y = new int[to - from];
        for (int i = from; i < to; i++) {
            System.arraycopy(all.x(), all.offset(idx[i]), x, (i - from) * per, per);
            y[i - from] = all.labels()[idx[i]];
        }
        return new WindowSet(x, y, to - from, all.length(), all.channels(), false);
    }

    /** {mean (d), std (d)} over all samples of the windows; std 1 where a channel is constant. */
    static float[][] stats(WindowSet w) {
        int d = w.channels();
        double[] s = new double[d];
        double[] s2 = new double[d];
        long n = (long) w.count() * w.length();
        for (long i = 0; i < n; i++) {
            for (int c = 0; c < d; c++) {
                double v = w.x()[(int) (i * d + c)];
                s[c] += v;
            }
        }
        float[] mean = new float[d];
        for (int c = 0; c < d; c++) {
            mean[c] = (float) (s[c] / Math.max(1, n));
        }
        for (long i = 0; i < n; i++) {
            for (int c = 0; c < d; c++) {
                double v = w.x()[(int) (i * d + c)] - mean[c];
                s2[c] += v * v;
            }
        }
        float[] std = new float[d];
        for (int c = 0; c < d; c++) {
            double sd = Math.sqrt(s2[c] / Math.max(1, n));
            std[c] = sd > 1e-12 ? (float) sd : 1f;
        }
        return new float[][]{mean, std};
    }
}
