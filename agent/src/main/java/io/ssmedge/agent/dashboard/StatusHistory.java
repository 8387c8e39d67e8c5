package io.ssmedge.agent.dashboard;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The last hour of the dashboard's curves in memory: one {@link Point} every {@code periodSeconds} (default 10 s,
 * 360 points), oldest overwritten. Filled by its own daemon timer; read by the HTTP thread ({@link #json(long)}).
 * Lost on restart by design (the page starts a new curve; long-term history belongs in Prometheus).
 */
public final class StatusHistory implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(StatusHistory.class);
    private static final JsonFactory JSON = new JsonFactory();

    /**
     * One point of the curves; NaN where nothing is known yet (e.g. accuracy before any label).
     *
     * @param timeMillis       wall-clock time of the point
     * @param p50Ms            end-to-end latency median of the last reporting interval (ms)
     * @param p99Ms            end-to-end latency 99th percentile of the last reporting interval (ms)
     * @param samplesPerSecond samples per second in the last reporting interval
     * @param accuracy         live accuracy since start (0..1)
     * @param falseAlarmRate   live false-alarm rate since start (0..1)
     * @param missRate         live miss rate since start (0..1)
     * @param labeled          labeled predictions behind the three rates
     */
    public record Point(long timeMillis, double p50Ms, double p99Ms, double samplesPerSecond, double accuracy,
                        double falseAlarmRate, double missRate, long labeled) {
    }

    private final Point[] ring; // (capacity) oldest overwritten
    private final int periodSeconds;
    private int next;
    private long written;
    private final ScheduledExecutorService timer;

    public StatusHistory(int capacity, int periodSeconds) {
        if (capacity < 1 || periodSeconds < 1) {
            throw new IllegalArgumentException("history: capacity and period must be 1 or more, got " + capacity + " and "
                    + periodSeconds);
        }
        this.ring = new Point[capacity];
        this.periodSeconds = periodSeconds;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "ssm-edge-dashboard-history");
            t.setDaemon(true);
            return t;
        });
    }

    /** Takes a point from {@code sampler} every period, starting one period from now. */
    public StatusHistory start(Supplier<Point> sampler) {
        timer.scheduleAtFixedRate(() -> {
            try {
                add(sampler.get());
            } catch (RuntimeException e) { // a failed sample must not stop the curve
                log.warn("dashboard history: sample failed: {}", e.toString());
            }
        }, periodSeconds, periodSeconds, TimeUnit.SECONDS);
        return this;
    }

    public int periodSeconds() {
        return periodSeconds;
    }

    public synchronized void add(Point p) {
        ring[next] = p;
        next = (next + 1) % ring.length;
        written++;
    }

    /** {"period_seconds":10,"points":[[time_ms,p50,p99,sps,acc,far,miss,labeled],…]} of the points after {@code since}. */
    public synchronized byte[] json(long sinceMillis) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(4096);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeNumberField("period_seconds", periodSeconds);
            g.writeArrayFieldStart("columns");
            for (String c : new String[]{"time_ms", "latency_p50_ms", "latency_p99_ms", "samples_per_second", "accuracy",
                "false_alarm_rate", "miss_rate", "labeled"}) {
                g.writeString(c);
            }
            g.writeEndArray();
            g.writeArrayFieldStart("points");
            int n = (int) Math.min(written, ring.length);
            for (int i = 0; i < n; i++) {
                Point p = ring[(next - n + i + ring.length) % ring.length];
                if (p.timeMillis() <= sinceMillis) {
                    continue;
                }
                g.writeStartArray();
                g.writeNumber(p.timeMillis());
                for (double v : new double[]{p.p50Ms(), p.p99Ms(), p.samplesPerSecond(), p.accuracy(), p.falseAlarmRate(),
                    p.missRate()}) {
                    if (Double.isFinite(v)) {
                        g.writeNumber(Math.round(v * 1e5) / 1e5); // 5 decimals are plenty for a chart and keep it small
                    } else {
                        g.writeNull();
                    }
                }
                g.writeNumber(p.labeled());
                g.writeEndArray();
            }
            g.writeEndArray();
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // in-memory stream
        }
        return out.toByteArray();
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
