package io.ssmedge.train;

import io.ssmedge.data.SensorCsv;
import io.ssmedge.data.WindowSet;
import io.ssmedge.eval.Evaluator;
import io.ssmedge.inference.Progress;
import io.ssmedge.model.ModelLoader;
import io.ssmedge.model.SsmModel;
import io.ssmedge.model.s5.S5Config;
import io.ssmedge.testing.SyntheticRecordings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Short training runs on a tiny synthetic task. */
class TrainerTest {
    static final List<String> CHANNELS = List.of("a", "b");
    static final List<String> CLASSES = List.of("normal", "anomaly");

    static List<SensorCsv.Table> recordings(int files, int rows, long seed) {
        return SyntheticRecordings.tables(files, rows, seed);
    }

    static S5Architecture tiny() {
        return new S5Architecture(8, 8, 1, 2, "half_glu1", false, false, "zoh", true, true, "last");
    }

    @Test
    void learnsATinyTaskAndTheSavedModelReproducesTheLoggedValidationAccuracy(@TempDir Path dir) {
        TrainingData data = TrainingData.prepare(recordings(6, 300, 1), 16, 2, 4, TrainingData.Split.BY_FILE, 0.34, 3);
        S5Config cfg = tiny().config(CHANNELS, CLASSES, data.mean(), data.std(), 16, 2, 4);
        TrainableS5 init = S5Init.init(cfg, 1, 42);
        Trainer.Options o = Trainer.Options.defaults(4, 42, 2).withLearningRates(0.01, 0.005).withBatchSize(32);
        List<Trainer.EpochReport> log = new ArrayList<>();
        Trainer.Result res = Trainer.train(init, data.train(), data.validation(), o, new Trainer.Listener() {
            @Override
            public void epoch(Trainer.EpochReport r) {
                log.add(r);
            }
        }, null, null);
        assertThat(res.bestValidation().accuracy()).isGreaterThan(0.9);
        assertThat(log).isNotEmpty();
        double logged = log.get(res.bestEpoch() - 1).valAccuracy();
        res.best().save(dir);
        SsmModel loaded = ModelLoader.load(dir);
        // raw validation windows, normalized by the loaded model's own config, as `ssm-edge eval` does
        WindowSet raw = data.validationRaw();
        double acc = Evaluator.evaluate(loaded, raw, 1, Progress.NONE).accuracy();
        assertThat(acc).isEqualTo(logged);
    }

    @Test
    void sameSeedAndThreadsGiveTheSameModel() {
        TrainingData data = TrainingData.prepare(recordings(3, 120, 2), 12, 3, 6, TrainingData.Split.RANDOM, 0.25, 1);
        S5Config cfg = tiny().config(CHANNELS, CLASSES, data.mean(), data.std(), 12, 3, 6);
        Trainer.Options o = Trainer.Options.defaults(2, 9, 2).withBatchSize(16);
        float[] a = Trainer.train(S5Init.init(cfg, 1, 9), data.train(), data.validation(), o, Trainer.Listener.NONE, null, null)
                .best().params().layers().get(0).b();
        float[] b = Trainer.train(S5Init.init(cfg, 1, 9), data.train(), data.validation(), o, Trainer.Listener.NONE, null, null)
                .best().params().layers().get(0).b();
        assertThat(a).containsExactly(b);
    }

    @Test
    void theStopFlagEndsTheRunWithTheBestModelSoFar() {
        TrainingData data = TrainingData.prepare(recordings(3, 120, 5), 12, 3, 6, TrainingData.Split.RANDOM, 0.25, 1);
        S5Config cfg = tiny().config(CHANNELS, CLASSES, data.mean(), data.std(), 12, 3, 6);
        java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
        List<io.ssmedge.model.s5.S5Model> saved = new ArrayList<>();
        Trainer.Result r = Trainer.train(S5Init.init(cfg, 1, 9), data.train(), data.validation(),
                Trainer.Options.defaults(50, 9, 1).withBatchSize(8), new Trainer.Listener() {
                    @Override
                    public void batch(int epoch, int done, int total, double loss) {
                        if (epoch == 2 && done == 3) {
                            stop.set(true);
                        }
                    }
                }, stop, saved::add);
        assertThat(r.stopped()).isTrue();
        assertThat(r.history()).hasSize(2);
        assertThat(saved).isNotEmpty();
        assertThat(saved.get(saved.size() - 1)).isSameAs(r.best());
    }
}
