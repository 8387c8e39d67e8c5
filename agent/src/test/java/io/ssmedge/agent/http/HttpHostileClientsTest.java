package io.ssmedge.agent.http;

import io.ssmedge.agent.command.CommandDispatcher;
import io.ssmedge.agent.config.HttpConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Clients that pipeline, trickle, hoard connections or speak HTTP/1.0, against the real Netty server. */
@Tag("chaos")
class HttpHostileClientsTest {
    HttpServer server;

    final StatusPages pages = new StatusPages() {
        final CommandDispatcher commands = new CommandDispatcher();

        @Override
        public CommandDispatcher commands() {
            return commands;
        }

        @Override
        public boolean ready() {
            return true;
        }

        @Override
        public String readiness() {
            return "";
        }

        @Override
        public io.ssmedge.agent.metrics.MetricsExposition metrics(String accept) {
            return new io.ssmedge.agent.metrics.MetricsExposition("text/plain; version=0.0.4; charset=utf-8",
                    "x 1\n".getBytes(StandardCharsets.UTF_8));
        }

        @Override
        public byte[] statusJson() {
            return "{}".getBytes(StandardCharsets.UTF_8);
        }
    };

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    Socket connect() throws IOException {
        Socket s = new Socket("127.0.0.1", server.port());
        s.setSoTimeout(5000);
        return s;
    }

    /** Reads until the peer closes or {@code millis} pass without data. */
    static String readAll(Socket s, int millis) throws IOException {
        s.setSoTimeout(millis);
        InputStream in = s.getInputStream();
        StringBuilder b = new StringBuilder();
        byte[] buf = new byte[4096];
        try {
            int n;
            while ((n = in.read(buf)) > 0) {
                b.append(new String(buf, 0, n, StandardCharsets.ISO_8859_1));
            }
        } catch (SocketTimeoutException e) {
            // nothing more came
        }
        return b.toString();
    }

    static int count(String text, String part) {
        int n = 0;
        for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) {
            n++;
        }
        return n;
    }

    @Test
    void pipelinedRequestsAreEachAnsweredInOrder() throws Exception {
        server = HttpServer.start(new HttpConfig(true, "127.0.0.1", 0, null, 4096), pages);
        try (Socket s = connect()) {
            OutputStream out = s.getOutputStream();
            out.write(("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"
                    + "GET /nothing HTTP/1.1\r\nHost: x\r\n\r\n"
                    + "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String answer = readAll(s, 1500);
            assertThat(count(answer, "HTTP/1.1 ")).as(answer).isEqualTo(3);
            int ok = answer.indexOf("HTTP/1.1 200");
            int missing = answer.indexOf("HTTP/1.1 404");
            int metrics = answer.indexOf("x 1");
            assertThat(ok).isLessThan(missing);
            assertThat(missing).isLessThan(metrics);
        }
    }

    @Test
    void http10RequestGetsHttp10StatusLine() throws Exception {
        server = HttpServer.start(new HttpConfig(true, "127.0.0.1", 0, null, 4096), pages);
        try (Socket s = connect()) {
            s.getOutputStream().write("GET /healthz HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            String answer = readAll(s, 1500);
            assertThat(answer).startsWith("HTTP/1.0 200 OK");
        }
    }

    @Test
    void trickledRequestIsCutOffAtTheDeadline() throws Exception {
        server = HttpServer.start(new HttpConfig(true, "127.0.0.1", 0, null, 4096, 64, 1), pages);
        try (Socket s = connect()) {
            OutputStream out = s.getOutputStream();
            out.write("GET /healthz HTTP/1.1\r\n".getBytes(StandardCharsets.US_ASCII));
            long start = System.nanoTime();
            boolean closed = false;
            for (int i = 0; i < 8 && !closed; i++) { // one header line every 400 ms: a read timeout never fires
                Thread.sleep(400);
                try {
                    out.write(("X-Slow-" + i + ": 1\r\n").getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                    s.setSoTimeout(1);
                    closed = s.getInputStream().read() < 0;
                } catch (SocketTimeoutException e) {
                    // still open
                } catch (IOException e) {
                    closed = true; // reset by the server
                }
            }
            assertThat(closed).as("connection closed by the server").isTrue();
            assertThat((System.nanoTime() - start) / 1e9).isLessThan(3.0);
        }
    }

    @Test
    void connectionsBeyondTheCapAreClosed() throws Exception {
        server = HttpServer.start(new HttpConfig(true, "127.0.0.1", 0, null, 4096, 4, 30), pages);
        List<Socket> held = new ArrayList<>();
        try {
            for (int i = 0; i < 4; i++) {
                held.add(connect());
            }
            Thread.sleep(200);
            try (Socket extra = connect()) {
                extra.getOutputStream().write("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                assertThat(readAll(extra, 1500)).as("fifth connection").isEmpty();
            } catch (IOException e) {
                // reset: refused as well
            }
            held.remove(0).close();
            Thread.sleep(200);
            try (Socket again = connect()) {
                again.getOutputStream().write("GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
                        .getBytes(StandardCharsets.US_ASCII));
                assertThat(readAll(again, 1500)).startsWith("HTTP/1.1 200");
            }
        } finally {
            for (Socket s : held) {
                s.close();
            }
        }
    }
}
