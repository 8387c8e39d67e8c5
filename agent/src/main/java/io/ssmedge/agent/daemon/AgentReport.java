package io.ssmedge.agent.daemon;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ssmedge.agent.http.StatusPages;
import io.ssmedge.agent.labels.LiveScore;
import io.ssmedge.agent.metrics.AgentMetrics;
import io.ssmedge.agent.metrics.LatencySnapshot;
import io.ssmedge.agent.metrics.LatencyStage;
import io.ssmedge.agent.metrics.MetricsReporter;
import io.ssmedge.agent.metrics.ProcessMemory;
import io.ssmedge.agent.metrics.PrometheusText;
import io.ssmedge.agent.stream.RejectReason;
import io.ssmedge.agent.stream.StreamSession;
import io.ssmedge.model.ModelInfo;

import java.lang.management.MemoryUsage;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;

/** The agent's status pages: readiness, Prometheus metrics and the /api/status JSON. */
final class AgentReport implements StatusPages {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Agent agent;
    private final ModelInfo info;

    AgentReport(Agent agent) {
        this.agent = agent;
        this.info = ModelInfo.of(agent.model());
    }

    @Override
    public io.ssmedge.agent.command.CommandDispatcher commands() {
        return agent.commands();
    }

    @Override
    public boolean ready() {
        return readiness().isEmpty();
    }

    @Override
    public String readiness() {
        if (agent.stopping()) {
            return "stopping";
        }
        if (!agent.subscriber().isConnected()) {
            return "not connected to the broker " + agent.config().mqtt().serverUri() + " (sensors in)";
        }
        if (!agent.subscriber().isReady()) {
            return "connected, waiting for the broker to confirm the subscriptions";
        }
        if (!agent.publisher().isConnected()) {
            return "not connected to the broker " + agent.config().mqtt().serverUri() + " (predictions out)";
        }
        return "";
    }

