package io.ssmedge.agent.metrics;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Latency of one stage of the pipeline, in microseconds. Any thread records wait-free into an HdrHistogram
 * {@link Recorder}; readers take the interval histogram (with a recycled buffer) and add it to two totals:
 * everything since start, and the current reporting interval, which {@link #endInterval()} turns into the
 * "recent" figures.
 */
public final class LatencyStage {
    /** Values above one hour are clamped (a sensor clock far off must not break the histogram). */
    static final long MAX_MICROS = 3_600_000_000L;

    private final String name;
    private final String help;
    private final Recorder recorder = new Recorder(MAX_MICROS, 3);
    private final Histogram total = new Histogram(MAX_MICROS, 3);
    private final Histogram window = new Histogram(MAX_MICROS, 3);
    private Histogram recycled;
    private LatencySnapshot recent = LatencySnapshot.EMPTY;

    public LatencyStage(String name, String help) {
        this.name = name;
        this.help = help;
    }

    public String name() {
        return name;
    }

    public String help() {
        return help;
    }

    /** Records one latency; negative values count as 0. */
    public void record(long micros) {
        recorder.recordValue(Math.max(0, Math.min(MAX_MICROS, micros)));
    }

    private void drain() {
        recycled = recorder.getIntervalHistogram(recycled);
        total.add(recycled);
        window.add(recycled);
    }

    /** Everything recorded since start. */
    public synchronized LatencySnapshot total() {
        drain();
        return LatencySnapshot.of(total);
    }

    /** The figures of the last complete reporting interval. */
    public synchronized LatencySnapshot recent() {
        return recent;
    }

    /** Closes the reporting interval: its figures become {@link #recent()}. */
    public synchronized LatencySnapshot endInterval() {
        drain();
        recent = LatencySnapshot.of(window);
        window.reset();
        return recent;
    }
}
