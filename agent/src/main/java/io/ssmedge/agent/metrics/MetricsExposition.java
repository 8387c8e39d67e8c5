package io.ssmedge.agent.metrics;

import io.prometheus.metrics.expositionformats.ExpositionFormatWriter;
import io.prometheus.metrics.expositionformats.ExpositionFormats;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * /metrics in the format the scraper asks for with its Accept header: OpenMetrics text, the Prometheus protobuf
 * format (with native histograms) or, by default, the Prometheus text format 0.0.4 (the client library's writers).
 *
 * @param contentType the Content-Type of the body
 * @param body        the encoded metrics
 */
public record MetricsExposition(String contentType, byte[] body) {
    private static final ExpositionFormats FORMATS = ExpositionFormats.init();

    /** Encodes everything in {@code registry}; {@code accept} may be null (the text format). */
    public static MetricsExposition of(PrometheusRegistry registry, String accept) {
        ExpositionFormatWriter w = FORMATS.findWriter(accept);
        ByteArrayOutputStream out = new ByteArrayOutputStream(16384);
        try {
            w.write(out, registry.scrape());
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a ByteArrayOutputStream does not fail
        }
        return new MetricsExposition(w.getContentType(), out.toByteArray());
    }
}
