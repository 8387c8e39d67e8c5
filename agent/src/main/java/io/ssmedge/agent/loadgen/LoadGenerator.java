package io.ssmedge.agent.loadgen;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ssmedge.agent.stream.Timestamps;
import io.ssmedge.data.SensorCsv;
import org.HdrHistogram.Histogram;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
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
    private final AtomicLong predictions = new AtomicLong();
    private final AtomicBoolean measuring = new AtomicBoolean();
    private final float[][] rows;
    private final String[] rowText; // (rows) ",v1,v2,…" of each row, formatted once so sending stays cheap

    public LoadGenerator(LoadSettings settings) {
        this.s = settings;
        this.rows = settings.data() != null ? readRows(settings) : syntheticRows(settings.channels().size());
        this.rowText = new String[rows.length];
        for (int i = 0; i < rows.length; i++) {
            StringBuilder b = new StringBuilder();
            for (float v : rows[i]) {
                b.append(',').append(v);
            }
            rowText[i] = b.toString();
        }
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

    private static float[][] syntheticRows(int channels) {
        Random rnd = new Random(42);
        float[][] r = new float[1000][channels];
        for (float[] row : r) {
            for (int c = 0; c < channels; c++) {
                row[c] = (float) rnd.nextGaussian();
            }
        }
        return r;
    }

    public LoadReport run() throws MqttException, InterruptedException {
        MqttAsyncClient listener = connect(s.broker(), "ssm-edge-loadgen-listen");
        listener.setCallback(new MqttCallback() {
            @Override
            public void connectionLost(Throwable cause) {
                log.warn("loadgen listener lost its connection: {}", cause.toString());
            }

            @Override
            public void messageArrived(String topic, MqttMessage message) {
                onPrediction(message.getPayload());
            }

            @Override
            public void deliveryComplete(IMqttDeliveryToken token) {
            }
        });
        listener.subscribe(s.predictions(), 0).waitForCompletion(10_000);
        MqttAsyncClient[] senders = new MqttAsyncClient[s.connections()];
        String[] topics = new String[s.streams()];
        for (int i = 0; i < topics.length; i++) {
            topics[i] = s.sensorTopic().replace("{stream}", s.streamPrefix() + i);
        }
        try {
            for (int c = 0; c < senders.length; c++) {
                senders[c] = connect(s.broker(), "ssm-edge-loadgen-send" + c);
            }
            stagger(senders, topics);
            log.info("warming up for {} s at {} samples/s over {} connection(s)", s.warmupSeconds(),
                    (long) s.samplesPerSecond(), senders.length);
            publishAll(senders, topics, s.warmupSeconds());
            long[] before = daemonCounters();
            measuring.set(true);
            long predictionsBefore = predictions.get();
            long t0 = System.nanoTime();
            long sent = publishAll(senders, topics, s.seconds());
            double secs = (System.nanoTime() - t0) / 1e9;
            Thread.sleep(1000); // let the last predictions arrive
            measuring.set(false);
            long[] after = daemonCounters();
            double predRate = (predictions.get() - predictionsBefore) / secs;
            synchronized (e2e) {
                return new LoadReport(s.samplesPerSecond(), sent / secs, predRate, ms(e2e.getValueAtPercentile(50)),
                        ms(e2e.getValueAtPercentile(99)), ms(e2e.getValueAtPercentile(99.9)), ms(e2e.getMaxValue()),
                        ms(daemonE2e.getValueAtPercentile(99)),
                        before == null || after == null ? -1 : after[0] - before[0],
                        before == null || after == null ? -1 : after[1] - before[1],
                        after == null ? -1 : after[2], after == null ? -1 : after[3]);
            }
        } finally {
            for (MqttAsyncClient c : senders) {
                if (c != null) {
                    close(c);
                }
            }
            close(listener);
        }
    }

    private static double ms(long micros) {
        return micros / 1000.0;
    }

    private void onPrediction(byte[] payload) {
        double now = Timestamps.nowMillis();
        if (!measuring.get()) {
            return;
        }
        try {
            JsonNode p = JSON.readTree(payload);
            double ts = p.get("ts").asDouble();
            JsonNode inAgent = p.path("latency_ms").path("end_to_end");
            predictions.incrementAndGet();
            synchronized (e2e) {
                e2e.recordValue(Math.max(0, Math.min(3_600_000_000L, (long) ((now - ts) * 1000))));
                if (inAgent.isNumber()) {
                    daemonE2e.recordValue(Math.max(0, (long) (inAgent.asDouble() * 1000)));
                }
            }
        } catch (IOException | RuntimeException e) {
            log.debug("unreadable prediction: {}", e.toString());
        }
    }

    /** Gives stream i (i mod stagger) samples ahead of the others, paced at the configured total rate. */
    private void stagger(MqttAsyncClient[] senders, String[] topics) throws InterruptedException {
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

    private void send(MqttAsyncClient client, String topic, double ts) throws InterruptedException {
        StringBuilder b = new StringBuilder(128);
        appendTs(b, ts);
        b.append(rowText[0]);
        while (true) {
            try {
                client.publish(topic, b.toString().getBytes(StandardCharsets.UTF_8), 1, false);
                return;
            } catch (MqttException e) {
                if (e.getReasonCode() != MqttException.REASON_CODE_MAX_INFLIGHT) {
                    throw new IllegalStateException("loadgen publish failed: " + e.getMessage(), e);
                }
                Thread.sleep(1);
            }
        }
    }

    /**
     * Publishes at the configured rate for the given seconds, one thread per connection: connection c sends the
     * streams i with i mod connections = c, at its share of the rate. Returns samples sent.
     */
    private long publishAll(MqttAsyncClient[] senders, String[] topics, int seconds) throws InterruptedException {
        if (seconds == 0) {
            return 0;
        }
        if (senders.length == 1) {
            return publish(senders[0], topics, seconds);
        }
        long[] sent = new long[senders.length];
        RuntimeException[] failed = new RuntimeException[senders.length];
        Thread[] threads = new Thread[senders.length];
        for (int c = 0; c < senders.length; c++) {
            int k = c;
            String[] mine = new String[(topics.length - k + senders.length - 1) / senders.length];
            for (int j = 0; j < mine.length; j++) {
                mine[j] = topics[k + j * senders.length];
            }
            threads[c] = new Thread(() -> {
                try {
                    sent[k] = publish(senders[k], mine, seconds);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } catch (RuntimeException e) {
                    failed[k] = e;
                }
            }, "loadgen-send-" + c);
            threads[c].start();
        }
        long total = 0;
        for (int c = 0; c < senders.length; c++) {
            threads[c].join();
            if (failed[c] != null) {
                throw failed[c];
            }
            total += sent[c];
        }
        return total;
    }

    /** Publishes the given streams at their share of the configured rate for the given seconds; returns samples sent. */
    private long publish(MqttAsyncClient client, String[] topics, int seconds) throws InterruptedException {
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
                try {
                    client.publish(topics[st], b.toString().getBytes(StandardCharsets.UTF_8), s.qos(), false);
                    messages++;
                } catch (MqttException e) {
                    // the broker has not confirmed enough QoS 1 messages yet: wait (the report shows what was sent)
                    if (e.getReasonCode() == MqttException.REASON_CODE_MAX_INFLIGHT
                            || e.getReasonCode() == MqttException.REASON_CODE_NO_MESSAGE_IDS_AVAILABLE) {
                        LockSupport.parkNanos(50_000);
                        break;
                    }
                    throw new IllegalStateException("loadgen publish failed: " + e.getMessage(), e);
                }
            }
        }
        return messages * s.batch();
    }

    /** dropped, rejected, RSS, streams from the agent's /metrics; null without --metrics-url or when unreachable. */
    private long[] daemonCounters() {
        if (s.metricsUrl() == null) {
            return null;
        }
        try {
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(s.metricsUrl()))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
            long dropped = 0;
            long rejected = 0;
            long rss = -1;
            long streams = -1;
            for (String line : r.body().split("\n")) {
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
        } catch (IOException | RuntimeException e) {
            log.warn("cannot read the agent's metrics at {}: {}", s.metricsUrl(), e.toString());
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    private static MqttAsyncClient connect(String broker, String id) throws MqttException {
        MqttAsyncClient c = new MqttAsyncClient(broker, id + "-" + ProcessHandle.current().pid(), new MemoryPersistence());
        MqttConnectOptions o = new MqttConnectOptions();
        o.setCleanSession(true);
        o.setMaxInflight(10_000);
        o.setKeepAliveInterval(30);
        o.setSocketFactory(broker.startsWith("ssl:") ? javax.net.ssl.SSLSocketFactory.getDefault()
                : io.ssmedge.agent.mqtt.PahoSockets.plain());
        c.connect(o).waitForCompletion(10_000);
        return c;
    }

    private static void close(MqttAsyncClient c) {
        try {
            c.disconnect(2000).waitForCompletion(3000);
            c.close();
        } catch (MqttException e) {
            log.debug("loadgen client close: {}", e.toString());
        }
    }
}
