package io.ssmedge.agent.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ssmedge.agent.meeting.MeetingReport;
import io.ssmedge.agent.meeting.RolloutHistory;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;

@Command(name = "report", mixinStandardHelpOptions = true,
        description = {"Writes the meeting report: one HTML page (opens offline, prints on A4) with what pruning saved,",
                "accuracy, false alarms and missed faults before and after, the rollout history with rollbacks and why,",
                "and three summary sentences at the top.",
                "Example: ssm-edge report --journal /var/lib/ssm-edge/rollout/events.jsonl --sweep sweep.json --out report.html --lang ja"})
public final class ReportCommand implements Callable<Integer> {
    static final class Source {
        @Option(names = "--status", paramLabel = "URL", description = "a running agent's status, e.g. http://127.0.0.1:9464/api/status")
        URI status;

        @Option(names = "--journal", paramLabel = "FILE", description = "the rollout journal, <data_dir>/rollout/events.jsonl")
        Path journal;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Source source;

    @Option(names = "--token-file", paramLabel = "FILE", description = "with --status: file holding the agent's HTTP token")
    Path tokenFile;

    @Option(names = "--sweep", paramLabel = "FILE.json", description = "the JSON of 'ssm-edge sweep --json' (figures before pruning, weights, the sweep chart)")
    Path sweep;

    @Option(names = "--out", required = true, paramLabel = "FILE.html", description = "where to write the report")
    Path out;

    @Option(names = "--lang", defaultValue = "ja", paramLabel = "ja|en", description = "language of the report (default ${DEFAULT-VALUE})")
    String lang;

    @Option(names = "--windows-per-day", paramLabel = "N", description = "windows judged a day over all streams, for counts per day (default: from the sweep)")
    Double windowsPerDay;

    @Option(names = "--fault-share", paramLabel = "PERCENT", description = "share of windows that are faults, for counts per day (default: from the sweep)")
    Double faultShare;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        ObjectMapper json = new ObjectMapper();
        RolloutHistory h = source.journal != null ? RolloutHistory.fromJournal(source.journal)
                : RolloutHistory.fromStatus(source.status.toString(), json.readTree(fetch(source.status)));
        JsonNode sw = null;
        if (sweep != null) {
            try {
                sw = json.readTree(Files.readString(sweep, StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new IllegalArgumentException("--sweep: cannot read " + sweep + ": " + e.getMessage());
            }
            if (!sw.has("ratios") || !sw.path("methods").has("last")) {
                throw new IllegalArgumentException("--sweep: " + sweep + " is not the JSON of 'ssm-edge sweep --json' "
                        + "(expected \"ratios\" and \"methods\".\"last\")");
            }
        }
        if (faultShare != null && !(faultShare >= 0 && faultShare <= 100)) {
            throw new IllegalArgumentException("--fault-share: expected a percentage from 0 to 100, got " + faultShare);
        }
        if (windowsPerDay != null && !(windowsPerDay > 0)) {
            throw new IllegalArgumentException("--windows-per-day: expected a number above 0, got " + windowsPerDay);
        }
        MeetingReport r = new MeetingReport(h, sw, lang, windowsPerDay == null ? Double.NaN : windowsPerDay,
                faultShare == null ? Double.NaN : faultShare / 100);
        r.write(out);
        PrintWriter w = spec.commandLine().getOut();
        for (String s : r.summary()) {
            w.println(s);
        }
        w.println("Report: " + out.toAbsolutePath());
        w.flush();
        return 0;
    }

    private String fetch(URI url) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(10));
        if (tokenFile != null) {
            b.header("Authorization", "Bearer " + Files.readString(tokenFile, StandardCharsets.UTF_8).strip());
        }
        HttpResponse<String> resp = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()
                .send(b.build(), HttpResponse.BodyHandlers.ofString());
        if (resp.statusCode() == 401) {
            throw new IllegalArgumentException("--status: " + url + " asks for the token: give --token-file");
        }
        if (resp.statusCode() != 200) {
            throw new IllegalArgumentException("--status: " + url + " answered HTTP " + resp.statusCode());
        }
        return resp.body();
    }
}
