package io.ssmedge.agent.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ssmedge.agent.command.CommandName;
import io.ssmedge.agent.command.CommandResult;
import io.ssmedge.agent.config.AgentConfig;
import io.ssmedge.agent.config.HttpConfig;
import io.ssmedge.agent.config.ModelConfig;
import io.ssmedge.agent.config.MqttVersion;
import io.ssmedge.agent.config.OverflowPolicy;
import io.ssmedge.agent.config.TopicsConfig;
import io.ssmedge.agent.config.WindowConfig;
import io.ssmedge.agent.config.WorkersConfig;
import io.ssmedge.agent.daemon.Agent;
import io.ssmedge.agent.testing.TestBroker;
import io.ssmedge.agent.testing.Recording;
import io.ssmedge.agent.testing.TestClient;
import io.ssmedge.model.ModelLoader;
import io.ssmedge.model.SsmModel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The dashboard in a real browser: the system's Chromium driven through its chromedriver (Selenium; nothing is
 * downloaded: both programs come from the distribution and their paths are given explicitly). Starts the agent
 * against the embedded MQTT broker with a token, drives labeled traffic and a few bad messages, and checks what a person sees.
 * Screenshots (desktop and tablet width) go to target/dashboard-screenshots/.
 */
class DashboardBrowserTest {
    static final SsmModel MODEL = ModelLoader.loadEmbedded("s5-skab");
    static final ObjectMapper JSON = new ObjectMapper();
    static final String TOKEN = "dashboard-test-token-0123456789";
    static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path dir;
    TestBroker broker;
    Agent agent;
    TestClient client;
    ChromeDriver browser;
    final HttpClient http = HttpClient.newHttpClient();
    final AtomicReference<String> rolloutState = new AtomicReference<>("shadow");

    @AfterEach
    void stop() {
        if (browser != null) {
            browser.quit();
        }
        if (agent != null) {
            agent.stop();
        }
        if (client != null) {
            client.close();
        }
        if (broker != null) {
            broker.stop();
        }
    }

    /** Chromium and its driver from the system (or SSM_EDGE_CHROMIUM / SSM_EDGE_CHROMEDRIVER), null when absent. */
    static String[] findBrowser() {
        String b = firstExecutable(System.getenv("SSM_EDGE_CHROMIUM"), "/usr/bin/chromium", "/usr/bin/chromium-browser",
                "/usr/bin/google-chrome");
        String d = firstExecutable(System.getenv("SSM_EDGE_CHROMEDRIVER"), "/usr/bin/chromedriver",
                "/usr/lib/chromium/chromedriver", "/usr/lib/chromium-browser/chromedriver");
        return b == null || d == null ? null : new String[]{b, d};
    }

    private static String firstExecutable(String... paths) {
        for (String p : paths) {
            if (p != null && Files.isExecutable(Path.of(p))) {
                return p;
            }
        }
        return null;
    }

    AgentConfig config(int port, Path tokenFile) {
        AgentConfig d = AgentConfig.defaults();
        return d.withModel(new ModelConfig("embedded:s5-skab", "production", null, new WindowConfig(60, 8, false)))
                .withMqtt(d.mqtt().withPort(broker.port()).withVersion(MqttVersion.V5).withClientId("agent-dashboard"))
                .withTopics(new TopicsConfig("plant/+/sensors", 1, "plant/+/labels", 1, "plant/{stream}/predictions", 1,
                        "ssm-edge/{client_id}/status", "ssm-edge/{client_id}/errors"))
                .withWorkers(new WorkersConfig(2, 100_000, OverflowPolicy.BLOCK, 1000))
                .withHttp(new HttpConfig(true, "127.0.0.1", port, tokenFile, 65536));
    }

    /**
     * A stand-in for the staged rollout until it is merged: a rollout status in the documented format and pause /
     * resume handlers that change its state, registered through the same seams the rollout uses.
     */
    Agent startAgent(int port, Path tokenFile) {
        Agent a = Agent.start(config(port, tokenFile));
        a.commands().register(CommandName.PAUSE, c -> {
            rolloutState.set("paused");
            return CommandResult.ok("rollout paused by " + c.source());
        });
        a.commands().register(CommandName.RESUME, c -> {
            rolloutState.set("shadow");
            return CommandResult.ok("rollout resumed by " + c.source());
        });
        a.addStatusSection("rollout", this::rolloutStatus);
        return a;
    }