    @Override
    public String prometheus() {
        AgentMetrics m = agent.metrics();
        PrometheusText p = new PrometheusText();
        p.family("ssm_edge_messages_received_total", "counter", "MQTT messages received, by kind")
                .sample("ssm_edge_messages_received_total", m.sensorMessages.sum(), "kind", "sensor")
                .sample("ssm_edge_messages_received_total", m.labelMessages.sum(), "kind", "label")
                .sample("ssm_edge_messages_received_total", m.otherMessages.sum(), "kind", "other");
        p.single("ssm_edge_dropped_messages_total", "counter",
                "messages dropped because a worker queue was full (workers.overflow)", m.dropped.sum());
        p.family("ssm_edge_rejected_messages_total", "counter", "messages that could not be used, by reason");
        for (RejectReason r : RejectReason.values()) {
            p.sample("ssm_edge_rejected_messages_total", m.rejectedCount(r), "reason", r.key());
        }
        p.single("ssm_edge_samples_total", "counter", "sensor samples run through the model", m.samples.sum());
        p.single("ssm_edge_predictions_total", "counter", "predictions published", m.predictions.sum());
        p.single("ssm_edge_publish_failures_total", "counter", "predictions the MQTT client refused", m.publishFailures.sum());
        p.single("ssm_edge_internal_errors_total", "counter", "messages skipped by an unexpected failure (a bug)",
                m.internalErrors.sum());
        p.single("ssm_edge_error_reports_suppressed_total", "counter",
                "rejections not reported on the error topic (rate limit)", m.errorReportsSuppressed.sum());
        p.single("ssm_edge_end_to_end_skipped_total", "counter",
                "predictions without end-to-end latency (sensor clock more than an hour off)", m.endToEndSkipped.sum());

        p.family("ssm_edge_latency_seconds", "summary", "latency per stage since start (queue_wait, inference, publish, "
                + "end_to_end)");
        for (LatencyStage s : m.stages()) {
            p.summary("ssm_edge_latency_seconds", s.total(), "stage", s.name());
        }
        p.family("ssm_edge_recent_latency_seconds", "summary", "latency per stage in the last reporting interval");
        for (LatencyStage s : m.stages()) {
            p.summary("ssm_edge_recent_latency_seconds", s.recent(), "stage", s.name());
        }
        MetricsReporter.Rates r = agent.rates();
        p.single("ssm_edge_samples_per_second", "gauge", "samples per second in the last reporting interval",
                r.samplesPerSecond());
        p.single("ssm_edge_predictions_per_second", "gauge", "predictions per second in the last reporting interval",
                r.predictionsPerSecond());

        List<StreamSession> streams = agent.streams();
        long stateBytes = streams.stream().mapToLong(StreamSession::stateBytes).sum();
        p.single("ssm_edge_streams", "gauge", "sensor streams being served", streams.size());
        p.single("ssm_edge_state_bytes", "gauge", "bytes of model state held for all streams", stateBytes);
        p.family("ssm_edge_queue_depth", "gauge", "messages waiting per worker");
        for (int i = 0; i < agent.pool().workers(); i++) {
            p.sample("ssm_edge_queue_depth", agent.pool().queueDepth(i), "worker", Integer.toString(i));
        }

        LiveScore.Snapshot live = agent.overall().snapshot();
        p.single("ssm_edge_labels_total", "counter", "labels received", m.labels.sum());
        p.single("ssm_edge_labels_matched_total", "counter", "labels joined to a prediction", m.labelsMatched.sum());
        p.single("ssm_edge_labels_unmatched_total", "counter", "labels that found no prediction", m.labelsUnmatched.sum());
        p.single("ssm_edge_live_accuracy", "gauge", "labeled predictions that were right (NaN before any label)",
                live.accuracy());
        p.single("ssm_edge_live_false_alarm_rate", "gauge", "normal windows predicted as an anomaly", live.falseAlarmRate());
        p.single("ssm_edge_live_miss_rate", "gauge", "anomalous windows predicted normal", live.missRate());
        p.single("ssm_edge_live_f1", "gauge", "F1 of anomaly against normal", live.f1());

        p.family("ssm_edge_mqtt_connected", "gauge", "1 when the connection is up")
                .sample("ssm_edge_mqtt_connected", agent.subscriber().isConnected() ? 1 : 0, "connection", "sensors")
                .sample("ssm_edge_mqtt_connected", agent.publisher().isConnected() ? 1 : 0, "connection", "predictions");
        p.family("ssm_edge_mqtt_reconnects_total", "counter", "automatic reconnects")
                .sample("ssm_edge_mqtt_reconnects_total", agent.subscriber().reconnects(), "connection", "sensors")
                .sample("ssm_edge_mqtt_reconnects_total", agent.publisher().reconnects(), "connection", "predictions");

        MemoryUsage heap = ProcessMemory.heap();
        p.single("ssm_edge_jvm_heap_used_bytes", "gauge", "JVM heap in use", heap.getUsed());
        p.single("ssm_edge_jvm_heap_committed_bytes", "gauge", "JVM heap reserved from the OS", heap.getCommitted());
        p.single("process_resident_memory_bytes", "gauge", "resident set size (VmRSS)", ProcessMemory.rssBytes());
        p.single("ssm_edge_model_weight_bytes", "gauge", "bytes of model weights", info.weightBytes());
        p.single("ssm_edge_uptime_seconds", "gauge", "seconds since start",
                Duration.between(agent.started(), Instant.now()).toMillis() / 1000.0);
        return p.toString();
    }

    @Override
    public byte[] statusJson() {
        return statusJson(java.util.Map.of());
    }

    @Override
    public byte[] historyJson(long sinceMillis) {
        return agent.history().json(sinceMillis);
    }

