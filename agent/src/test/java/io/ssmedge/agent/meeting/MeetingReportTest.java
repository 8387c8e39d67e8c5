package io.ssmedge.agent.meeting;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The meeting report rendered from a recorded journal: its summary figures are the journal's, and it stands alone. */
class MeetingReportTest {
    static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern NUMBER = Pattern.compile("[-+]?\\d[\\d,]*(\\.\\d+)?");

    static Path resource(String name) throws URISyntaxException {
        return Path.of(MeetingReportTest.class.getResource("/meeting/" + name).toURI());
    }

    static List<JsonNode> journal() throws Exception {
        List<JsonNode> out = new ArrayList<>();
        for (String l : Files.readAllLines(resource("events.jsonl"), StandardCharsets.UTF_8)) {
            out.add(JSON.readTree(l));
        }
        return out;
    }

    /** The figures the summary may state, computed here from the journal lines directly (not through the report). */
    static Set<String> journalFigures(List<JsonNode> ev) {
        JsonNode original = ev.stream().filter(e -> e.get("ratio").asInt() == 0).findFirst().orElseThrow();
        JsonNode serving = null;
        int promotions = 0;
        int rollbacks = 0;
        JsonNode approval = null;
        Set<String> f = new HashSet<>();
        for (JsonNode e : ev) {
            String t = e.get("type").asText();
            if (t.equals("promoted") || t.equals("rolled_back") || t.equals("done")) {
                serving = e;
            }
            promotions += t.equals("promoted") ? 1 : 0;
            rollbacks += t.equals("rolled_back") ? 1 : 0;
            if (t.equals("gate_failed") || t.equals("quarantined")) {
                Matcher m = NUMBER.matcher(e.get("reason").asText()); // a rollback's reason is quoted as recorded
                while (m.find()) {
                    f.add(m.group());
                }
                f.add(e.get("ratio").asText());
            }
        }
        for (JsonNode e : ev) {
            if (e.get("type").asText().equals("gate_passed") && e.has("limit") && e.get("ratio").equals(serving.get("ratio"))) {
                approval = e;
            }
        }
        int keptNow = 0;
        int keptBefore = 0;
        for (JsonNode k : serving.get("kept_states_per_layer")) {
            keptNow += k.asInt();
        }
        for (JsonNode k : original.get("kept_states_per_layer")) {
            keptBefore += k.asInt();
        }
        double stepBefore = original.get("step_us").asDouble();
        double stepNow = serving.get("step_us").asDouble();
        long bytesBefore = original.get("bytes_per_stream").asLong();
        long bytesNow = serving.get("bytes_per_stream").asLong();
        f.add(serving.get("ratio").asText());
        f.add(Integer.toString(keptNow));
        f.add(Integer.toString(keptBefore));
        f.add(String.format(Locale.ROOT, "%.2f", stepBefore));
        f.add(String.format(Locale.ROOT, "%.2f", stepNow));
        f.add(String.format(Locale.ROOT, "%.0f", 100 * (stepBefore - stepNow) / stepBefore));
        f.add(Long.toString(bytesBefore));
        f.add(Long.toString(bytesNow));
        f.add(String.format(Locale.ROOT, "%.0f", 100.0 * (bytesBefore - bytesNow) / bytesBefore));
        f.add(Integer.toString(promotions));
        f.add(Integer.toString(rollbacks));
        f.add(String.format(Locale.ROOT, "%,d", approval.get("n").asLong()));
        f.add(String.format(Locale.ROOT, "%+.1f", -100 * approval.get("estimate").asDouble()));
        f.add(String.format(Locale.ROOT, "%.1f", 100 * approval.get("limit").asDouble()));
        return f;
    }

    static List<String> numbers(String s) {
        List<String> out = new ArrayList<>();
        Matcher m = NUMBER.matcher(s.replace("µs", ""));
        while (m.find()) {
            out.add(m.group());
        }
        return out;
    }

    @Test
    void everySummaryFigureIsTheJournals() throws Exception {
        Set<String> expected = journalFigures(journal());
        for (String lang : List.of("en", "ja")) {
            MeetingReport r = new MeetingReport(RolloutHistory.fromJournal(resource("events.jsonl")), null, lang, Double.NaN,
                    Double.NaN);
            List<String> summary = r.summary();
            assertThat(summary).hasSize(3);
            for (String s : summary) {
                assertThat(numbers(s)).as("%s: %s", lang, s).isNotEmpty().allSatisfy(n -> assertThat(expected).contains(n));
            }
            // the key figures are all there, in the order a reader expects
            assertThat(summary.get(0)).contains("20%").contains("2.81 → 2.44 µs").contains("644 → 524").contains("13%")
                    .contains("19%");
            assertThat(summary.get(1)).contains("1,187").contains("-0.2").contains("1.0");
            assertThat(summary.get(2)).contains("30%");
        }
        MeetingReport en = new MeetingReport(RolloutHistory.fromJournal(resource("events.jsonl")), null, "en", Double.NaN,
                Double.NaN);
        assertThat(en.summary().get(0)).contains("(51 of 64 kept)");
        assertThat(en.summary().get(1)).startsWith("Safety: each of the 3 switches").contains("1 automatic rollback")
                .contains("the miss rate rose to 33.8 %");
        MeetingReport ja = new MeetingReport(RolloutHistory.fromJournal(resource("events.jsonl")), null, "ja", Double.NaN,
                Double.NaN);
        assertThat(ja.summary().get(0)).startsWith("コスト：").contains("64個中51個を維持");
        assertThat(ja.summary().get(1)).startsWith("安全性：").contains("3回").contains("1件");
        assertThat(ja.summary().get(2)).startsWith("次の一手：");
    }