    JsonNode rolloutStatus() {
        try {
            ObjectNode r = (ObjectNode) JSON.readTree("{\"stage\":{\"index\":2,\"of\":4,\"ratio\":20,\"method\":\"last\"},"
                    + "\"serving\":{\"ratio\":10,\"model_version\":\"sha256:1a7e\",\"kept_states_per_layer\":[15,14,15,14],"
                    + "\"step_us\":2.62,\"bytes_per_stream\":604},"
                    + "\"original\":{\"ratio\":0,\"model_version\":\"sha256:9f2c\",\"kept_states_per_layer\":[16,16,16,16],"
                    + "\"step_us\":2.81,\"bytes_per_stream\":644},"
                    + "\"evidence\":{\"kind\":\"paired_accuracy\",\"n\":412,\"needed\":900,\"progress\":0.46,"
                    + "\"estimate\":0.004,\"lower\":-0.011,\"upper\":0.019,\"limit\":0.01},"
                    + "\"limits\":{\"max_accuracy_drop\":0.01,\"max_false_alarm_rate\":0.05,\"max_miss_rate\":0.30,"
                    + "\"min_agreement\":0.95}}");
            r.put("state", rolloutState.get());
            r.put("reason", rolloutState.get().equals("paused") ? "paused by http: operator request"
                    : "collecting paired evidence: 20 % pruned (LAST) beside 10 % pruned (LAST)");
            ArrayNode ev = r.putArray("events");
            try (var lines = Files.lines(Path.of(getClass().getResource("/meeting/events.jsonl").toURI()))) {
                lines.limit(9).forEach(l -> ev.add(read(l)));
            }
            return r;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static JsonNode read(String s) {
        try {
            return JSON.readTree(s);
        } catch (Exception e) {
            throw new AssertionError("not JSON: " + s, e);
        }
    }

    JsonNode status(String token) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + agent.httpPort()
                + "/api/status")).header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    String shown(String id) {
        return browser.findElement(By.id(id)).getText().strip();
    }

    /**
     * JavaScript's toFixed rounds the exact binary value of the double (1724.415 is stored as 1724.41499…, so
     * "1724.41"); Java's %.2f rounds its shortest decimal form ("1724.42"). BigDecimal(double) is the exact value.
     */
    static String toFixed(double v, int digits) {
        return new java.math.BigDecimal(v).setScale(digits, java.math.RoundingMode.HALF_UP).toPlainString();
    }

    static String pct(JsonNode v) {
        return v == null || v.isNull() ? "–" : toFixed(100 * v.asDouble(), 1) + " %";
    }

    static String ms(JsonNode v) {
        return toFixed(v.asDouble(), 2);
    }

    static String count(JsonNode v) {
        return String.format(Locale.ROOT, "%,d", v.asLong());
    }

    void screenshot(String name, int width) throws Exception {
        browser.manage().window().setSize(new Dimension(width, 900));
        Thread.sleep(300); // let the charts take the new width
        long height = (Long) browser.executeScript("return document.documentElement.scrollHeight;");
        browser.manage().window().setSize(new Dimension(width, (int) Math.min(height + 20, 6000)));
        browser.executeScript("window.scrollTo(0, 0)");
        Thread.sleep(300);
        Path out = Path.of("target", "dashboard-screenshots");
        Files.createDirectories(out);
        Files.write(out.resolve(name + ".png"), browser.getScreenshotAs(OutputType.BYTES));
    }

