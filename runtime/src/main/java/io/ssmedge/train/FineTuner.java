package io.ssmedge.train;

import io.ssmedge.data.WindowSet;
import io.ssmedge.inference.BatchEvaluator;
import io.ssmedge.inference.Progress;
import io.ssmedge.model.SsmModel;
import io.ssmedge.model.s5.S5Model;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Fine-tunes a (pruned) S5 model on labeled windows: a function from model + data + budget to a model,
 * for the CLI ({@code ssm-edge prune --finetune-epochs}) and for the gateway's staged rollout.
 *
 * <p>Only the kept states exist in a physically pruned model, so only they are trained; the state count per
 * layer never changes. Poles stay stable by construction: Re Λ = −exp(ρ) is trained through ρ, so every
 * |λ̄| &lt; 1 after every step (no clipping afterwards). The starting model counts as epoch 0: the result is
 * never worse on the validation windows than the model given.
 *
 * <p>With a teacher (normally the unpruned model) the pruned model learns to reproduce the teacher's class
 * probabilities on the training windows (knowledge distillation), mixed with the labels by
 * {@link Trainer.Options#teacherWeight()}: the goal is to win back what pruning lost, not to re-fit the labels,
 * which also keeps the teacher's balance between false alarms and misses.
 */
public final class FineTuner {
    /**
     * How much work fine-tuning may do.
     *
     * @param epochs  passes over the training windows at most
     * @param seconds wall-clock budget (0 = none)
     */
    public record Budget(int epochs, double seconds) {
        public Budget {
            if (epochs < 1 || seconds < 0) {
                throw new IllegalArgumentException("fine-tuning budget: epochs must be ≥ 1 and seconds ≥ 0");
            }
        }
    }

    private FineTuner() {
    }

    /**
     * Default settings for fine-tuning: a quarter of the training learning rates (lr 0.001, ssm_lr 0.00025),
     * dropout 0.1, weight decay 0.05, half an epoch of warm-up, batch 64, targets from the teacher only.
     */
    public static Trainer.Options defaults(Budget budget, long seed, int threads) {
        return Trainer.Options.defaults(budget.epochs(), seed, threads).withLearningRates(0.001, 0.00025).withWarmup(0.5)
                .withBudget(budget.epochs(), budget.seconds()).withTeacherWeight(1.0);
    }

    /**
     * @param model      an S5 model (pruned or not); not modified
     * @param teacher    the model to imitate (normally the unpruned one, same inputs and classes), or null to
     *                   train on the labels (class-weighted as {@link Trainer.Options#classWeights()})
     * @param train      labeled windows, raw sensor units (normalized here with the model's own input normalization)
     * @param validation labeled windows to pick the best epoch on, raw units
     * @param stop       ends the run early with the best model so far; may be null
     */
    public static Trainer.Result fineTune(SsmModel model, SsmModel teacher, WindowSet train, WindowSet validation,
                                          Trainer.Options options, Trainer.Listener listener, AtomicBoolean stop) {
        if (!(model instanceof S5Model s5)) {
            throw new IllegalArgumentException("fine-tuning supports S5 models; this model is " + model.architecture());
        }
        if (train.normalized() || validation.normalized()) {
            throw new IllegalArgumentException("fine-tuning takes raw windows; they are normalized with the model's input normalization");
        }
        TrainableS5 start = TrainableS5.of(s5);
        float[] teacherLogp = null;
        if (teacher != null) {
            if (teacher.inputSize() != model.inputSize() || teacher.outputSize() != model.outputSize()) {
                throw new IllegalArgumentException("the teacher takes " + teacher.inputSize() + " inputs and has "
                        + teacher.outputSize() + " classes; the model " + model.inputSize() + " and " + model.outputSize());
            }
            teacherLogp = BatchEvaluator.logProbabilities(teacher, train.normalizedWith(teacher.normalization()),
                    options.threads(), Progress.NONE);
        }
        return Trainer.train(start, train.normalizedWith(model.normalization()), validation.normalizedWith(model.normalization()),
                teacherLogp, options, listener, stop, null);
    }

    /** {@link #fineTune} with the default settings; returns the fine-tuned model. */
    public static S5Model fineTune(SsmModel model, SsmModel teacher, WindowSet train, WindowSet validation, Budget budget,
                                   int threads) {
        return fineTune(model, teacher, train, validation, defaults(budget, 1, threads), Trainer.Listener.NONE, null).best();
    }
}
