package io.ssmedge.agent.testing;

import io.prometheus.metrics.expositionformats.generated.com_google_protobuf_4_36_2.Metrics;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A /metrics scrape in the Prometheus protobuf format, parsed with the protobuf classes generated from Prometheus'
 * metrics.proto (shipped, shaded, with the client library): an independent decoder of what the agent serves.
 */
public final class Scrape {
    /** The Accept header a Prometheus server sends for the protobuf format. */
    public static final String PROTOBUF_ACCEPT =
            "application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited";

    private final Map<String, Metrics.MetricFamily> families = new LinkedHashMap<>();

    private Scrape(InputStream in) throws IOException {
        for (Metrics.MetricFamily f; (f = Metrics.MetricFamily.parseDelimitedFrom(in)) != null; ) {
            if (families.put(f.getName(), f) != null) {
                throw new IllegalStateException("metric family " + f.getName() + " appears twice");
            }
        }
    }

    public static Scrape parse(byte[] protobuf) {
        try {
            return new Scrape(new ByteArrayInputStream(protobuf));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Map<String, Metrics.MetricFamily> families() {
        return families;
    }

    public Metrics.MetricFamily family(String name) {
        Metrics.MetricFamily f = families.get(name);
        if (f == null) {
            throw new AssertionError("no metric family " + name + " in " + families.keySet());
        }
        return f;
    }

    /** The series of {@code family} whose labels include all the given name/value pairs. */
    public Optional<Metrics.Metric> series(String family, String... labelPairs) {
        return family(family).getMetricList().stream().filter(m -> hasLabels(m.getLabelList(), labelPairs)).findFirst();
    }

    private static boolean hasLabels(List<Metrics.LabelPair> labels, String... pairs) {
        for (int i = 0; i + 1 < pairs.length; i += 2) {
            String n = pairs[i];
            String v = pairs[i + 1];
            if (labels.stream().noneMatch(l -> l.getName().equals(n) && l.getValue().equals(v))) {
                return false;
            }
        }
        return true;
    }

    /** Value of a counter series (throws when absent). */
    public double counter(String family, String... labelPairs) {
        return series(family, labelPairs).orElseThrow(() -> new AssertionError("no series " + family
                + List.of(labelPairs))).getCounter().getValue();
    }

    /** Value of a gauge series (throws when absent). */
    public double gauge(String family, String... labelPairs) {
        return series(family, labelPairs).orElseThrow(() -> new AssertionError("no series " + family
                + List.of(labelPairs))).getGauge().getValue();
    }

    public Metrics.Histogram histogram(String family, String... labelPairs) {
        return series(family, labelPairs).orElseThrow(() -> new AssertionError("no series " + family
                + List.of(labelPairs))).getHistogram();
    }
}