    @Test
    void plantManagerSeesTheAgentAsTheApiReportsIt() throws Exception {
        String[] found = findBrowser();
        Assumptions.assumeTrue(found != null, "no Chromium with chromedriver found (apt-get install chromium "
                + "chromium-driver): skipping the dashboard browser test");
        broker = TestBroker.Kind.EMBEDDED.start(dir); // the embedded broker: no system service needed
        Path tokenFile = Files.writeString(dir.resolve("token"), TOKEN + "\n");
        agent = startAgent(0, tokenFile);
        int port = agent.httpPort();
        assertThat(agent.subscriber().awaitReady(WAIT)).as("agent subscribed").isTrue();
        assertThat(agent.publisher().awaitReady(WAIT)).as("agent publisher connected").isTrue();
        client = new TestClient(broker.uri(), "dashboard-test-client").subscribe("plant/+/predictions");

        // labeled traffic on two streams and three bad messages for the error topic
        // sensor clock = this machine's clock (one sample a millisecond, the last one now), so latency is measured
        Recording rec = Recording.fixture(MODEL).at(io.ssmedge.agent.stream.Timestamps.nowMillis() - 480, 1);
        for (int i = 0; i < rec.rows(); i++) {
            client.publish("plant/pumpA/sensors", rec.json(i), 1);
            client.publish("plant/pumpB/sensors", rec.csv(i), 1);
            client.publish("plant/pumpA/labels", rec.label(i), 1);
            if (i % 3 == 0) {
                client.publish("plant/pumpB/labels", rec.label(i), 1);
            }
        }
        client.publish("plant/pumpC/sensors", "{\"ts\": 1, \"values\": [1, 2");
        client.publish("plant/pumpC/sensors", "{\"values\": [1, NaN, 3, 4, 5, 6, 7, 8]}");
        client.publish("plant/pumpB/sensors", "{\"values\": [1, 2, 3]}");
        int windows = rec.expectedLogp(MODEL, 60, 8).length / 2;
        await().atMost(WAIT).until(() -> client.on("/predictions").size() == 2 * windows);
        await().atMost(WAIT).until(() -> status(TOKEN).path("live_accuracy").path("labeled_predictions").asInt() >= windows
                && status(TOKEN).path("rejections_recent").size() == 3);

        ChromeOptions o = new ChromeOptions();
        o.setBinary(found[0]);
        o.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
                "--lang=en-US", "--window-size=1366,900", "--hide-scrollbars");
        System.setProperty("webdriver.chrome.driver", found[1]);
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(new File(found[1]))
                .usingAnyFreePort().build();
        browser = new ChromeDriver(service, o);
        browser.manage().timeouts().implicitlyWait(Duration.ZERO);
        browser.get("http://127.0.0.1:" + port + "/");

