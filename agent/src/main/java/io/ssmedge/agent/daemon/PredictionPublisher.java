package io.ssmedge.agent.daemon;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.ssmedge.agent.config.TopicsConfig;
import io.ssmedge.agent.deploy.ModelVersion;
import io.ssmedge.agent.logging.LogThrottle;
import io.ssmedge.agent.metrics.AgentMetrics;
import io.ssmedge.agent.metrics.CounterSeries;
import io.ssmedge.agent.mqtt.MqttConnection;
import io.ssmedge.agent.mqtt.MqttException;
import io.ssmedge.agent.stream.Prediction;
import io.ssmedge.agent.stream.PredictionSink;
import io.ssmedge.agent.stream.Timestamps;
import io.ssmedge.inference.WindowSpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Formats predictions as JSON and publishes them to the stream's prediction topic (called on worker threads):
 * <pre>
 * {"stream":"pump7","ts":1732800000123.0,"class":"anomaly","class_index":1,
 *  "probabilities":{"normal":0.03,"anomaly":0.97},
 *  "model":{"name":"embedded:s5-skab","stage":"production","version":"sha256:…","pruned_ratio":0.0},
 *  "window":{"length":60,"stride":8},
 *  "latency_ms":{"queue":0.04,"inference":0.09,"end_to_end":1.2}}
 * </pre>
 * {@code end_to_end} is the time from the sensor ts of the window's last sample to this prediction being handed to
 * the MQTT client, null when the sample had no ts or its clock is more than an hour off. {@code model.version} is the
 * fingerprint of the model version that made this prediction (it changes when a pruned model is promoted);
 * {@code model.release} is added when the config sets {@code model.version}. Records the publish and end-to-end
 * latency stages.
 *
 * <p>Hand-off ({@link #start}ed, as the daemon does), for an MQTT client whose publish can wait for the broker (Paho
 * blocks a publish while its in-flight window is full): {@link #publish} puts the prediction in a bounded queue and
 * returns; one sender thread takes everything queued at once, formats each prediction into a reused buffer and hands
 * them to the MQTT client back to back (still one MQTT message per prediction). A worker therefore never waits for
 * the broker; it waits only when {@value #QUEUE} predictions are queued, so memory stays bounded and nothing is
 * dropped. A client whose publish only queues ({@link MqttConnection#publishOnlyQueues()}: the Netty output, waiting
 * only when max_inflight plus {@value #QUEUE} messages wait) needs no such thread: the worker formats and hands over
 * the prediction itself. That saved the thread's sleep and wake-up per worker batch: 11 % of the agent's CPU at 1000
 * streams × 10 Hz (issue #12, BENCHMARKS.md "eighth session"). Not started (tests), publish sends on the caller's
 * thread.
 */
public final class PredictionPublisher implements PredictionSink {
    private static final Logger log = LoggerFactory.getLogger(PredictionPublisher.class);
    private static final JsonFactory JSON = new JsonFactory();
    /** Sensor clocks further off than this give no end-to-end latency (e.g. replayed recordings). */
    private static final double MAX_CLOCK_GAP_MS = 3_600_000;

    private final MqttConnection connection;
    private final TopicsConfig topics;
    private final List<String> classes;
    private final ModelIdentity model;
    private final WindowSpec window;
    private final AgentMetrics metrics;
    private final Map<String, String> topicOf = new ConcurrentHashMap<>();
    private final Map<String, CounterSeries> predictionsByVersion = new ConcurrentHashMap<>();
    private final LogThrottle failureLog = new LogThrottle(Duration.ofSeconds(10));
    /** Predictions waiting for the sender thread (workers wait when it is full): as many as the Netty output queues. */
    static final int QUEUE = MqttConnection.WAITING_BEYOND_WINDOW;
    private final BlockingQueue<Prediction> queue = new ArrayBlockingQueue<>(QUEUE);
    private final List<Prediction> taken = new ArrayList<>(1024);         // sender thread only
    /** The reused JSON buffer of each thread that formats predictions: the sender thread, or the workers. */
    private final ThreadLocal<ByteArrayOutputStream> buffers =
            ThreadLocal.withInitial(() -> new ByteArrayOutputStream(512));
    private volatile Thread sender;
    private volatile boolean closing;

    public PredictionPublisher(MqttConnection connection, TopicsConfig topics, List<String> classes, ModelIdentity model,
                               WindowSpec window, AgentMetrics metrics) {
        this.connection = connection;
        this.topics = topics;
        this.classes = List.copyOf(classes);
        this.model = model;
        this.window = window;
        this.metrics = metrics;
    }

    /**
     * Starts the sender thread, so that from now on {@link #publish} only queues; not needed (nothing happens) when
     * the MQTT client's publish only queues itself.
     */
    public synchronized void start() {
        if (sender == null && !connection.publishOnlyQueues()) {
            Thread t = new Thread(this::sendQueued, "prediction-publisher");
            t.setDaemon(true);
            sender = t;
            t.start();
        }
    }

    /**
     * Publishes what is queued (waiting at most {@code timeout}) and stops the sender thread; later predictions are
     * sent on the caller's thread.
     *
     * @return whether everything queued was handed to the MQTT client
     */
    public boolean close(Duration timeout) throws InterruptedException {
        Thread t;
        synchronized (this) {
            t = sender;
            closing = true;
        }
        if (t == null) {
            return true;
        }
        t.join(timeout.toMillis());
        sender = null;
        return queue.isEmpty();
    }

    @Override
    public void publish(Prediction p) {
        if (sender == null) {
            send(p, false);
            return;
        }
        try {
            queue.put(p);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            send(p, false);
        }
    }

    /** The sender thread: everything queued at once, formatted in one reused buffer, then the next batch. */
    private void sendQueued() {
        while (true) {
            try {
                Prediction first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    if (closing) {
                        return;
                    }
                    continue;
                }
                taken.add(first);
                queue.drainTo(taken);
                for (int i = 0; i < taken.size(); i++) {
                    send(taken.get(i), false);
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                metrics.internalErrors.increment();
                log.error("prediction publisher: unexpected failure (the thread goes on)", e);
            } finally {
                taken.clear();
            }
        }
    }

    /** Publishes only while connected (the journal's outbox keeps the prediction otherwise and tries again). */
    @Override
    public boolean offer(Prediction p) {
        return connection.isConnected() && send(p, true);
    }

    /**
     * Formats and publishes one prediction (into the calling thread's reused buffer); false when the MQTT
     * client refused it ({@code keptByCaller}: the caller tries again, so it is not counted as a failure).
     */
    private boolean send(Prediction p, boolean keptByCaller) {
        long start = System.nanoTime();
        double now = Timestamps.nowMillis();
        double e2e = now - p.tsMillis();
        boolean e2eValid = p.tsFromSensor() && e2e > -1000 && e2e < MAX_CLOCK_GAP_MS;
        byte[] json = format(p, e2eValid ? Math.max(0, e2e) : Double.NaN, buffers.get());
        try {
            connection.publish(topicOf.computeIfAbsent(p.stream(), topics::predictionTopic), json, topics.predictionsQos(),
                    false);
        } catch (MqttException e) {
            if (keptByCaller) {
                log.debug("prediction of stream '{}' not handed over yet: {}", p.stream(), e.getMessage());
                return false;
            }
            metrics.publishFailures.increment();
            long n = failureLog.due();
            if (n > 0) {
                log.warn("prediction of stream '{}' not published: {} ({} not published since the previous warning)",
                        p.stream(), e.getMessage(), n);
            }
            return false;
        }
        predictionsOf(p.model()).increment();
        metrics.publish.record((System.nanoTime() - start) / 1000);
        if (e2eValid) {
            metrics.endToEnd.record((long) (Math.max(0, Timestamps.nowMillis() - p.tsMillis()) * 1000));
        } else if (p.tsFromSensor()) {
            metrics.endToEndSkipped.increment();
        }
        return true;
    }

    /**
     * The stream and window ts a prediction's JSON names (its first two fields, as {@link #format} writes them), or
     * null when the payload is not a prediction (status, errors, rollout events go out on the same connection).
     */
    static io.ssmedge.agent.journal.Outbox.Key keyOf(byte[] payload) {
        try (com.fasterxml.jackson.core.JsonParser j = JSON.createParser(payload)) {
            if (j.nextToken() != com.fasterxml.jackson.core.JsonToken.START_OBJECT) {
                return null;
            }
            String stream = null;
            double ts = Double.NaN;
            for (int i = 0; i < 2 && j.nextToken() == com.fasterxml.jackson.core.JsonToken.FIELD_NAME; i++) {
                String name = j.currentName();
                j.nextToken();
                if ("stream".equals(name) && j.currentToken() == com.fasterxml.jackson.core.JsonToken.VALUE_STRING) {
                    stream = j.getText();
                } else if ("ts".equals(name) && j.currentToken().isNumeric()) {
                    ts = j.getDoubleValue();
                }
            }
            return stream == null || Double.isNaN(ts) ? null : new io.ssmedge.agent.journal.Outbox.Key(stream, ts);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** The counter of published predictions labelled with the version that made them (and the configured stage). */
    private CounterSeries predictionsOf(ModelVersion v) {
        CounterSeries c = predictionsByVersion.get(v.version());
        return c != null ? c : predictionsByVersion.computeIfAbsent(v.version(),
                k -> metrics.predictions.with(k, model.stage()));
    }

    /** The JSON of a prediction ({@code e2eMs} NaN = unknown). */
    byte[] format(Prediction p, double e2eMs) {
        return format(p, e2eMs, null);
    }

    private byte[] format(Prediction p, double e2eMs, ByteArrayOutputStream reuse) {
        ByteArrayOutputStream out = reuse != null ? reuse : new ByteArrayOutputStream(384);
        out.reset();
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("stream", p.stream());
            g.writeNumberField("ts", p.tsMillis());
            g.writeStringField("class", classes.get(p.classIndex()));
            g.writeNumberField("class_index", p.classIndex());
            g.writeObjectFieldStart("probabilities");
            float[] logp = p.logp();
            for (int k = 0; k < logp.length; k++) {
                g.writeNumberField(classes.get(k), Math.exp(logp[k]));
            }
            g.writeEndObject();
            g.writeObjectFieldStart("model");
            g.writeStringField("name", model.name());
            g.writeStringField("stage", model.stage());
            g.writeStringField("version", p.model().version());
            g.writeNumberField("pruned_ratio", p.model().ratio());
            if (model.release() != null) {
                g.writeStringField("release", model.release());
            }
            g.writeEndObject();
            g.writeObjectFieldStart("window");
            if (window.continuous()) {
                g.writeStringField("mode", "continuous");
            } else {
                g.writeNumberField("length", window.length());
            }
            g.writeNumberField("stride", window.stride());
            g.writeEndObject();
            g.writeObjectFieldStart("latency_ms");
            g.writeNumberField("queue", p.queueMicros() / 1000.0);
            g.writeNumberField("inference", p.inferenceMicros() / 1000.0);
            g.writeFieldName("end_to_end");
            if (Double.isNaN(e2eMs)) {
                g.writeNull();
            } else {
                g.writeNumber(Math.round(e2eMs * 1000) / 1000.0);
            }
            g.writeEndObject();
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