    @Test
    void pageStandsAloneAndShowsTheHistory(@TempDir Path dir) throws Exception {
        JsonNode sweep = JSON.readTree(Files.readString(resource("sweep.json")));
        for (String lang : List.of("en", "ja")) {
            Path out = dir.resolve("report-" + lang + ".html");
            new MeetingReport(RolloutHistory.fromJournal(resource("events.jsonl")), sweep, lang, Double.NaN, Double.NaN)
                    .write(out);
            String html = Files.readString(out, StandardCharsets.UTF_8);
            assertThat(html).startsWith("<!DOCTYPE html>").contains("<html lang=\"" + lang + "\"")
                    .contains("<svg").contains("@page{size:A4")
                    // nothing outside the file: no scripts, links, images, fonts or URLs of any kind
                    .doesNotContain("<script").doesNotContain("<link").doesNotContain("<img").doesNotContain("<iframe")
                    .doesNotContain("src=").doesNotContain("href=").doesNotContain("url(").doesNotContain("@import")
                    .doesNotContain("http:").doesNotContain("https:").doesNotContain("//cdn");
            // every event is a row; the rollback is explained with its evidence
            assertThat(html.split("<tr", -1).length - 1).isGreaterThan(journal().size());
            assertThat(html).contains("2026-11-13T11:26:03Z").contains("switched back to 20 % pruned (LAST)");
            // figures before from the sweep, per day from its plant figures
            assertThat(html).contains("53,128").contains("47,584").contains("432,000");
        }
        String en = Files.readString(dir.resolve("report-en.html"));
        assertThat(en).contains("On 412 labeled windows the new model was 1.5 points less accurate")
                .contains("so it failed");
        String ja = Files.readString(dir.resolve("report-ja.html"));
        assertThat(ja).contains("ラベル付き412ウィンドウで、新しいモデルの正解率は置き換え対象より1.5ポイント低い")
                .contains("不合格としました");
    }

    @Test
    void readsTheRolloutOfAStatusPage() throws Exception {
        ObjectNode status = JSON.createObjectNode();
        ObjectNode r = status.putObject("rollout");
        r.put("state", "paused");
        r.put("reason", "paused by dashboard: plant maintenance");
        r.set("serving", JSON.readTree("{\"ratio\":20,\"model_version\":\"sha256:ab\",\"kept_states_per_layer\":[14,12,13,12],"
                + "\"step_us\":2.44,\"bytes_per_stream\":524}"));
        r.set("original", JSON.readTree("{\"ratio\":0,\"model_version\":\"sha256:cd\",\"kept_states_per_layer\":[16,16,16,16],"
                + "\"step_us\":2.81,\"bytes_per_stream\":644}"));
        r.set("events", JSON.valueToTree(journal().subList(0, 16)));
        MeetingReport m = new MeetingReport(RolloutHistory.fromStatus("http://127.0.0.1:1/api/status", status), null, "en",
                Double.NaN, Double.NaN);
        assertThat(m.summary().get(0)).contains("2.81 → 2.44 µs");
        assertThat(m.summary().get(2)).isEqualTo("Next: decide whether to resume the rollout (paused: paused by dashboard: "
                + "plant maintenance).");
        assertThatThrownBy(() -> RolloutHistory.fromStatus("u", JSON.readTree("{\"rollout\":{\"state\":\"off\"}}")))
                .hasMessageContaining("no staged rollout is configured");
    }

    @Test
    void badJournalLinesAreNamed(@TempDir Path dir) throws Exception {
        Path j = Files.writeString(dir.resolve("events.jsonl"), "{\"time\":\"2026-11-02T08:00:04Z\",\"type\":\"paused\"}\nnot json\n");
        assertThatThrownBy(() -> RolloutHistory.fromJournal(j)).hasMessageContaining("events.jsonl: line 2: not JSON");
        Path k = Files.writeString(dir.resolve("k.jsonl"), "{\"type\":\"paused\"}\n");
        assertThatThrownBy(() -> RolloutHistory.fromJournal(k)).hasMessageContaining("line 1: expected an event object");
        assertThatThrownBy(() -> new MeetingReport(RolloutHistory.fromJournal(resource("events.jsonl")), null, "de",
                Double.NaN, Double.NaN)).hasMessageContaining("--lang: expected ja or en");
    }
}
