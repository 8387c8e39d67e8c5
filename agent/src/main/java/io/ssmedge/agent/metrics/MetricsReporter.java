package io.ssmedge.agent.metrics;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Every reporting interval: closes the latency stages' interval (their "recent" figures), computes throughput
 * rates and logs one summary line a plant engineer can read.
 */
public final class MetricsReporter implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(MetricsReporter.class);

    private final AgentMetrics metrics;
    private final Supplier<String> extra;
    private final ScheduledExecutorService timer;
    private long lastNanos = System.nanoTime();
    private long lastSamples;
    private long lastPredictions;
    private long lastMessages;
    private long lastDropped;
    private volatile Rates rates = new Rates(0, 0, 0, 0, 0);

    /**
     * @param samplesPerSecond samples taken by the model
     * @param predictionsPerSecond predictions published
     * @param messagesPerSecond sensor and label messages received
     * @param dropsPerSecond messages dropped by full queues
     * @param seconds length of the interval
     */
    public record Rates(double samplesPerSecond, double predictionsPerSecond, double messagesPerSecond,
                        double dropsPerSecond, double seconds) {
    }

    /** @param extra appended to the log line (e.g. streams and memory), evaluated on the reporter thread */
    public MetricsReporter(AgentMetrics metrics, int intervalSeconds, Supplier<String> extra) {
        this.metrics = metrics;
        this.extra = extra;
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "ssm-edge-metrics");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleAtFixedRate(this::report, intervalSeconds, intervalSeconds, TimeUnit.SECONDS);
    }

    /** Runs {@code task} once on the reporter's thread after {@code delayMillis} (e.g. the memory figure after start). */
    public void once(long delayMillis, Runnable task) {
        timer.schedule(() -> {
            try {
                task.run();
            } catch (RuntimeException e) {
                log.warn("scheduled report failed: {}", e.toString());
            }
        }, delayMillis, TimeUnit.MILLISECONDS);
    }

    public Rates rates() {
        return rates;
    }

    synchronized void report() {
        try {
            long now = System.nanoTime();
            double secs = Math.max(1e-9, (now - lastNanos) / 1e9);
            long s = metrics.samples.total();
            long p = metrics.predictions.total();
            long m = metrics.sensorMessages.sum() + metrics.labelMessages.sum();
            long d = metrics.dropped.sum();
            rates = new Rates((s - lastSamples) / secs, (p - lastPredictions) / secs, (m - lastMessages) / secs,
                    (d - lastDropped) / secs, secs);
            lastNanos = now;
            lastSamples = s;
            lastPredictions = p;
            lastMessages = m;
            lastDropped = d;
            LatencySnapshot e2e = metrics.endToEnd.endInterval();
            LatencySnapshot inf = metrics.inference.endInterval();
            metrics.queueWait.endInterval();
            metrics.publish.endInterval();
            if (s > 0 || m > 0) {
                log.info(String.format(java.util.Locale.ROOT,
                        "%.0f samples/s, %.0f predictions/s, %d dropped, %d rejected; end-to-end p50 %.2f ms p99 %.2f ms;"
                                + " inference p99 %.3f ms; %s",
                        rates.samplesPerSecond(), rates.predictionsPerSecond(), d, metrics.rejectedTotal(),
                        e2e.p50() / 1000.0, e2e.p99() / 1000.0, inf.p99() / 1000.0, extra.get()));
            }
        } catch (RuntimeException e) {
            log.warn("metrics report failed: {}", e.toString());
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
