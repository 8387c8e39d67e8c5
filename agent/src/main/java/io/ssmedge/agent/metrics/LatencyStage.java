package io.ssmedge.agent.metrics;

import io.prometheus.metrics.core.datapoints.DistributionDataPoint;
import io.prometheus.metrics.core.metrics.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Latency of one stage of the pipeline, in microseconds. Each value goes to two places: the stage's Prometheus
 * histogram (in seconds, served by /metrics; Prometheus computes rates and quantiles over any time range from it)
 * and an HdrHistogram {@link Recorder} (wait-free) behind the exact percentiles of /api/status and of the periodic
 * log line. Readers take the recorder's interval histogram (with a recycled buffer) and add it to two totals:
 * everything since start, and the current reporting interval, which {@link #endInterval()} turns into the
 * "recent" figures.
 */
public final class LatencyStage {
    /** Values above one hour are clamped (a sensor clock far off must not break the histogram). */
    static final long MAX_MICROS = 3_600_000_000L;
    /**
     * Significant digits of the status figures: 2 = each value is kept to within 1 % (e.g. 4.83 ms as 4.80-4.83 ms).
     * One histogram from 1 µs to an hour then takes 26 KB instead of 188 KB at 3 digits; each stage keeps up to five (the
     * recorder's two, its recycled copy, total, window), so the agent's four stages hold 0.5 MB instead of 3.8 MB,
     * a quarter of the idle agent's heap (issue #12). Prometheus' buckets are far coarser than 1 %.
     */
    static final int DIGITS = 2;

    private final String name;
    private final String help;
    private final Histogram histogram;
    private final DistributionDataPoint point; // the series record() writes to
    private final Figures figures;             // shared by all label values of this stage

    /** The HdrHistogram side: one per stage, whatever the label values. */
    private static final class Figures {
        final Recorder recorder = new Recorder(MAX_MICROS, DIGITS);
        final org.HdrHistogram.Histogram total = new org.HdrHistogram.Histogram(MAX_MICROS, DIGITS);
        final org.HdrHistogram.Histogram window = new org.HdrHistogram.Histogram(MAX_MICROS, DIGITS);
        org.HdrHistogram.Histogram recycled;
        LatencySnapshot recent = LatencySnapshot.EMPTY;

        void drain() {
            recycled = recorder.getIntervalHistogram(recycled);
            total.add(recycled);
            window.add(recycled);
        }
    }

    /**
     * @param histogram   the stage's Prometheus histogram (seconds)
     * @param labelValues the label values of the series {@link #record(long)} writes to
     */
    LatencyStage(String name, String help, Histogram histogram, String... labelValues) {
        this(name, help, histogram, new Figures(), labelValues);
    }

    private LatencyStage(String name, String help, Histogram histogram, Figures figures, String... labelValues) {
        this.name = name;
        this.help = help;
        this.histogram = histogram;
        this.point = labelValues.length == 0 ? histogram : histogram.labelValues(labelValues);
        this.figures = figures;
    }

    public String name() {
        return name;
    }

    public String help() {
        return help;
    }

    /** Records one latency; negative values count as 0, values above an hour as an hour. */
    public void record(long micros) {
        long v = Math.max(0, Math.min(MAX_MICROS, micros));
        figures.recorder.recordValue(v);
        point.observe(v / 1e6);
    }

    /**
     * The same stage writing its Prometheus values under other label values (model_version and stage of another
     * model during a rollout); the /api/status percentiles stay one figure for all of them. Keep the result: each
     * call looks the series up.
     */
    public LatencyStage with(String... labelValues) {
        return new LatencyStage(name, help, histogram, figures, labelValues);
    }

    /** Everything recorded since start (all label values). */
    public LatencySnapshot total() {
        synchronized (figures) {
            figures.drain();
            return LatencySnapshot.of(figures.total);
        }
    }

    /** The figures of the last complete reporting interval. */
    public LatencySnapshot recent() {
        synchronized (figures) {
            return figures.recent;
        }
    }

    /** Closes the reporting interval: its figures become {@link #recent()}. */
    public LatencySnapshot endInterval() {
        synchronized (figures) {
            figures.drain();
            figures.recent = LatencySnapshot.of(figures.window);
            figures.window.reset();
            return figures.recent;
        }
    }
}
