package io.ssmedge.agent.http;

import io.ssmedge.agent.command.CommandDispatcher;
import io.ssmedge.agent.command.CommandName;
import io.ssmedge.agent.command.CommandResult;

import io.ssmedge.agent.config.HttpConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The real Netty server with a stub behind it. */
class HttpServerTest {
    static final String TOKEN = "0123456789abcdef0123";
    final HttpClient http = HttpClient.newHttpClient();
    HttpServer server;
    volatile boolean ready;

    final CommandDispatcher commands = new CommandDispatcher();

    volatile String lastAccept;
    final StatusPages pages = new StatusPages() {
        @Override
        public CommandDispatcher commands() {
            return commands;
        }

        @Override
        public boolean ready() {
            return ready;
        }

        @Override
        public String readiness() {
            return ready ? "" : "not connected to the broker";
        }

        @Override
        public io.ssmedge.agent.metrics.MetricsExposition metrics(String accept) {
            lastAccept = accept;
            return new io.ssmedge.agent.metrics.MetricsExposition("text/plain; version=0.0.4; charset=utf-8",
                    "# TYPE x counter\nx 1\n".getBytes(StandardCharsets.UTF_8));
        }

        @Override
        public byte[] statusJson() {
            return "{\"ok\":true}".getBytes(StandardCharsets.UTF_8);
        }
    };

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    HttpResponse<String> get(String path, String auth) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path));
        if (auth != null) {
            b.header("Authorization", auth);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void pagesWithoutToken() throws Exception {
        server = HttpServer.start(new HttpConfig(true, "127.0.0.1", 0, null, 4096), pages);
        assertThat(get("/healthz", null).statusCode()).isEqualTo(200);
        HttpResponse<String> notReady = get("/readyz", null);
        assertThat(notReady.statusCode()).isEqualTo(503);
        assertThat(notReady.body()).contains("not connected to the broker");
        ready = true;
        assertThat(get("/readyz", null).statusCode()).isEqualTo(200);
        HttpResponse<String> metrics = get("/metrics", null);
        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.headers().firstValue("content-type")).hasValue("text/plain; version=0.0.4; charset=utf-8");
        assertThat(metrics.body()).isEqualTo("# TYPE x counter\nx 1\n");
        assertThat(get("/api/status", null).body()).isEqualTo("{\"ok\":true}");
        assertThat(get("/nothing", null).statusCode()).isEqualTo(404);
        HttpResponse<String> post = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port()
                + "/metrics")).POST(HttpRequest.BodyPublishers.ofString("x")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(post.statusCode()).isEqualTo(405);
    }

    @Test
    void oversizedRequestIsRefused() throws Exception {
        server = HttpServer.start(new HttpConfig(true, "127.0.0.1", 0, null, 1024), pages);
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port()
                        + "/api/status")).method("GET", HttpRequest.BodyPublishers.ofString("x".repeat(5000))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(413);
        assertThat(get("/healthz", null).statusCode()).isEqualTo(200); // the server goes on
    }

    @Test
    void tokenGuardsEverythingBeyondHealth(@TempDir Path dir) throws Exception {
        Path tokenFile = Files.writeString(dir.resolve("token"), TOKEN + "\n");
        server = HttpServer.start(new HttpConfig(true, "127.0.0.1", 0, tokenFile, 4096), pages);
        assertThat(get("/healthz", null).statusCode()).isEqualTo(200);
        assertThat(get("/readyz", null).statusCode()).isEqualTo(503);
        HttpResponse<String> denied = get("/metrics", null);
        assertThat(denied.statusCode()).isEqualTo(401);
        assertThat(denied.body()).contains("Authorization: Bearer");
        assertThat(get("/api/status", "Bearer wrong").statusCode()).isEqualTo(401);
        assertThat(get("/api/status", "Bearer " + TOKEN).statusCode()).isEqualTo(200);
        assertThat(get("/metrics", "Bearer " + TOKEN).statusCode()).isEqualTo(200);
    }

    @Test
    void dashboardPageNeedsNoTokenButItsDataDoes(@TempDir Path dir) throws Exception {
        Path tokenFile = Files.writeString(dir.resolve("token"), TOKEN + "\n");
        server = HttpServer.start(new HttpConfig(true, "127.0.0.1", 0, tokenFile, 4096), pages);
        HttpResponse<String> page = get("/", null);
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("content-type")).hasValue("text/html; charset=utf-8");
        assertThat(page.headers().firstValue("content-security-policy")).hasValueSatisfying(v -> assertThat(v)
                .startsWith("default-src 'self'"));
        // everything the page loads comes from the agent itself
        assertThat(page.body()).contains("/assets/app.js").contains("/assets/uPlot.iife.min.js")
                .doesNotContain("http:").doesNotContain("https:").doesNotContain("//cdn");
        for (String asset : new String[]{"/assets/app.js", "/assets/app.css", "/assets/uPlot.iife.min.js",
            "/assets/uPlot.min.css"}) {
            HttpResponse<String> r = get(asset, null);
            assertThat(r.statusCode()).as(asset).isEqualTo(200);
            assertThat(r.body()).as(asset).isNotEmpty();
        }
        assertThat(get("/assets/app.js", null).body()).doesNotContain("http://").doesNotContain("https://");
        assertThat(get("/assets/nothing.js", null).statusCode()).isEqualTo(401); // unknown: same rules as any page
        assertThat(get("/api/history", null).statusCode()).isEqualTo(401);
        HttpResponse<String> h = get("/api/history?since=0", "Bearer " + TOKEN);
        assertThat(h.statusCode()).isEqualTo(200);
        assertThat(h.body()).contains("\"points\":[]");
        HttpResponse<byte[]> gz = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port()
                + "/assets/uPlot.iife.min.js")).header("Accept-Encoding", "gzip").build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(gz.headers().firstValue("content-encoding")).hasValue("gzip"); // what a browser gets
        String plain = get("/assets/uPlot.iife.min.js", null).body();
        assertThat(new String(new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(gz.body())).readAllBytes(),
                StandardCharsets.UTF_8)).isEqualTo(plain);
        assertThat(gz.body().length).isLessThan(plain.length() / 2);
    }

    @Test
    void clearErrors(@TempDir Path dir) throws Exception {
        Path shortToken = Files.writeString(dir.resolve("t"), "abc");
        assertThatThrownBy(() -> HttpServer.start(new HttpConfig(true, "127.0.0.1", 0, shortToken, 4096), pages))
                .isInstanceOf(HttpServerException.class).hasMessageContaining("at least 16");
        server = HttpServer.start(new HttpConfig(true, "127.0.0.1", 0, null, 4096), pages);
        int taken = server.port();
        assertThatThrownBy(() -> HttpServer.start(new HttpConfig(true, "127.0.0.1", taken, null, 4096), pages))
                .isInstanceOf(HttpServerException.class).hasMessageContaining("cannot listen on 127.0.0.1:" + taken);
    }

    HttpResponse<String> post(String path, String auth) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .POST(HttpRequest.BodyPublishers.noBody());
        if (auth != null) {
            b.header("Authorization", auth);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void commandsGoThroughTheDispatcherWithTheToken(@TempDir Path dir) throws Exception {
        Path tokenFile = dir.resolve("token");
        Files.writeString(tokenFile, TOKEN + "\n");
        server = HttpServer.start(new HttpConfig(true, "127.0.0.1", 0, tokenFile, 4096), pages);
        java.util.List<String> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        commands.register(CommandName.PAUSE, c -> {
            seen.add(c.name().wire() + "@" + c.source());
            return CommandResult.ok("paused");
        });
        commands.register(CommandName.RESET_STREAM, c -> CommandResult.rejected("no stream " + c.args().get("stream")));

        assertThat(post("/api/commands/pause", null).statusCode()).isEqualTo(401);
        assertThat(seen).isEmpty();
        HttpResponse<String> ok = post("/api/commands/pause", "Bearer " + TOKEN);
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(ok.body()).contains("\"accepted\":true").contains("paused");
        assertThat(seen).containsExactly("pause@http");
        HttpResponse<String> refused = post("/api/commands/reset-stream?stream=p7", "Bearer " + TOKEN);
        assertThat(refused.statusCode()).isEqualTo(409);
        assertThat(refused.body()).contains("no stream p7");
        assertThat(post("/api/commands/rollback", "Bearer " + TOKEN).body()).contains("not available");
        assertThat(post("/api/commands/explode", "Bearer " + TOKEN).statusCode()).isEqualTo(404);
        assertThat(get("/api/commands/pause", "Bearer " + TOKEN).statusCode()).isEqualTo(405);
    }
}
