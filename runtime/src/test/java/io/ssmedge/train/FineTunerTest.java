package io.ssmedge.train;

import io.ssmedge.eval.Evaluator;
import io.ssmedge.inference.Progress;
import io.ssmedge.model.SsmModel;
import io.ssmedge.model.s5.S5Config;
import io.ssmedge.model.s5.S5Model;
import io.ssmedge.pruning.Pruner;
import io.ssmedge.pruning.PruningMethod;
import io.ssmedge.testing.SyntheticRecordings;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Fine-tuning a pruned model: same reduced state counts, stable poles, never worse on validation. */
class FineTunerTest {
    @Test
    void fineTunedPrunedModelKeepsItsStatesAndStaysStable() {
        TrainingData data = TrainingData.prepare(SyntheticRecordings.tables(4, 200, 4), 16, 2, 4, TrainingData.Split.BY_FILE,
                0.3, 2);
        S5Config cfg = TrainerTest.tiny().config(TrainerTest.CHANNELS, TrainerTest.CLASSES, data.mean(), data.std(), 16, 2, 4);
        Trainer.Options o = Trainer.Options.defaults(2, 3, 2).withLearningRates(0.01, 0.005).withBatchSize(32);
        S5Model full = Trainer.train(S5Init.init(cfg, 1, 3), data.train(), data.validation(), o, Trainer.Listener.NONE, null, null)
                .best();
        SsmModel pruned = Pruner.apply(full, Pruner.plan(full, PruningMethod.parse("last"), 50));
        int[] kept = pruned.unitsPerLayer();
        assertThat(pruned.totalUnits()).isEqualTo(4);
        // a high SSM learning rate pushes the poles hard; the parameterization keeps them inside the unit circle
        Trainer.Options ft = FineTuner.defaults(new FineTuner.Budget(2, 0), 5, 2).withLearningRates(0.01, 0.05);
        Trainer.Result r = FineTuner.fineTune(pruned, full, data.trainRaw(), data.validationRaw(), ft, Trainer.Listener.NONE, null);
        S5Model tuned = r.best();
        assertThat(tuned.unitsPerLayer()).containsExactly(kept);
        assertThat(tuned.maxPoleMagnitude()).isLessThan(1.0);
        double before = Evaluator.evaluate(pruned, data.validationRaw(), 1, Progress.NONE).accuracy();
        assertThat(r.bestValidation().accuracy()).isGreaterThanOrEqualTo(before);
        assertThat(r.history()).hasSize(2);
        for (Trainer.EpochReport e : r.history()) {
            assertThat(e.trainLoss()).isFinite();
        }
    }
}