    @Override
    public byte[] statusJson(java.util.Map<String, String> query) {
        ObjectNode o = JSON.createObjectNode();
        o.put("ready", ready());
        o.put("readiness", readiness());
        o.put("started", agent.started().toString());
        ObjectNode model = o.putObject("model");
        model.put("name", agent.identity().name());
        model.put("stage", agent.identity().stage());
        model.put("version", agent.identity().version());
        model.put("summary", info.summary());
        agent.model().channels().forEach(model.putArray("channels")::add);
        agent.model().classes().forEach(model.putArray("classes")::add);
        model.put("weight_bytes", info.weightBytes());
        java.util.Arrays.stream(agent.model().unitsPerLayer()).forEach(model.putArray("states_per_layer")::add);
        ObjectNode w = o.putObject("window");
        w.put("length", agent.window().continuous() ? 0 : agent.window().length());
        w.put("stride", agent.window().stride());
        w.put("continuous", agent.window().continuous());

        ObjectNode mqtt = o.putObject("mqtt");
        mqtt.put("broker", agent.config().mqtt().serverUri());
        mqtt.put("version", agent.config().mqtt().version().key());
        mqtt.put("sensors_connected", agent.subscriber().isConnected());
        mqtt.put("predictions_connected", agent.publisher().isConnected());
        mqtt.put("reconnects", agent.subscriber().reconnects() + agent.publisher().reconnects());

        AgentMetrics m = agent.metrics();
        ObjectNode metrics = o.putObject("metrics");
        metrics.put("sensor_messages", m.sensorMessages.sum());
        metrics.put("label_messages", m.labelMessages.sum());
        metrics.put("samples", m.samples.sum());
        metrics.put("predictions", m.predictions.sum());
        metrics.put("dropped", m.dropped.sum());
        metrics.put("publish_failures", m.publishFailures.sum());
        ObjectNode rej = metrics.putObject("rejected");
        for (RejectReason r : RejectReason.values()) {
            rej.put(r.key(), m.rejectedCount(r));
        }
        MetricsReporter.Rates r = agent.rates();
        metrics.put("samples_per_second", r.samplesPerSecond());
        metrics.put("predictions_per_second", r.predictionsPerSecond());
        ObjectNode lat = metrics.putObject("latency_ms");
        for (LatencyStage s : m.stages()) {
            LatencySnapshot t = s.total();
            ObjectNode st = lat.putObject(s.name());
            st.put("count", t.count());
            st.put("p50", t.p50() / 1000.0);
            st.put("p99", t.p99() / 1000.0);
            st.put("p999", t.p999() / 1000.0);
            st.put("max", t.max() / 1000.0);
        }
        ObjectNode mem = metrics.putObject("memory");
        mem.put("heap_used_bytes", ProcessMemory.heap().getUsed());
        mem.put("rss_bytes", ProcessMemory.rssBytes());
        List<StreamSession> streams = agent.streams();
        streams.sort(Comparator.comparing(StreamSession::id));
        mem.put("state_bytes_total", streams.stream().mapToLong(StreamSession::stateBytes).sum());
        putScore(o.putObject("live_accuracy"), agent.overall().snapshot());

        // the dashboard asks for a page of the (sorted) streams, optionally those whose name contains a text
        String filter = query.getOrDefault("stream_filter", "").toLowerCase(java.util.Locale.ROOT);
        int limit = Integer.MAX_VALUE;
        try {
            limit = Math.max(0, Integer.parseInt(query.getOrDefault("streams_limit", Integer.toString(Integer.MAX_VALUE))));
        } catch (NumberFormatException e) {
            // an unreadable limit lists every stream
        }
        if (!filter.isEmpty()) {
            streams.removeIf(s -> !s.id().toLowerCase(java.util.Locale.ROOT).contains(filter));
        }
        o.put("streams_total", agent.streams().size());
        o.put("streams_matching", streams.size());
        o.put("history_period_seconds", agent.history().periodSeconds());
        ArrayNode rejections = o.putArray("rejections_recent");
        for (io.ssmedge.agent.dashboard.RecentRejections.Rejection rj : agent.rejections().recent()) {
            ObjectNode ro = rejections.addObject();
            ro.put("time", Instant.ofEpochMilli(rj.timeMillis()).toString());
            ro.put("stream", rj.stream());
            ro.put("kind", rj.kind());
            ro.put("reason", rj.reason());
            ro.put("message", rj.message());
        }
        ArrayNode list = o.putArray("streams");
        for (StreamSession s : streams.subList(0, Math.min(limit, streams.size()))) {
            ObjectNode so = list.addObject();
            so.put("stream", s.id());
            so.put("samples", s.samples());
            so.put("predictions", s.predictions());
            so.put("rejected", s.rejected());
            so.put("state_bytes", s.stateBytes());
            if (s.lastClass() >= 0) {
                so.put("last_class", agent.model().classes().get(s.lastClass()));
                so.put("last_prediction_ts", s.lastPredictionTs());
            }
            putScore(so.putObject("live_accuracy"), s.score().snapshot());
        }
        agent.statusSections().forEach((key, section) -> {
            if (!o.has(key)) {
                o.set(key, section.get());
            }
        });
        try {
            return JSON.writeValueAsBytes(o);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void putScore(ObjectNode o, LiveScore.Snapshot s) {
        o.put("labeled_predictions", s.matched());
        putRate(o, "accuracy", s.accuracy());
        putRate(o, "false_alarm_rate", s.falseAlarmRate());
        putRate(o, "miss_rate", s.missRate());
        putRate(o, "f1", s.f1());
    }

    private static void putRate(ObjectNode o, String k, double v) {
        if (Double.isNaN(v)) {
            o.putNull(k);
        } else {
            o.put(k, v);
        }
    }
}
