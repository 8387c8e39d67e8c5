package io.ssmedge.agent.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ssmedge.format.SafetensorsFile;
import io.ssmedge.model.ModelLoader;
import io.ssmedge.testing.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The command line end to end, in process, on the conformance fixture. */
class CliTest {
    @TempDir
    Path tmp;

    record Outcome(int code, String out, String err) {
    }

    static Outcome run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int code = cl.execute(args);
        return new Outcome(code, out.toString(), err.toString());
    }

    static String data() {
        return Fixtures.dir(Fixtures.S5).resolve("expected.safetensors").toString();
    }

    @Test
    void infoDescribesTheModel() throws Exception {
        Outcome o = run("info", "embedded:s5-skab");
        assertThat(o.code()).isZero();
        assertThat(o.out()).contains("16 16 16 16 per layer = 64 complex states").contains("53,128 bytes")
                .contains("648 bytes of state").contains("stable");
        JsonNode j = new ObjectMapper().readTree(run("info", Fixtures.dir(Fixtures.S4D).toString(), "--json").out());
        assertThat(j.get("architecture").asText()).isEqualTo("s4d");
        assertThat(j.get("total_states").asInt()).isEqualTo(2048);
    }

    @Test
    void evalJsonHasTheDocumentedFieldsAndWritesLogp() throws Exception {
        Path logp = tmp.resolve("logp.safetensors");
        Outcome o = run("eval", "embedded:s5-skab", "--data", data(), "--json", "--logp", logp.toString());
        assertThat(o.code()).as(o.err()).isZero();
        JsonNode j = new ObjectMapper().readTree(o.out());
        assertThat(j.get("accuracy").asDouble()).isEqualTo(Fixtures.reference(Fixtures.S5).get("acc_unpruned").asDouble());
        assertThat(j.get("windows").asInt()).isEqualTo(1471);
        assertThat(j.has("false_alarm_rate")).isTrue();
        assertThat(j.has("miss_rate")).isTrue();
        assertThat(j.get("confusion").size()).isEqualTo(2);
        float[] lp = SafetensorsFile.read(logp).get("logp").floats();
        float[] ref = Fixtures.expected(Fixtures.S5).get("logp_ratio0").floats();
        assertThat(lp).hasSize(1471 * 2);
        assertThat(lp[0]).isCloseTo(ref[0], org.assertj.core.data.Offset.offset(2e-4f));
    }

    @Test
    void infoAndEvalNameUnstableStatesAndWhatClippingThemCosts() throws Exception {
        Path dir = io.ssmedge.testing.UnstableModels.write(tmp.resolve("unstable"), 1, new int[]{2, 5}, 1.003);
        Outcome info = run("info", dir.toString());
        assertThat(info.code()).as(info.err()).isZero();
        assertThat(info.out()).contains("UNSTABLE").contains("unstable    layer 1 state 2: |λ̄| = 1.00300")
                .contains("unstable    layer 1 state 5:").contains("model.stabilize: clip");
        JsonNode j = new ObjectMapper().readTree(run("eval", dir.toString(), "--data", data(), "--json").out());
        assertThat(j.get("unstable_states").asInt()).isEqualTo(2);
        assertThat(j.get("accuracy").asDouble()).isBetween(0.0, 1.0);
        assertThat(j.get("accuracy_stabilized").asDouble()).isBetween(0.0, 1.0);
        Outcome text = run("eval", dir.toString(), "--data", data());
        assertThat(text.out()).contains("Unstable states  2").contains("With model.stabilize: clip");
    }

    @Test
    void evalTextExplainsTheNumbers() {
        Outcome o = run("eval", "embedded:s5-skab", "--data", data(), "--raw");
        assertThat(o.out()).contains("Accuracy         83.48 %").contains("False-alarm rate").contains("Miss rate")
                .contains("Confusion matrix");
    }

    @Test
    void badInputGivesOneClearLineAndExitCode2() {
        Outcome o = run("info", tmp.resolve("nothing").toString());
        assertThat(o.code()).isEqualTo(2);
        assertThat(o.err()).startsWith("error: ").contains("not a model directory").doesNotContain("at io.ssmedge");
        Outcome e = run("eval", "embedded:s5-skab", "--data", tmp.resolve("x.csv").toString());
        assertThat(e.code()).isEqualTo(2);
        assertThat(e.err()).contains("no such file or directory");
        Outcome u = run("info", "embedded:nope");
        assertThat(u.code()).isEqualTo(2);
        assertThat(u.err()).contains("no embedded model 'nope'");
    }

    @Test
    void pruneWritesAReloadableSmallerModelAndItsPlan() throws Exception {
        Path out = tmp.resolve("p30");
        Outcome o = run("prune", "embedded:s5-skab", "--ratio", "30", "--out", out.toString());
        assertThat(o.code()).as(o.err()).isZero();
        assertThat(o.out()).contains("[16, 16, 16, 16] -> [13, 9, 11, 11]");
        assertThat(ModelLoader.load(out).unitsPerLayer()).containsExactly(13, 9, 11, 11);
        JsonNode plan = new ObjectMapper().readTree(Files.readString(out.resolve("pruning-plan.json")));
        assertThat(plan.get("method").asText()).isEqualTo("last");
        assertThat(plan.get("kept_units").asInt()).isEqualTo(44);
        assertThat(run("prune", "embedded:s5-skab", "--ratio", "30", "--out", out.toString()).err())
                .contains("already holds a model");
        assertThat(run("prune", "embedded:s5-skab", "--ratio", "130", "--out", tmp.resolve("x").toString()).err())
                .contains("within 0..100");
        assertThat(run("prune", "embedded:s5-skab", "--ratio", "30", "--method", "best", "--out", tmp.resolve("y").toString()).err())
                .contains("unknown pruning method 'best'");
    }

    @Test
    void demoStreamsRecordingsFromAGivenFolder() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("skab/valve1"));
        StringBuilder csv = new StringBuilder("datetime;Accelerometer1RMS;Accelerometer2RMS;Current;Pressure;Temperature;"
                + "Thermocouple;Voltage;Volume Flow RateRMS;anomaly;changepoint\n");
        java.util.SplittableRandom r = new java.util.SplittableRandom(1);
        for (int t = 0; t < 300; t++) {
            csv.append("2020-01-01 00:00:00;0.2;0.27;2.1;0.3;90;26;230;120;").append(t > 200 ? 1 : 0).append(";0\n");
        }
        Files.writeString(dir.resolve("0.csv"), csv.toString());
        Outcome o = run("demo", "--offline", "--data", tmp.resolve("skab").toString(), "--ratio", "50");
        assertThat(o.code()).as(o.err()).isZero();
        assertThat(o.out()).contains("1 SKAB recordings").contains("valve1/0.csv").contains("Result   31 predictions")
                .contains("LAST pruning preview (50% of states removed");
        Outcome missing = run("demo", "--data", tmp.resolve("none").toString());
        assertThat(missing.code()).isEqualTo(2);
        assertThat(missing.out()).isEmpty();

        // live: the same recording replayed through the embedded broker and the agent, ending with the recording
        Outcome live = run("demo", "--data", tmp.resolve("skab").toString(), "--rate", "60", "--http-port", "0",
                "--report-every", "2");
        assertThat(live.code()).as(live.err()).isZero();
        assertThat(live.out()).contains("embedded MQTT broker on mqtt://127.0.0.1:")
                .contains("1 SKAB recordings replayed as streams (valve1-0)").contains("Runs until the recordings end")
                .contains("Summary  300 samples, 31 predictions").contains("31 labeled");
    }

    @Test
    void sweepWritesReportJsonAndCsv() throws Exception {
        Path dir = tmp.resolve("sweep");
        Outcome o = run("sweep", "embedded:s5-skab", "--data", data(), "--ratios", "0:60:30", "--methods", "last,global-hinf,random",
                "--seeds", "2", "--report", dir.resolve("r.html").toString(), "--json", dir.resolve("s.json").toString(),
                "--csv", dir.resolve("s.csv").toString(), "--max-drop", "2");
        assertThat(o.code()).as(o.err()).isZero();
        assertThat(o.out()).contains("Pruning ").contains("cuts step latency by").contains("median of repeated runs")
                .contains("missed faults").contains("Business figures that changed most: ");
        JsonNode j = new ObjectMapper().readTree(Files.readString(dir.resolve("s.json")));
        assertThat(j.get("ratios").toString()).isEqualTo("[0,30,60]");
        assertThat(j.get("total_states").asInt()).isEqualTo(64);
        JsonNode last = j.get("methods").get("last");
        assertThat(last.get("kept_per_layer").get(1).toString()).isEqualTo("[13,9,11,11]");
        assertThat(last.get("accuracy").get(1).asDouble())
                .isCloseTo(Fixtures.reference(Fixtures.S5).get("LAST").get(6).asDouble(), org.assertj.core.data.Offset.offset(1.0 / 1471));
        assertThat(j.get("methods").has("global-hinf")).isTrue();
        for (int i = 0; i < 3; i++) { // repeated timing: the median lies within the spread
            assertThat(last.get("step_ns_low").get(i).asDouble()).isPositive()
                    .isLessThanOrEqualTo(last.get("step_ns").get(i).asDouble());
            assertThat(last.get("step_ns_high").get(i).asDouble()).isGreaterThanOrEqualTo(last.get("step_ns").get(i).asDouble());
        }
        JsonNode judge = j.get("judgement");
        assertThat(judge.get("limits").get("max_accuracy_drop_points").asDouble()).isEqualTo(2.0);
        assertThat(judge.get("summary").get(0).asText()).startsWith(o.out().lines()
                .filter(l -> l.contains("Pruning ")).findFirst().orElseThrow().substring(0, 10));
        assertThat(j.get("methods").get("random").get("accuracy").size()).isEqualTo(3);
        String html = Files.readString(dir.resolve("r.html"));
        assertThat(html).contains("<img alt=\"Accuracy after pruning\" src=\"data:image/png;base64,")
                .doesNotContain("<script").doesNotContain("http://").doesNotContain("https://");
        assertThat(Files.readAllLines(dir.resolve("s.csv"))).hasSize(1 + 3 * 3);
    }

    @Test
    void sweepJudgesByTheMissRateAndPricesTheMonth() throws Exception {
        Path json = tmp.resolve("s.json");
        // a miss-rate cap of 0 % means "no worse than the unpruned model"
        Outcome o = run("sweep", "embedded:s5-skab", "--data", data(), "--ratios", "0:60:30", "--methods", "last",
                "--no-timing", "--max-drop", "5", "--max-miss-rate", "0", "--max-false-alarm-rate", "100",
                "--json", json.toString(), "--streams", "40", "--cost-false-alarm", "1000", "--cost-miss", "5000",
                "--currency", "JPY");
        assertThat(o.code()).as(o.err()).isZero();
        JsonNode j = new ObjectMapper().readTree(Files.readString(json));
        JsonNode last = j.get("methods").get("last");
        double chosen = j.get("judgement").get("chosen_ratio").asDouble();
        double baseMiss = last.get("miss_rate").get(0).asDouble();
        for (int i = 0; i < 3; i++) { // every ratio above the chosen one that keeps the miss rate breaks another limit
            double r = j.get("ratios").get(i).asDouble();
            if (r == chosen) {
                assertThat(last.get("miss_rate").get(i).asDouble()).isLessThanOrEqualTo(baseMiss);
            }
        }
        assertThat(j.get("judgement").get("limits").get("max_miss_rate").asDouble()).isEqualTo(baseMiss);
        assertThat(o.out()).contains("Per month (40 streams").contains("JPY ");
    }
}
