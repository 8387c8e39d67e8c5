package io.ssmedge.agent.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ssmedge.model.ModelLoader;
import io.ssmedge.testing.SyntheticRecordings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** `ssm-edge train` end to end on a tiny synthetic task, then `eval` on the saved model. */
class TrainCommandTest {
    @TempDir
    Path tmp;

    @Test
    void trainsSavesAndEvalReproducesTheLoggedValidationAccuracy() throws Exception {
        Path data = tmp.resolve("data");
        SyntheticRecordings.write(data, 6, 300, 1);
        Path out = tmp.resolve("model");
        CliTest.Outcome o = CliTest.run("train", "--data", data.toString(), "--window", "16", "--stride", "2",
                "--eval-stride", "4", "--width", "8", "--ssm-size", "8", "--blocks", "1", "--layers", "2", "--epochs", "4",
                "--batch", "32", "--lr", "0.01", "--ssm-lr", "0.005", "--test-files", "f5.csv", "--threads", "2",
                "--out", out.toString());
        assertThat(o.code()).as(o.err()).isZero();
        assertThat(o.out()).contains("epoch   1/4").contains("val acc").contains("Best model").contains("Test files: accuracy");
        List<JsonNode> log = new ArrayList<>();
        ObjectMapper json = new ObjectMapper();
        for (String line : Files.readAllLines(out.resolve("training-log.jsonl"))) {
            log.add(json.readTree(line));
        }
        assertThat(log.get(0).get("event").asText()).isEqualTo("start");
        JsonNode end = log.get(log.size() - 1);
        assertThat(end.get("event").asText()).isEqualTo("end");
        double logged = end.get("val_accuracy").asDouble();
        assertThat(logged).isGreaterThan(0.85);
        assertThat(ModelLoader.load(out).unitsPerLayer()).containsExactly(4, 4);

        List<String> args = new ArrayList<>(List.of("eval", out.toString(), "--json"));
        for (JsonNode f : log.get(0).get("validation_files")) {
            args.add("--data");
            args.add(f.asText());
        }
        CliTest.Outcome ev = CliTest.run(args.toArray(String[]::new));
        assertThat(ev.code()).as(ev.err()).isZero();
        assertThat(json.readTree(ev.out()).get("accuracy").asDouble()).isEqualTo(logged);

        Path pruned = tmp.resolve("pruned");
        CliTest.Outcome pr = CliTest.run("prune", out.toString(), "--ratio", "50", "--finetune-epochs", "1", "--data",
                data.toString(), "--test-files", "f5.csv", "--threads", "2", "--out", pruned.toString());
        assertThat(pr.code()).as(pr.err()).isZero();
        assertThat(pr.out()).contains("Fine-tuning the 4 kept states").contains("pruned + fine-tuned");
        var tuned = ModelLoader.load(pruned);
        assertThat(tuned.totalUnits()).isEqualTo(4);
        assertThat(tuned.maxPoleMagnitude()).isLessThan(1.0);
    }
}
