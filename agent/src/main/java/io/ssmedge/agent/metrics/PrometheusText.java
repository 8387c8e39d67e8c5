package io.ssmedge.agent.metrics;

import java.util.Locale;

/** Builds the Prometheus text exposition format (version 0.0.4). */
public final class PrometheusText {
    private final StringBuilder out = new StringBuilder(8192);

    /** Starts a metric family with its HELP and TYPE lines. */
    public PrometheusText family(String name, String type, String help) {
        out.append("# HELP ").append(name).append(' ').append(help.replace("\\", "\\\\").replace("\n", "\\n"))
                .append('\n').append("# TYPE ").append(name).append(' ').append(type).append('\n');
        return this;
    }

    public PrometheusText sample(String name, double value, String... labels) {
        out.append(name);
        if (labels.length > 0) {
            out.append('{');
            for (int i = 0; i + 1 < labels.length; i += 2) {
                out.append(i == 0 ? "" : ",").append(labels[i]).append("=\"").append(escape(labels[i + 1])).append('"');
            }
            out.append('}');
        }
        out.append(' ').append(number(value)).append('\n');
        return this;
    }

    /** One metric with a single sample. */
    public PrometheusText single(String name, String type, String help, double value) {
        return family(name, type, help).sample(name, value);
    }

    /** A latency snapshot as a summary in seconds (quantiles 0.5, 0.99, 0.999, _count, _sum). */
    public PrometheusText summary(String name, LatencySnapshot s, String... labels) {
        String[] q = new String[labels.length + 2];
        System.arraycopy(labels, 0, q, 0, labels.length);
        q[labels.length] = "quantile";
        double[][] points = {{0.5, s.p50()}, {0.99, s.p99()}, {0.999, s.p999()}};
        for (double[] p : points) {
            q[labels.length + 1] = number(p[0]);
            sample(name, p[1] / 1e6, q);
        }
        sample(name + "_count", s.count(), labels);
        sample(name + "_sum", s.mean() * s.count() / 1e6, labels);
        return this;
    }

    static String escape(String v) {
        return v.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }

    static String number(double v) {
        if (Double.isNaN(v)) {
            return "NaN";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "+Inf" : "-Inf";
        }
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        return String.format(Locale.ROOT, "%.9g", v).replaceAll("0+(e|$)", "$1").replaceAll("\\.(e|$)", "$1");
    }

    @Override
    public String toString() {
        return out.toString();
    }
}
