package io.ssmedge.agent.daemon;

import io.ssmedge.agent.config.AgentConfig;
import io.ssmedge.agent.config.HttpConfig;
import io.ssmedge.agent.config.ModelConfig;
import io.ssmedge.agent.config.WindowConfig;
import io.ssmedge.agent.testing.Scrape;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** The real agent's /metrics page, with no broker (the agent keeps trying to connect meanwhile). */
class AgentMetricsPageTest {
    private Agent agent;

    @AfterEach
    void stop() {
        if (agent != null) {
            agent.stop();
        }
    }

    private HttpResponse<byte[]> get(String accept) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + agent.httpPort() + "/metrics"));
        if (accept != null) {
            b.header("Accept", accept);
        }
        return HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    @Test
    void servesTheAgentsGaugesCountersAndHistogramsInEveryFormat() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort(); // nothing listens there once closed: the agent stays disconnected
        }
        AgentConfig d = AgentConfig.defaults();
        agent = Agent.start(d.withModel(new ModelConfig("embedded:s5-skab", "canary", null,
                        new WindowConfig(60, 60, false)))
                .withMqtt(d.mqtt().withPort(closedPort).withClientId("metrics-page-test"))
                .withHttp(new HttpConfig(true, "127.0.0.1", 0, null, 65536)));

        HttpResponse<byte[]> proto = get(Scrape.PROTOBUF_ACCEPT);
        assertThat(proto.statusCode()).isEqualTo(200);
        Scrape s = Scrape.parse(proto.body());
        String version = agent.deployments().serving().version();
        assertThat(s.series("ssm_edge_model_info", "model_version", version, "stage", "canary",
                "name", "embedded:s5-skab")).isPresent();
        assertThat(s.gauge("ssm_edge_streams")).isZero();
        assertThat(s.gauge("ssm_edge_mqtt_connected", "connection", "sensors")).isZero();
        assertThat(s.gauge("ssm_edge_model_weight_bytes")).isPositive();
        assertThat(s.gauge("ssm_edge_queue_depth", "worker", "0")).isZero();
        assertThat(s.counter("ssm_edge_samples_total", "model_version", version, "stage", "canary")).isZero();
        assertThat(s.histogram("ssm_edge_inference_seconds", "model_version", version).getSampleCount()).isZero();
        assertThat(s.families()).containsKeys("ssm_edge_live_accuracy", "ssm_edge_mqtt_reconnects_total",
                "ssm_edge_uptime_seconds", "jvm_memory_used_bytes", "process_cpu_seconds_total");

        HttpResponse<byte[]> text = get(null);
        assertThat(text.headers().firstValue("content-type")).hasValue("text/plain; version=0.0.4; charset=utf-8");
        assertThat(io.ssmedge.agent.testing.TextFormat.parseStrict(
                new String(text.body(), StandardCharsets.UTF_8))).containsKey("ssm_edge_streams");
        HttpResponse<byte[]> om = get("application/openmetrics-text; version=1.0.0; charset=utf-8");
        assertThat(om.headers().firstValue("content-type").orElseThrow()).startsWith("application/openmetrics-text");
        assertThat(new String(om.body(), StandardCharsets.UTF_8)).endsWith("# EOF\n");
    }
}
