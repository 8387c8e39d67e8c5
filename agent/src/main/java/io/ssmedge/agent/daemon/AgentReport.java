package io.ssmedge.agent.daemon;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ssmedge.agent.deploy.Deployment;
import io.ssmedge.agent.deploy.DeploymentManager;
import io.ssmedge.agent.deploy.ModelVersion;
import io.ssmedge.agent.http.StatusPages;
import io.ssmedge.agent.labels.LiveScore;
import io.ssmedge.agent.metrics.AgentMetrics;
import io.ssmedge.agent.metrics.LatencySnapshot;
import io.ssmedge.agent.metrics.LatencyStage;
import io.ssmedge.agent.metrics.MetricsExposition;
import io.ssmedge.agent.metrics.MetricsReporter;
import io.ssmedge.agent.metrics.ProcessMemory;
import io.ssmedge.agent.stream.RejectReason;
import io.ssmedge.agent.stream.StreamMemory;
import io.ssmedge.agent.stream.StreamSession;
import io.ssmedge.model.ModelInfo;

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
    public MetricsExposition metrics(String accept) {
        return MetricsExposition.of(agent.metrics().registry(), accept);
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
        model.put("version", agent.deployments().serving().version());
        if (agent.identity().release() != null) {
            model.put("release", agent.identity().release());
        }
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
        metrics.put("samples", m.samples.total());
        metrics.put("predictions", m.predictions.total());
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
        mem.put("rss_at_start_bytes", agent.rssAtStartBytes());
        mem.put("heap_max_bytes", ProcessMemory.heap().getMax());
        mem.put("gc", ProcessMemory.collectors());
        List<StreamSession> streams = agent.streams();
        streams.sort(Comparator.comparing(StreamSession::id));
        mem.put("state_bytes_total", streams.stream().mapToLong(StreamSession::stateBytes).sum());
        StreamMemory sm = agent.pool().memory();
        if (sm != null) { // what StreamMemory estimates: new streams beyond streams_heap_holds are refused (no_memory)
            mem.put("streams_heap_holds", sm.held());
            mem.put("bytes_per_stream_estimate", sm.bytesPerStream());
        }
        putScore(o.putObject("live_accuracy"), agent.overall().snapshot());
        putDeployment(o.putObject("deployment"), agent.deployments());

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
            ro.put("time", java.time.Instant.ofEpochMilli(rj.timeMillis()).toString());
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

    /**
     * {@code "deployment": {"generation": 3, "change": "promoted", "serving": {…}, "shadow": {…} or null}} where each
     * model is {@code {"version", "pruned_ratio", "method", "kept_states_per_layer", "live_accuracy"}} and the shadow
     * adds {@code "stream_share"}.
     */
    private static void putDeployment(ObjectNode o, DeploymentManager dm) {
        Deployment d = dm.current();
        o.put("generation", d.generation());
        o.put("change", d.transition());
        putVersion(o.putObject("serving"), d.serving(), dm);
        if (d.shadow() == null) {
            o.putNull("shadow");
        } else {
            ObjectNode h = o.putObject("shadow");
            putVersion(h, d.shadow(), dm);
            h.put("stream_share", d.shadowShare());
        }
    }

    private static void putVersion(ObjectNode o, ModelVersion v, DeploymentManager dm) {
        o.put("version", v.version());
        o.put("pruned_ratio", v.ratio());
        o.put("method", v.method());
        ArrayNode kept = o.putArray("kept_states_per_layer");
        for (int k : v.keptPerLayer()) {
            kept.add(k);
        }
        putScore(o.putObject("live_accuracy"), dm.score(v).snapshot());
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
