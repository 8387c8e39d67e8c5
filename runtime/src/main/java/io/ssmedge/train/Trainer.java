package io.ssmedge.train;

import io.ssmedge.data.WindowSet;
import io.ssmedge.eval.EvalResult;
import io.ssmedge.eval.Evaluator;
import io.ssmedge.inference.Progress;
import io.ssmedge.model.s5.S5Model;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The training loop: shuffled mini-batches, weighted cross-entropy, AdamW with two groups, warm-up and
 * cosine schedule, dropout, validation after every epoch with the runtime's own evaluator (so a saved model
 * reproduces the logged validation accuracy exactly), early stopping, and a stop flag (Ctrl-C) that ends
 * the run at the next batch with the best model so far. Seeded: the same inputs, options and thread count
 * give the same model.
 */
public final class Trainer {
    /**
     * @param maxEpochs     epochs at most
     * @param batchSize     windows per step
     * @param lr            base learning rate (encoder, C̃, D, GLU, decoder), with weight decay
     * @param ssmLr         learning rate of Λ, B̃, log Δ and the norms, no weight decay
     * @param weightDecay   AdamW decay of the regular group
     * @param dropout       rate after the activations
     * @param warmupEpochs  linear warm-up length
     * @param patience      stop after this many epochs without a better validation result (0 = never)
     * @param classWeights  (K) loss weight per class, or null for balanced weights n/(K·n_c)
     * @param seed          initialization, shuffling and dropout
     * @param threads       workers for the batch
     * @param maxSeconds    time budget (0 = none); the epoch in progress ends early when it runs out
     * @param teacherWeight with a teacher (see {@link #train}): target = a·teacher's probabilities + (1 − a)·label
     */
    public record Options(int maxEpochs, int batchSize, double lr, double ssmLr, double weightDecay, double dropout,
                          double warmupEpochs, int patience, double[] classWeights, long seed, int threads,
                          double maxSeconds, double teacherWeight) {
        public Options {
            if (maxEpochs < 1 || batchSize < 1 || threads < 1) {
                throw new IllegalArgumentException("epochs, batch size and threads must be ≥ 1");
            }
            if (!(lr > 0) || !(ssmLr > 0) || weightDecay < 0 || dropout < 0 || dropout >= 1) {
                throw new IllegalArgumentException("learning rates must be > 0, weight decay ≥ 0, dropout in [0, 1)");
            }
            if (!(teacherWeight >= 0 && teacherWeight <= 1)) {
                throw new IllegalArgumentException("teacher weight must be in [0, 1], got " + teacherWeight);
            }
        }

        /** The S5 reference settings of the SKAB conformance model (lr 0.004, ssm_lr 0.001, wd 0.05, dropout 0.1, batch 64). */
        public static Options defaults(int epochs, long seed, int threads) {
            return new Options(epochs, 64, 0.004, 0.001, 0.05, 0.1, 1, 0, null, seed, threads, 0, 0);
        }

        public Options withLearningRates(double newLr, double newSsmLr) {
            return new Options(maxEpochs, batchSize, newLr, newSsmLr, weightDecay, dropout, warmupEpochs, patience, classWeights,
                    seed, threads, maxSeconds, teacherWeight);
        }

        public Options withBudget(int epochs, double seconds) {
            return new Options(epochs, batchSize, lr, ssmLr, weightDecay, dropout, warmupEpochs, patience, classWeights, seed,
                    threads, seconds, teacherWeight);
        }

        public Options withPatience(int p) {
            return new Options(maxEpochs, batchSize, lr, ssmLr, weightDecay, dropout, warmupEpochs, p, classWeights, seed,
                    threads, maxSeconds, teacherWeight);
        }

        public Options withDropout(double d) {
            return new Options(maxEpochs, batchSize, lr, ssmLr, weightDecay, d, warmupEpochs, patience, classWeights, seed,
                    threads, maxSeconds, teacherWeight);
        }

        public Options withWarmup(double epochs) {
            return new Options(maxEpochs, batchSize, lr, ssmLr, weightDecay, dropout, epochs, patience, classWeights, seed,
                    threads, maxSeconds, teacherWeight);
        }

        public Options withBatchSize(int b) {
            return new Options(maxEpochs, b, lr, ssmLr, weightDecay, dropout, warmupEpochs, patience, classWeights, seed,
                    threads, maxSeconds, teacherWeight);
        }

        public Options withTeacherWeight(double a) {
            return new Options(maxEpochs, batchSize, lr, ssmLr, weightDecay, dropout, warmupEpochs, patience, classWeights, seed,
                    threads, maxSeconds, a);
        }

        public Options withClassWeights(double[] w) {
            return new Options(maxEpochs, batchSize, lr, ssmLr, weightDecay, dropout, warmupEpochs, patience, w, seed,
                    threads, maxSeconds, teacherWeight);
        }
    }

