package io.ssmedge.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ssmedge.data.SensorCsv;
import io.ssmedge.eval.Evaluator;
import io.ssmedge.inference.Progress;
import io.ssmedge.model.ModelLoader;
import io.ssmedge.model.SsmModel;
import io.ssmedge.testing.Fixtures;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** embedded:s5-skab-small, trained by `ssm-edge train` (command in README): shape, stability, test accuracy. */
class BundledTrainedModelTest {
    @Test
    void loadsWithItsShapeAndIsStable() {
        SsmModel m = ModelLoader.loadEmbedded("s5-skab-small");
        assertThat(m.unitsPerLayer()).containsExactly(8, 8);
        assertThat(m.width()).isEqualTo(16);
        assertThat(m.maxPoleMagnitude()).isLessThan(1.0);
        assertThat(m.trainingWindow()).isEqualTo(60);
        assertThat(m.evaluationStride()).isEqualTo(8);
    }

    @Test
    void scoresTheLoggedTestAccuracyOnTheSkabTestFiles() throws Exception {
        Path skab = Fixtures.skab();
        Assumptions.assumeTrue(skab != null, "SKAB dataset not found at ../shared/datasets/skab; skipping");
        SsmModel m = ModelLoader.loadEmbedded("s5-skab-small");
        JsonNode ref = new ObjectMapper().readTree(Files.readString(Fixtures.dir(Fixtures.S5).resolve("config.json")));
        List<SensorCsv.Table> tables = new ArrayList<>();
        for (JsonNode f : ref.get("test_files")) {
            tables.add(SensorCsv.read(skab.resolve(f.asText()), m.channels(), "anomaly"));
        }
        double acc = Evaluator.evaluate(m, SensorCsv.windows(tables, 60, 8), 2, Progress.NONE).accuracy();
        // the `end` line of its training log: test_accuracy 0.7756628144119646 on 1,471 windows
        assertThat(acc).isEqualTo(1141.0 / 1471);
    }
}
