package io.ssmedge.agent.daemon;

import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Info;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.ssmedge.agent.labels.LiveScore;
import io.ssmedge.agent.metrics.AgentMetrics;
import io.ssmedge.agent.stream.StreamSession;
import io.ssmedge.model.ModelInfo;

import java.time.Duration;
import java.time.Instant;
import java.util.function.Consumer;
import java.util.function.ToDoubleFunction;

/**
 * The agent's gauges for /metrics: values read from the running agent at scrape time (streams, queues, live
 * accuracy, MQTT connections, rates of the last reporting interval, model facts). Counters are in
 * {@link AgentMetrics}; JVM and process metrics come from the client library.
 */
final class AgentGauges {
    private AgentGauges() {
    }

    static void register(Agent agent, PrometheusRegistry registry) {
        ModelInfo info = ModelInfo.of(agent.model());
        ModelIdentity id = agent.identity();
        Info.builder().name("ssm_edge_model_info").help("the model being served: 1 with its name, version and stage")
                .labelNames("name", "model_version", "stage").register(registry)
                .setLabelValues(id.name(), agent.deployments().serving().version(), id.stage());
        gauge(registry, "ssm_edge_model_weight_bytes", "bytes of model weights", a -> info.weightBytes(), agent);
        gauge(registry, "ssm_edge_uptime_seconds", "seconds since start",
                a -> Duration.between(a.started(), Instant.now()).toMillis() / 1000.0, agent);
        gauge(registry, "ssm_edge_samples_per_second", "samples per second in the last reporting interval",
                a -> a.rates().samplesPerSecond(), agent);
        gauge(registry, "ssm_edge_predictions_per_second", "predictions per second in the last reporting interval",
                a -> a.rates().predictionsPerSecond(), agent);
        gauge(registry, "ssm_edge_streams", "sensor streams being served", a -> a.streams().size(), agent);
        gauge(registry, "ssm_edge_state_bytes", "bytes of model state held for all streams",
                a -> a.streams().stream().mapToLong(StreamSession::stateBytes).sum(), agent);
        GaugeWithCallback.builder().name("ssm_edge_queue_depth").help("messages waiting per worker")
                .labelNames("worker").callback(cb -> {
                    for (int i = 0; i < agent.pool().workers(); i++) {
                        cb.call(agent.pool().queueDepth(i), Integer.toString(i));
                    }
                }).register(registry);

        live(registry, "ssm_edge_live_accuracy", "labeled predictions that were right (NaN before any label)",
                LiveScore.Snapshot::accuracy, agent);
        live(registry, "ssm_edge_live_false_alarm_rate", "normal windows predicted as an anomaly",
                LiveScore.Snapshot::falseAlarmRate, agent);
        live(registry, "ssm_edge_live_miss_rate", "anomalous windows predicted normal", LiveScore.Snapshot::missRate,
                agent);
        live(registry, "ssm_edge_live_f1", "F1 of anomaly against normal", LiveScore.Snapshot::f1, agent);

        GaugeWithCallback.builder().name("ssm_edge_mqtt_connected").help("1 when the connection is up")
                .labelNames("connection").callback(cb -> {
                    cb.call(agent.subscriber().isConnected() ? 1 : 0, "sensors");
                    cb.call(agent.publisher().isConnected() ? 1 : 0, "predictions");
                }).register(registry);
        CounterWithCallback.builder().name("ssm_edge_mqtt_reconnects_total").help("automatic reconnects")
                .labelNames("connection").callback(cb -> {
                    cb.call(agent.subscriber().reconnects(), "sensors");
                    cb.call(agent.publisher().reconnects(), "predictions");
                }).register(registry);
    }

    private static void gauge(PrometheusRegistry registry, String name, String help, ToDoubleFunction<Agent> value,
                              Agent agent) {
        Consumer<GaugeWithCallback.Callback> cb = c -> c.call(value.applyAsDouble(agent));
        GaugeWithCallback.builder().name(name).help(help).callback(cb).register(registry);
    }

    private static void live(PrometheusRegistry registry, String name, String help,
                             ToDoubleFunction<LiveScore.Snapshot> value, Agent agent) {
        gauge(registry, name, help, a -> value.applyAsDouble(a.overall().snapshot()), agent);
    }
}