        // the page loads without the token, asks for it, and refuses a wrong one
        await().atMost(WAIT).until(() -> browser.findElement(By.id("login")).isDisplayed());
        assertThat(http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/status"))
                .header("Authorization", "Bearer wrong").build(), HttpResponse.BodyHandlers.ofString()).statusCode())
                .isEqualTo(401);
        browser.findElement(By.id("login-token")).sendKeys("wrong-token-wrong-token");
        browser.findElement(By.id("login-submit")).click();
        await().atMost(WAIT).until(() -> browser.findElement(By.id("login-error")).isDisplayed());
        assertThat(shown("login-error")).contains("refused");
        assertThat(shown("acc")).isEqualTo("–");
        browser.findElement(By.id("login-token")).sendKeys(TOKEN);
        browser.findElement(By.id("login-submit")).click();
        await().atMost(WAIT).until(() -> !browser.findElement(By.id("login")).isDisplayed());
        // the token lives in the tab's session storage only
        assertThat(browser.executeScript("return sessionStorage.getItem('ssmedge.token')")).isEqualTo(TOKEN);
        assertThat(browser.executeScript("return localStorage.length")).isEqualTo(0L);

        // every figure shown equals /api/status (traffic has stopped, so the figures hold still)
        JsonNode s = status(TOKEN);
        JsonNode live = s.get("live_accuracy");
        JsonNode e2e = s.get("metrics").get("latency_ms").get("end_to_end");
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            assertThat(shown("acc")).isEqualTo(pct(live.get("accuracy")));
            assertThat(shown("far")).isEqualTo(pct(live.get("false_alarm_rate")));
            assertThat(shown("miss")).isEqualTo(pct(live.get("miss_rate")));
            assertThat(shown("labels")).isEqualTo(count(live.get("labeled_predictions")));
        });
        assertThat(shown("p50")).isEqualTo(ms(e2e.get("p50")));
        assertThat(shown("p99")).isEqualTo(ms(e2e.get("p99")));
        assertThat(shown("predictions")).isEqualTo(count(s.get("metrics").get("predictions")));
        assertThat(shown("streams-count")).isEqualTo(count(s.get("streams_total")));
        assertThat(shown("model-name")).isEqualTo(s.get("model").get("name").asText());
        assertThat(shown("model-stage")).isEqualTo("production");
        assertThat(shown("far-limit")).isEqualTo("limit ≤ 5.0 %");
        assertThat(shown("miss-limit")).isEqualTo("limit ≤ 30.0 %");
        List<WebElement> rows = browser.findElements(By.cssSelector("#streams-table tbody tr"));
        assertThat(rows).hasSize(s.get("streams").size());
        for (int i = 0; i < rows.size(); i++) {
            JsonNode st = s.get("streams").get(i);
            List<WebElement> cells = rows.get(i).findElements(By.tagName("td"));
            assertThat(cells.get(0).getText()).isEqualTo(st.get("stream").asText());
            assertThat(cells.get(2).getText()).isEqualTo(st.path("last_class").asText("–"));
            assertThat(cells.get(3).getText()).isEqualTo(pct(st.get("live_accuracy").get("accuracy")));
            assertThat(cells.get(5).getText()).isEqualTo(count(st.get("samples")));
            assertThat(cells.get(6).getText()).isEqualTo(count(st.get("rejected")));
        }
        List<WebElement> rejections = browser.findElements(By.cssSelector("#rejections-table tbody tr"));
        assertThat(rejections).hasSize(3);
        assertThat(rejections.get(0).getText()).contains("pumpB").contains("wrong_channel_count");
        assertThat(browser.findElements(By.cssSelector("#layers .row"))).hasSize(4);
        assertThat(shown("layers")).contains("15 / 16");
        assertThat(browser.findElements(By.cssSelector("#timeline li"))).hasSize(9);
        assertThat(browser.findElements(By.cssSelector("#chart-latency canvas"))).isNotEmpty();

        // search narrows the table (asked of the agent, so it works with thousands of streams)
        browser.findElement(By.id("stream-search")).sendKeys("pumpB");
        await().atMost(Duration.ofSeconds(10)).until(() ->
                browser.findElements(By.cssSelector("#streams-table tbody tr")).size() == 1);
        assertThat(shown("streams-table")).contains("pumpB").doesNotContain("pumpA");
        browser.findElement(By.id("stream-search")).clear();
        browser.executeScript("document.getElementById('stream-search').dispatchEvent(new Event('input'))");

        screenshot("desktop-en", 1366);

        // what one open page costs: the status poll (every 5 s) as the browser gets it, gzip-compressed
        HttpResponse<byte[]> poll = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                        + "/api/status?streams_limit=50")).header("Authorization", "Bearer " + TOKEN)
                .header("Accept-Encoding", "gzip").build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(poll.headers().firstValue("content-encoding")).hasValue("gzip");
        assertThat(poll.body().length).as("bytes per status poll").isLessThan(5 * 1024); // < 1 KB/s

        // Japanese / English switch
        assertThat(browser.findElement(By.cssSelector("html")).getAttribute("lang")).isEqualTo("en");
        browser.findElement(By.id("lang-toggle")).click();
        assertThat(browser.findElement(By.cssSelector("html")).getAttribute("lang")).isEqualTo("ja");
        assertThat(shown("rollout-state")).isEqualTo("並行試験中");
        assertThat(browser.findElement(By.cssSelector("[data-i18n='card.quality']")).getText()).isEqualTo("現在の判定品質（ラベル付き）");

        // pause with confirmation: the command goes to the agent's dispatcher and the shown state changes
        browser.findElement(By.id("btn-pause")).click();
        await().atMost(Duration.ofSeconds(5)).until(() -> browser.findElement(By.id("confirm")).isDisplayed());
        assertThat(shown("confirm-text")).contains("一時停止");
        browser.findElement(By.id("confirm-yes")).click();
        await().atMost(Duration.ofSeconds(15)).until(() -> shown("rollout-state").equals("一時停止中"));
        assertThat(rolloutState.get()).isEqualTo("paused");
        assertThat(shown("cmd-result")).contains("rollout paused by http");
        // cancelling does nothing
        browser.findElement(By.id("btn-resume")).click();
        browser.findElement(By.id("confirm-no")).click();
        Thread.sleep(500);
        assertThat(rolloutState.get()).isEqualTo("paused");

        screenshot("desktop-ja", 1366);
        screenshot("tablet-ja", 820);

        // the agent restarts (same port): the page says so, then carries on by itself
        agent.stop();
        await().atMost(WAIT).until(() -> "down".equals(browser.findElement(By.id("conn")).getAttribute("data-state")));
        agent = startAgent(port, tokenFile);
        await().atMost(WAIT).until(() -> "live".equals(browser.findElement(By.id("conn")).getAttribute("data-state")));
        assertThat(shown("predictions")).isEqualTo("0");
    }
}