    /** One epoch's figures; validation figures are those of the runtime model built from the parameters. */
    public record EpochReport(int epoch, int maxEpochs, double trainLoss, double valAccuracy, double valLoss,
                              double falseAlarmRate, double missRate, double lr, double seconds, double samplesPerSecond,
                              double elapsedSeconds, boolean improved) {
    }

    /** Callbacks for progress display and logs; called on the training thread. */
    public interface Listener {
        default void batch(int epoch, int done, int total, double loss) {
        }

        default void epoch(EpochReport report) {
        }

        Listener NONE = new Listener() {
        };
    }

    /**
     * @param best            the model of the best validation result
     * @param bestEpoch       its epoch (1-based; 0 = the starting model)
     * @param bestValidation  its validation result
     * @param history         one report per epoch run
     * @param stopped         true when the stop flag ended the run
     */
    public record Result(S5Model best, int bestEpoch, EvalResult bestValidation, List<EpochReport> history,
                         boolean stopped) {
    }

    private Trainer() {
    }

    /** Balanced class weights n/(K·n_c) (1 for a class with no windows). */
    public static double[] balancedWeights(int[] labels, int classes) {
        long[] count = new long[classes];
        for (int y : labels) {
            count[y]++;
        }
        double[] w = new double[classes];
        for (int c = 0; c < classes; c++) {
            w[c] = count[c] == 0 ? 1 : (double) labels.length / (classes * count[c]);
        }
        return w;
    }

    /**
     * Trains {@code start} (not modified) on normalized windows.
     *
     * @param train normalized training windows with labels
     * @param val   normalized validation windows with labels
     * @param stop  set from another thread to end the run at the next batch; may be null
     * @param onBest called with each new best model (for saving), may be null
     */
    public static Result train(TrainableS5 start, WindowSet train, WindowSet val, Options o, Listener listener,
                               AtomicBoolean stop, java.util.function.Consumer<S5Model> onBest) {
        return train(start, train, val, null, o, listener, stop, onBest);
    }

