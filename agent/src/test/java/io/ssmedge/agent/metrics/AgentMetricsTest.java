package io.ssmedge.agent.metrics;

import io.prometheus.metrics.expositionformats.generated.com_google_protobuf_4_36_2.Metrics;
import io.ssmedge.agent.stream.RejectReason;
import io.ssmedge.agent.testing.Scrape;
import io.ssmedge.agent.testing.TextFormat;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class AgentMetricsTest {
    private final AgentMetrics m = new AgentMetrics("sha256:0123456789ab", "canary");

    private Scrape scrape() {
        MetricsExposition e = MetricsExposition.of(m.registry(), Scrape.PROTOBUF_ACCEPT);
        assertThat(e.contentType()).startsWith("application/vnd.google.protobuf");
        return Scrape.parse(e.body());
    }

    @Test
    void countersAreServedWithTheirLabelsAndNeverGoDown() {
        m.sensorMessages.add(5);
        m.labelMessages.increment();
        m.samples.add(120);
        m.samples.add(-7); // ignored: a counter only goes up
        m.predictions.increment();
        m.rejected(RejectReason.BAD_JSON);
        m.rejected(RejectReason.BAD_JSON);

        Scrape s = scrape();
        assertThat(s.family("ssm_edge_messages_received_total").getType()).isEqualTo(Metrics.MetricType.COUNTER);
        assertThat(s.counter("ssm_edge_messages_received_total", "kind", "sensor")).isEqualTo(5);
        assertThat(s.counter("ssm_edge_messages_received_total", "kind", "label")).isEqualTo(1);
        assertThat(s.counter("ssm_edge_samples_total", "model_version", "sha256:0123456789ab", "stage", "canary"))
                .isEqualTo(120);
        assertThat(s.counter("ssm_edge_rejected_messages_total", "reason", "bad_json")).isEqualTo(2);
        assertThat(s.counter("ssm_edge_rejected_messages_total", "reason", "too_large")).isZero();

        m.samples.add(30);
        assertThat(scrape().counter("ssm_edge_samples_total")).isEqualTo(150);
    }

    @Test
    void anotherModelVersionGetsItsOwnSeries() {
        m.predictions.add(3);
        m.predictions.with("sha256:fedcba987654", "shadow").add(2);
        Scrape s = scrape();
        assertThat(s.counter("ssm_edge_predictions_total", "model_version", "sha256:0123456789ab")).isEqualTo(3);
        assertThat(s.counter("ssm_edge_predictions_total", "model_version", "sha256:fedcba987654", "stage", "shadow"))
                .isEqualTo(2);
        assertThat(m.predictions.sum()).isEqualTo(3);
        assertThat(m.predictions.total()).isEqualTo(5);
    }

    @Test
    void latencyStagesAreHistogramsInSeconds() {
        m.inference.record(150);     // 150 µs
        m.inference.record(2_000);   // 2 ms
        m.queueWait.record(-5);      // negative counts as 0
        m.endToEnd.with("sha256:fedcba987654", "shadow").record(40_000);

        Scrape s = scrape();
        assertThat(s.family("ssm_edge_inference_seconds").getType()).isEqualTo(Metrics.MetricType.HISTOGRAM);
        Metrics.Histogram h = s.histogram("ssm_edge_inference_seconds", "model_version", "sha256:0123456789ab",
                "stage", "canary");
        assertThat(h.getSampleCount()).isEqualTo(2);
        assertThat(h.getSampleSum()).isCloseTo(0.00215, within(1e-12));
        assertThat(h.getBucketList()).anySatisfy(b -> {
            assertThat(b.getUpperBound()).isEqualTo(0.00025);
            assertThat(b.getCumulativeCount()).isEqualTo(1);
        });
        assertThat(h.getSchema()).as("native buckets in the protobuf format").isNotZero();
        assertThat(s.histogram("ssm_edge_queue_wait_seconds").getSampleSum()).isZero();
        assertThat(s.histogram("ssm_edge_end_to_end_seconds", "stage", "shadow").getSampleCount()).isEqualTo(1);
        assertThat(s.histogram("ssm_edge_publish_seconds").getSampleCount()).isZero();
        // the /api/status figures count every label value of the stage
        assertThat(m.endToEnd.total().count()).isEqualTo(1);
    }

    @Test
    void jvmAndProcessMetricsAreIncluded() {
        Scrape s = scrape();
        assertThat(s.families()).containsKeys("jvm_memory_used_bytes", "jvm_threads_current", "process_cpu_seconds_total",
                "process_start_time_seconds");
        if (java.nio.file.Files.isReadable(java.nio.file.Path.of("/proc/self/status"))) {
            assertThat(s.gauge("process_resident_memory_bytes")).isPositive();
        }
    }

    @Test
    void openMetricsWhenAskedAndTheTextFormatByDefault() {
        m.samples.add(4);
        MetricsExposition om = MetricsExposition.of(m.registry(), "application/openmetrics-text; version=1.0.0");
        assertThat(om.contentType()).startsWith("application/openmetrics-text");
        String text = new String(om.body(), StandardCharsets.UTF_8);
        assertThat(text).endsWith("# EOF\n").contains("# TYPE ssm_edge_samples counter");

        MetricsExposition plain = MetricsExposition.of(m.registry(), null);
        assertThat(plain.contentType()).isEqualTo("text/plain; version=0.0.4; charset=utf-8");
        Map<String, Double> series = TextFormat.parseStrict(new String(plain.body(), StandardCharsets.UTF_8));
        assertThat(series).containsEntry("ssm_edge_samples_total{model_version=\"sha256:0123456789ab\",stage=\"canary\"}",
                4.0);
    }
}
