package io.ssmedge.agent.metrics;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.instrumentation.jvm.JvmBufferPoolMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmClassLoadingMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmCompilationMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmGarbageCollectorMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmMemoryMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmRuntimeInfoMetric;
import io.prometheus.metrics.instrumentation.jvm.JvmThreadsMetrics;
import io.prometheus.metrics.instrumentation.jvm.ProcessMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.ssmedge.agent.stream.RejectReason;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The agent's counters and latency stages, written by the MQTT callback, the workers and the publisher, read by
 * /metrics, /api/status and the periodic log line. All members are thread-safe. Everything lives in one Prometheus
 * registry per agent ({@link #registry()}), with the standard JVM and process metrics; counters only go up.
 *
 * <p>What depends on the serving model (samples, predictions, inference and end-to-end latency) carries the labels
 * {@code model_version} and {@code stage}; the fields write to the model the agent started with, and
 * {@code with(version, stage)} gives the series of another model (a rollout's candidate).
 */
public final class AgentMetrics {
    /** Label names of the series that depend on the serving model. */
    public static final String[] MODEL_LABELS = {"model_version", "stage"};
    /** Classic histogram buckets in seconds, 10 µs to a minute (native buckets are added in the protobuf format). */
    static final double[] LATENCY_BUCKETS = {0.00001, 0.000025, 0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025,
            0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60};

    private final PrometheusRegistry registry = new PrometheusRegistry();

    public final CounterSeries sensorMessages;
    public final CounterSeries labelMessages;
    public final CounterSeries otherMessages;
    public final CounterSeries dropped;
    /** Times the sensor input found its worker queue full and paused reading (workers.overflow: block). */
    public final CounterSeries inputPauses;
    public final CounterSeries samples;
    public final CounterSeries predictions;
    public final CounterSeries publishFailures;
    public final CounterSeries labels;
    public final CounterSeries labelsMatched;
    public final CounterSeries labelsUnmatched;
    public final CounterSeries errorReportsSuppressed;
    /** Failures inside the agent while handling a message (a bug: the message is skipped, the worker goes on). */
    public final CounterSeries internalErrors;
    /** Predictions whose sensor ts is too far from this machine's clock for an end-to-end latency. */
    public final CounterSeries endToEndSkipped;
    /** Samples the broker delivered again that the stream had already (recognised by their ts and skipped). */
    public final CounterSeries repeatedSamples;
    /** Streams removed after input.stream_idle_seconds without a message, or by the reset-stream command. */
    public final CounterSeries streamsRemoved;
    private final Map<RejectReason, CounterSeries> rejected = new EnumMap<>(RejectReason.class);

    public final LatencyStage queueWait;
    public final LatencyStage inference;
    public final LatencyStage publish;
    public final LatencyStage endToEnd;
    private final List<LatencyStage> stages;

    /** Metrics of an agent whose model is not known (tests). */
    public AgentMetrics() {
        this("unknown", "unknown");
    }

    /**
     * @param modelVersion version of the model the agent starts with (label {@code model_version})
     * @param stage        its stage from the config (label {@code stage})
     */
    public AgentMetrics(String modelVersion, String stage) {
        String[] model = {modelVersion, stage};
        Counter messages = counter("ssm_edge_messages_received_total", "MQTT messages received, by kind", "kind");
        sensorMessages = new CounterSeries(messages, "sensor");
        labelMessages = new CounterSeries(messages, "label");
        otherMessages = new CounterSeries(messages, "other");
        dropped = new CounterSeries(counter("ssm_edge_dropped_messages_total",
                "messages dropped because a worker queue was full (workers.overflow)"));
        Counter rejects = counter("ssm_edge_rejected_messages_total", "messages that could not be used, by reason",
                "reason");
        for (RejectReason r : RejectReason.values()) {
            rejected.put(r, new CounterSeries(rejects, r.key()));
        }
        samples = new CounterSeries(counter("ssm_edge_samples_total", "sensor samples run through the model",
                MODEL_LABELS), model);
        predictions = new CounterSeries(counter("ssm_edge_predictions_total", "predictions published",
                MODEL_LABELS), model);
        publishFailures = new CounterSeries(counter("ssm_edge_publish_failures_total",
                "predictions the MQTT client refused"));
        labels = new CounterSeries(counter("ssm_edge_labels_total", "labels received"));
        labelsMatched = new CounterSeries(counter("ssm_edge_labels_matched_total", "labels joined to a prediction"));
        labelsUnmatched = new CounterSeries(counter("ssm_edge_labels_unmatched_total",
                "labels that found no prediction"));
        errorReportsSuppressed = new CounterSeries(counter("ssm_edge_error_reports_suppressed_total",
                "rejections not reported on the error topic (rate limit)"));
        internalErrors = new CounterSeries(counter("ssm_edge_internal_errors_total",
                "messages skipped by an unexpected failure (a bug)"));
        inputPauses = new CounterSeries(counter("ssm_edge_input_paused_total",
                "times the sensor input found a worker queue full and stopped reading until it had room (overflow "
                        + "block): the broker keeps the messages meanwhile"));
        endToEndSkipped = new CounterSeries(counter("ssm_edge_end_to_end_skipped_total",
                "predictions without end-to-end latency (sensor clock more than an hour off)"));
        repeatedSamples = new CounterSeries(counter("ssm_edge_repeated_samples_total",
                "samples delivered again by the broker (e.g. after a crash) that were recognised by their ts and skipped"));
        streamsRemoved = new CounterSeries(counter("ssm_edge_streams_removed_total",
                "streams removed because they sent nothing for input.stream_idle_seconds, or by reset-stream"));

        queueWait = stage("queue_wait", "time a message waited in its worker queue (arrival from the broker to "
                + "start of processing)");
        inference = stage("inference", "time to read a message and run the model on its samples", model);
        publish = stage("publish", "time to format a prediction and hand it to the MQTT client");
        endToEnd = stage("end_to_end", "sensor ts of the window's last sample to the prediction handed to the MQTT "
                + "client", model);
        stages = List.of(queueWait, inference, publish, endToEnd);
        registerJvmMetrics(registry);
    }

    /**
     * jvm_* and process_* (heap and pools, GC, threads, classes, JIT, buffers, CPU, RSS, open files, start time):
     * Prometheus' JvmMetrics without its native-memory and allocation-counting parts. Those two go through the
     * platform MBean server and JMX notifications, which load about 300 JDK classes (some 2 MB of metaspace and
     * heap, issue #12) for figures an idle gateway does not need: native memory is empty unless the JVM runs with
     * -XX:NativeMemoryTracking, and the allocation rate belongs in a profile (JFR), not in every scrape.
     */
    private static void registerJvmMetrics(PrometheusRegistry registry) {
        JvmThreadsMetrics.builder().register(registry);
        JvmBufferPoolMetrics.builder().register(registry);
        JvmClassLoadingMetrics.builder().register(registry);
        JvmCompilationMetrics.builder().register(registry);
        JvmGarbageCollectorMetrics.builder().register(registry);
        JvmMemoryMetrics.builder().register(registry);
        JvmRuntimeInfoMetric.builder().register(registry);
        ProcessMetrics.builder().register(registry);
    }

    private Counter counter(String name, String help, String... labelNames) {
        return Counter.builder().name(name).help(help).labelNames(labelNames).register(registry);
    }

    /** One latency stage: histogram ssm_edge_NAME_seconds, labelled by model when {@code model} is given. */
    private LatencyStage stage(String name, String help, String... model) {
        Histogram h = Histogram.builder().name("ssm_edge_" + name + "_seconds").help(help)
                .labelNames(model.length == 0 ? new String[0] : MODEL_LABELS)
                .classicUpperBounds(LATENCY_BUCKETS).register(registry);
        return new LatencyStage(name, help, h, model);
    }

    /** Where the agent's other parts register their gauges; what /metrics serves. */
    public PrometheusRegistry registry() {
        return registry;
    }

    public void rejected(RejectReason reason) {
        rejected.get(reason).increment();
    }

    public long rejectedCount(RejectReason reason) {
        return rejected.get(reason).sum();
    }

    public long rejectedTotal() {
        return rejected.values().stream().mapToLong(CounterSeries::sum).sum();
    }

    public List<LatencyStage> stages() {
        return stages;
    }
}