    /**
     * {@link #train(TrainableS5, WindowSet, WindowSet, Options, Listener, AtomicBoolean, java.util.function.Consumer)}
     * with a teacher: {@code teacherLogp} (N_train, K) holds a model's log-probabilities for every training window
     * (e.g. the unpruned model when fine-tuning a pruned one); the targets mix them with the labels
     * ({@link Options#teacherWeight()}), and the windows are not class-weighted.
     */
    public static Result train(TrainableS5 start, WindowSet train, WindowSet val, float[] teacherLogp, Options o,
                               Listener listener, AtomicBoolean stop, java.util.function.Consumer<S5Model> onBest) {
        check(train, start, "training");
        check(val, start, "validation");
        int k = start.config().dOutput();
        if (teacherLogp != null && teacherLogp.length != train.count() * k) {
            throw new IllegalArgumentException("teacher log-probabilities: expected " + train.count() + "·" + k + " values, got "
                    + teacherLogp.length);
        }
        double[] weights = teacherLogp != null ? ones(k)
                : o.classWeights() != null ? o.classWeights() : balancedWeights(train.labels(), k);
        double a = teacherLogp != null ? o.teacherWeight() : 0;
        if (weights.length != k) {
            throw new IllegalArgumentException("class weights: expected " + k + " values, got " + weights.length);
        }
        TrainableS5 m = start.copy();
        S5Network net = new S5Network(m.config(), m.layout());
        AdamW opt = new AdamW(m.layout(), o.weightDecay());
        int n = train.count();
        int len = train.length();
        int d = train.channels();
        int steps = (n + o.batchSize() - 1) / o.batchSize();
        LrSchedule sched = new LrSchedule(Math.max(1, Math.round(o.warmupEpochs() * steps)), (long) steps * o.maxEpochs(), 1e-3);
        long t0 = System.nanoTime();
        S5Model best = m.toModel();
        EvalResult bestEval = Evaluator.evaluate(best, val, o.threads(), Progress.NONE);
        double bestLoss = nll(bestEval, val.labels());
        int bestEpoch = 0;
        if (onBest != null) {
            onBest.accept(best);
        }
        List<EpochReport> history = new ArrayList<>();
        double[] grad = new double[m.layout().size()];
        int[] idx = new int[n];
        for (int i = 0; i < n; i++) {
            idx[i] = i;
        }
        SplittableRandom shuffle = new SplittableRandom(o.seed() * 0x9E3779B97F4A7C15L + 1);
        boolean stopped = false;
        long step = 0;
        try (Parallel par = new Parallel(o.threads())) {
            for (int epoch = 1; epoch <= o.maxEpochs(); epoch++) {
                long e0 = System.nanoTime();
                for (int i = n - 1; i > 0; i--) {
                    int j = shuffle.nextInt(i + 1);
                    int tmp = idx[i];
                    idx[i] = idx[j];
                    idx[j] = tmp;
                }
                double lossSum = 0;
                int seen = 0;
                double lrNow = 0;
                for (int s = 0; s < steps; s++) {
                    if ((stop != null && stop.get()) || overBudget(o, t0)) {
                        stopped = stop != null && stop.get();
                        break;
                    }
                    int from = s * o.batchSize();
                    int bs = Math.min(o.batchSize(), n - from);
                    double[] x = new double[bs * len * d];
                    double[] q = new double[bs * k];
                    double[] sw = new double[bs];
                    long[] seeds = o.dropout() > 0 ? new long[bs] : null;
                    for (int b = 0; b < bs; b++) {
                        int w = idx[from + b];
                        int off = train.offset(w);
                        for (int e = 0; e < len * d; e++) {
                            x[b * len * d + e] = train.x()[off + e];
                        }
                        int y = train.labels()[w];
                        sw[b] = weights[y];
                        // target: a·teacher + (1 − a)·onehot(label)
                        for (int c = 0; c < k; c++) {
                            double tp = a > 0 ? Math.exp(teacherLogp[w * k + c]) : 0;
                            q[b * k + c] = a * tp + (1 - a) * (c == y ? 1 : 0);
                        }
                        if (seeds != null) {
                            seeds[b] = o.seed() * 1_000_000_007L + (long) epoch * n + w;
                        }
                    }
                    S5Network.Tape tape = net.forward(m.theta, m.bnRunning, x, bs, len,
                            new S5Network.Mode(true, o.dropout(), seeds), par);
                    double loss = net.lossAndGradient(m.theta, tape, q, sw, grad, par);
                    double f = sched.factor(step++, o.maxSeconds() > 0 ? (System.nanoTime() - t0) / 1e9 / o.maxSeconds() : 0);
                    lrNow = o.lr() * f;
                    opt.step(m.theta, grad, o.lr() * f, o.ssmLr() * f);
                    lossSum += loss * bs;
                    seen += bs;
                    listener.batch(epoch, s + 1, steps, lossSum / seen);
                }
                if (seen == 0) {
                    break;
                }
                S5Model now = m.toModel();
                EvalResult ev = Evaluator.evaluate(now, val, o.threads(), Progress.NONE);
                double vl = nll(ev, val.labels());
                boolean improved = ev.accuracy() > bestEval.accuracy() || (ev.accuracy() == bestEval.accuracy() && vl < bestLoss);
                if (improved) {
                    best = now;
                    bestEval = ev;
                    bestLoss = vl;
                    bestEpoch = epoch;
                    if (onBest != null) {
                        onBest.accept(best);
                    }
                }
                double secs = (System.nanoTime() - e0) / 1e9;
                EpochReport r = new EpochReport(epoch, o.maxEpochs(), lossSum / seen, ev.accuracy(), vl, ev.falseAlarmRate(),
                        ev.missRate(), lrNow, secs, seen / secs, (System.nanoTime() - t0) / 1e9, improved);
                history.add(r);
                listener.epoch(r);
                if (seen < n || (o.patience() > 0 && epoch - bestEpoch >= o.patience())) {
                    break;
                }
            }
        }
        return new Result(best, bestEpoch, bestEval, List.copyOf(history), stopped);
    }

    private static double[] ones(int k) {
        double[] w = new double[k];
        java.util.Arrays.fill(w, 1);
        return w;
    }

    private static boolean overBudget(Options o, long t0) {
        return o.maxSeconds() > 0 && (System.nanoTime() - t0) / 1e9 > o.maxSeconds();
    }

    /** Mean negative log-likelihood of the labels. */
    private static double nll(EvalResult r, int[] labels) {
        float[] lp = r.logp();
        int k = lp.length / labels.length;
        double s = 0;
        for (int i = 0; i < labels.length; i++) {
            s -= lp[i * k + labels[i]];
        }
        return s / labels.length;
    }

    private static void check(WindowSet w, TrainableS5 m, String what) {
        if (!w.labeled()) {
            throw new IllegalArgumentException(what + " windows have no labels");
        }
        if (!w.normalized()) {
            throw new IllegalArgumentException(what + " windows must be normalized with the model's input normalization");
        }
        if (w.channels() != m.config().dInput()) {
            throw new IllegalArgumentException(what + " windows have " + w.channels() + " channels, the model takes "
                    + m.config().dInput());
        }
        if (w.count() == 0) {
            throw new IllegalArgumentException("no " + what + " windows (files shorter than the window?)");
        }
        for (int y : w.labels()) {
            if (y < 0 || y >= m.config().dOutput()) {
                throw new IllegalArgumentException(what + " label " + y + " is outside the model's " + m.config().dOutput()
                        + " classes");
            }
        }
    }
}
