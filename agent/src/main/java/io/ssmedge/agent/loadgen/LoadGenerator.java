package io.ssmedge.agent.loadgen;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ssmedge.agent.stream.Timestamps;
import io.ssmedge.data.SensorCsv;
import org.HdrHistogram.Histogram;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Publishes N streams at R Hz to a broker and listens to the predictions that come back: achieved publish rate,
 * predictions received, end-to-end latency (sample ts → prediction received here, and the agent's own figure
 * from the prediction), and the agent's drops and memory from its /metrics. Bounded in time; loopback only in
 * the project's benchmarks.
 */
public final class LoadGenerator {
    private static final Logger log = LoggerFactory.getLogger(LoadGenerator.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final LoadSettings s;
    private final Histogram e2e = new Histogram(3_600_000_000L, 3);       // µs, measured here
    private final Histogram daemonE2e = new Histogram(3_600_000_000L, 3); // µs, from the predictions
    private final LatencySplit split = new LatencySplit();                // guarded by e2e, as the histograms
    private final AtomicLong predictions = new AtomicLong();
    private final long[] worstPerSecond = new long[3600]; // (measured second) largest e2e in µs received in it
    private volatile long measureStartNanos;
    private HttpClient http; // for the agent's /metrics; made on first use
    // made before the run: its first use loads the JMX classes, a CPU peak that must not fall into the measured seconds
    private final java.lang.management.OperatingSystemMXBean os =
            java.lang.management.ManagementFactory.getOperatingSystemMXBean();
    private final AtomicBoolean measuring = new AtomicBoolean();
    private final float[][] rows;
    private final String[] rowText; // (rows) ",v1,v2,…" of each row, formatted once so sending stays cheap

    public LoadGenerator(LoadSettings settings) {
        this.s = settings;
        this.rows = settings.data() != null ? readRows(settings) : syntheticRows(settings.channels().size());
        this.rowText = new String[rows.length];
        for (int i = 0; i < rows.length; i++) {
            rowText[i] = rowText(rows[i]);
        }
    }

    /** ",v1,v2,…": a row's values as they follow the ts on a CSV line. */
    static String rowText(float[] row) {
        StringBuilder b = new StringBuilder();
        for (float v : row) {
            b.append(',').append(v);
        }
        return b.toString();
    }

    /** ts in milliseconds with three decimals, without String.format (which costs more than the publish). */
    static void appendTs(StringBuilder b, double ts) {
        long micros = Math.round(ts * 1000);
        long whole = micros / 1000;
        int frac = (int) (micros % 1000);
        b.append(whole).append('.');
        if (frac < 100) {
            b.append('0');
        }
        if (frac < 10) {
            b.append('0');
        }
        b.append(frac);
    }

    private static float[][] readRows(LoadSettings s) {
        SensorCsv.Table t = SensorCsv.read(s.data(), s.channels(), null);
        float[][] r = new float[t.rows()][t.channels()];
        for (int i = 0; i < t.rows(); i++) {
            System.arraycopy(t.values(), i * t.channels(), r[i], 0, t.channels());
        }
        return r;
    }

    static float[][] syntheticRows(int channels) {
        Random rnd = new Random(42);
        float[][] r = new float[1000][channels];
        for (float[] row : r) {
            for (int c = 0; c < channels; c++) {
                row[c] = (float) rnd.nextGaussian();
            }
        }
        return r;
    }

    /** Seconds between the last /metrics read and the measured seconds, with a warm-up of 20 s or more. */
    static final int SETTLE_SECONDS = 10;

    public LoadReport run() throws IOException, InterruptedException {
        LoadClient listener = LoadClient.subscriber(s.broker(), clientId("listen"), s.predictions(), this::onPrediction);
        LoadClient[] senders = new LoadClient[s.connections()];
        byte[][] topics = s.sensorTopics();
        try {
            for (int c = 0; c < senders.length; c++) {
                senders[c] = LoadClient.publisher(s.broker(), clientId("send" + c));
            }
            ownCpuNanos(); // its first call loads classes: before, not during, the measured seconds
            stagger(senders, topics);
            log.info("warming up for {} s at {} samples/s over {} connection(s)", s.warmupSeconds(),
                    (long) s.samplesPerSecond(), senders.length);
            // the agent's counters are read SETTLE_SECONDS before the measured seconds start (2 s with a short
            // warm-up): each /metrics read runs the agent's HTTP server, whose Netty classes the sensor input shares.
            // C2 had compiled the input's code having seen only the input's classes since the last read, so it
            // discards it again ("class check" deoptimization, -XX:+PrintCompilation: ~10 Netty methods "made not
            // entrant" at the read) and the input runs slower for 1-3 s until C2 has compiled it again (issue #12:
            // with the read 2 s before, those seconds were often the first measured ones, at 13-44 ms).
            int settle = s.warmupSeconds() >= SETTLE_SECONDS + 10 ? SETTLE_SECONDS : Math.min(2, s.warmupSeconds());
            // The agent's first /metrics request costs far more than later ones, and not only itself: it runs code of
            // the HTTP server that shares Netty's event-loop classes with the sensor input, whose compiled code had
            // seen the input's classes only, so the JIT discards it ("class check" deoptimization) and the input runs
            // slower for about a second until C2 has compiled it again (issue #12, JFR; with this read just before the
            // measured seconds their first seconds were the worst). A plant's Prometheus scrapes from the start, so
            // that happens in its first minute: here in the first second of the warm-up.
            int early = s.warmupSeconds() - settle >= 10 ? 1 : 0;
            if (early > 0) {
                publishAll(senders, topics, early);
                metricsText();
            }
            publishAll(senders, topics, s.warmupSeconds() - settle - early);
            String metricsBefore = metricsText();
            long[] before = daemonCounters(metricsBefore);
            double[] cpuBefore = daemonCpu(metricsBefore);
            publishAll(senders, topics, settle);
            measureStartNanos = System.nanoTime();
            measuring.set(true);
            long predictionsBefore = predictions.get();
            long t0 = System.nanoTime();
            long cpu0 = ownCpuNanos();
            long sent = publishAll(senders, topics, s.seconds());
            double secs = (System.nanoTime() - t0) / 1e9;
            double ownCores = (ownCpuNanos() - cpu0) / 1e9 / secs;
            String metricsAfterPublishing = metricsText();
            double[] cpuAfterPublishing = daemonCpu(metricsAfterPublishing);
            Thread.sleep(1000); // let the last predictions arrive
            measuring.set(false);
            long[] after = daemonCounters(metricsText());
            double predRate = (predictions.get() - predictionsBefore) / secs;
            synchronized (e2e) {
                return new LoadReport(s.samplesPerSecond(), sent / secs, predRate, ms(e2e.getValueAtPercentile(50)),
                        ms(e2e.getValueAtPercentile(99)), ms(e2e.getValueAtPercentile(99.9)), ms(e2e.getMaxValue()),
                        ms(daemonE2e.getValueAtPercentile(99)),
                        before == null || after == null ? -1 : after[0] - before[0],
                        before == null || after == null ? -1 : after[1] - before[1],
                        after == null ? -1 : after[2], after == null ? -1 : after[3],
                        cpuBefore == null || cpuAfterPublishing == null ? -1
                                : (cpuAfterPublishing[0] - cpuBefore[0]) / (cpuAfterPublishing[1] - cpuBefore[1]),
                        ownCores, worstPerSecond(s.seconds() + 1), split.summary());
            }
        } finally {
            for (LoadClient c : senders) {
                close(c);
            }
            close(listener);
        }
    }

    /** The largest e2e latency of each measured second, ms (the last one holds the predictions after publishing). */
    private double[] worstPerSecond(int seconds) {
        double[] w = new double[Math.min(seconds, worstPerSecond.length)];
        for (int i = 0; i < w.length; i++) {
            w[i] = ms(worstPerSecond[i]);
        }
        return w;
    }

    private static double ms(long micros) {
        return micros / 1000.0;
    }

    private void onPrediction(byte[] payload) {
        double now = Timestamps.nowMillis();
        try {
            // parsed during the warm-up too: a parser first used when the measured seconds start runs slowly (not yet
            // compiled) and its backlog would count as the agent's latency
            JsonNode p = JSON.readTree(payload);
            double ts = p.get("ts").asDouble();
            JsonNode latency = p.path("latency_ms");
            JsonNode inAgent = latency.path("end_to_end");
            JsonNode queue = latency.path("queue");
            JsonNode inference = latency.path("inference");
            if (!measuring.get()) {
                return;
            }
            predictions.incrementAndGet();
            synchronized (e2e) {
                long micros = Math.max(0, Math.min(3_600_000_000L, (long) ((now - ts) * 1000)));
                e2e.recordValue(micros);
                int second = (int) Math.min(worstPerSecond.length - 1, (System.nanoTime() - measureStartNanos) / 1_000_000_000L);
                worstPerSecond[second] = Math.max(worstPerSecond[second], micros);
                if (inAgent.isNumber()) {
                    long agentMicros = Math.max(0, (long) (inAgent.asDouble() * 1000));
                    daemonE2e.recordValue(agentMicros);
                    if (queue.isNumber() && inference.isNumber()) {
                        split.record(micros, (long) (queue.asDouble() * 1000), (long) (inference.asDouble() * 1000),
                                agentMicros);
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            log.debug("unreadable prediction: {}", e.toString());
        }
    }

    /** Gives stream i (i mod stagger) samples ahead of the others, paced at the configured total rate. */
    private void stagger(LoadClient[] senders, byte[][] topics) throws IOException, InterruptedException {
        if (s.stagger() <= 1) {
            return;
        }
        long pause = (long) (1e9 / s.samplesPerSecond());
        for (int round = 1; round < s.stagger(); round++) {
            for (int i = 0; i < topics.length; i++) {
                if (i % s.stagger() >= round) {
                    send(senders[i % senders.length], topics[i], Timestamps.nowMillis() - 1000);
                    LockSupport.parkNanos(pause);
                }
            }
        }
    }

    private void send(LoadClient client, byte[] topic, double ts) throws IOException, InterruptedException {
        StringBuilder b = new StringBuilder(128);
        appendTs(b, ts);
        b.append(rowText[0]);
        client.publish(topic, b.toString().getBytes(StandardCharsets.UTF_8), 1);
        client.flush();
    }

    /**
     * Publishes at the configured rate for the given seconds, one thread per connection: connection c sends the
     * streams i with i mod connections = c, at its share of the rate. Returns samples sent.
     */
    private long publishAll(LoadClient[] senders, byte[][] topics, int seconds) throws IOException, InterruptedException {
        if (seconds == 0) {
            return 0;
        }
        if (senders.length == 1) {
            return publish(senders[0], topics, seconds);
        }
        long[] sent = new long[senders.length];
        Exception[] failed = new Exception[senders.length];
        Thread[] threads = new Thread[senders.length];
        for (int c = 0; c < senders.length; c++) {
            int k = c;
            byte[][] mine = new byte[(topics.length - k + senders.length - 1) / senders.length][];
            for (int j = 0; j < mine.length; j++) {
                mine[j] = topics[k + j * senders.length];
            }
            threads[c] = new Thread(() -> {
                try {
                    sent[k] = publish(senders[k], mine, seconds);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } catch (IOException | RuntimeException e) {
                    failed[k] = e;
                }
            }, "loadgen-send-" + c);
            threads[c].start();
        }
        long total = 0;
        for (int c = 0; c < senders.length; c++) {
            threads[c].join();
            if (failed[c] instanceof IOException e) {
                throw e;
            }
            if (failed[c] != null) {
                throw (RuntimeException) failed[c];
            }
            total += sent[c];
        }
        return total;
    }

    /** Publishes the given streams at their share of the configured rate for the given seconds; returns samples sent. */
    private long publish(LoadClient client, byte[][] topics, int seconds) throws IOException, InterruptedException {
        double perNano = topics.length * s.rateHz() / 1e9 / s.batch(); // messages per nanosecond
        long start = System.nanoTime();
        long end = start + seconds * 1_000_000_000L;
        long messages = 0;
        int next = 0;
        int[] row = new int[topics.length];
        StringBuilder b = new StringBuilder(256);
        while (true) {
            long now = System.nanoTime();
            if (now >= end) {
                break;
            }
            long due = (long) ((now - start) * perNano);
            if (messages >= due) {
                // sleep until the next message is due, at least 1 ms: a thread woken every 200 µs cost the load
                // generator more CPU than sending (each message still carries the time it was made)
                LockSupport.parkNanos(Math.max(1_000_000, (long) ((messages + 1) / perNano) - (now - start)));
                continue;
            }
            while (messages < due) {
                int st = next;
                next = (next + 1) % topics.length;
                b.setLength(0);
                double ts = Timestamps.nowMillis();
                for (int k = 0; k < s.batch(); k++) {
                    String r = rowText[row[st]];
                    row[st] = (row[st] + 1) % rows.length;
                    // 10 µs apart: a ts near 1.8e12 ms has a resolution of 0.24 µs, so 1 µs steps could print equal
                    appendTs(b, ts - (s.batch() - 1 - k) * 0.01);
                    b.append(r).append('\n');
                }
                client.publish(topics[st], b.toString().getBytes(StandardCharsets.UTF_8), s.qos());
                messages++;
            }
            client.flush(); // one write per burst of due messages
        }
        return messages * s.batch();
    }

    /** CPU time of this process (all threads), ns; -1 when the JVM does not tell. */
    private long ownCpuNanos() {
        return os instanceof com.sun.management.OperatingSystemMXBean sun ? sun.getProcessCpuTime() : -1;
    }

    /** {the agent's process_cpu_seconds_total, the second it was read at}; null when not readable. */
    private static double[] daemonCpu(String body) {
        if (body == null) {
            return null;
        }
        for (String line : body.split("\n")) {
            if (line.startsWith("process_cpu_seconds_total ")) {
                return new double[]{Double.parseDouble(line.substring(line.indexOf(' ') + 1).trim()),
                        System.nanoTime() / 1e9};
            }
        }
        return null;
    }

    /** dropped, rejected, RSS, streams from the agent's /metrics; null without --metrics-url or when unreachable. */
    private static long[] daemonCounters(String body) {
        if (body == null) {
            return null;
        }
        long dropped = 0;
        long rejected = 0;
        long rss = -1;
        long streams = -1;
        for (String line : body.split("\n")) {
            if (line.startsWith("#")) {
                continue;
            }
            String[] kv = line.split(" ");
            if (kv.length != 2) {
                continue;
            }
            long v = (long) Double.parseDouble(kv[1]);
            if (kv[0].equals("ssm_edge_dropped_messages_total")) {
                dropped = v;
            } else if (kv[0].startsWith("ssm_edge_rejected_messages_total{")) {
                rejected += v;
            } else if (kv[0].equals("process_resident_memory_bytes")) {
                rss = v;
            } else if (kv[0].equals("ssm_edge_streams")) {
                streams = v;
            }
        }
        return new long[]{dropped, rejected, rss, streams};
    }

    /** The agent's /metrics text; null without --metrics-url or when unreachable (logged). */
    private String metricsText() {
        if (s.metricsUrl() == null) {
            return null;
        }
        try {
            if (http == null) {
                http = HttpClient.newHttpClient();
            }
            return http.send(HttpRequest.newBuilder(URI.create(s.metricsUrl()))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString()).body();
        } catch (IOException | RuntimeException e) {
            log.warn("cannot read the agent's metrics at {}: {}", s.metricsUrl(), e.toString());
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    private static String clientId(String role) {
        return "ssm-edge-loadgen-" + role + "-" + ProcessHandle.current().pid();
    }

    private static void close(LoadClient c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (IOException e) {
            log.debug("loadgen client close: {}", e.toString());
        }
    }
}
