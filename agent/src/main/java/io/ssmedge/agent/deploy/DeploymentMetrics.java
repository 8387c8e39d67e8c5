package io.ssmedge.agent.deploy;

import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.ssmedge.agent.labels.LiveScore;

import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * /metrics series of the deployment, read at scrape time: which model versions run in which role, the shadow's
 * stream share, the number of switches, and the live score of every model version against the joined labels.
 */
public final class DeploymentMetrics {
    private DeploymentMetrics() {
    }

    public static void register(DeploymentManager dm, PrometheusRegistry registry) {
        GaugeWithCallback.builder().name("ssm_edge_model_running")
                .help("1 per model running: role serving (published) or shadow (compared only), with its pruned ratio")
                .labelNames("model_version", "role", "pruned_ratio").callback(cb -> {
                    Deployment d = dm.current();
                    cb.call(1, d.serving().version(), "serving", ratio(d.serving()));
                    if (d.shadow() != null) {
                        cb.call(1, d.shadow().version(), "shadow", ratio(d.shadow()));
                    }
                }).register(registry);
        GaugeWithCallback.builder().name("ssm_edge_shadow_stream_share")
                .help("share of streams the shadow model runs on (0 without a shadow)")
                .callback(cb -> cb.call(dm.current().shadowShare())).register(registry);
        GaugeWithCallback.builder().name("ssm_edge_deployment_generation")
                .help("model switches since start, plus one")
                .callback(cb -> cb.call(dm.current().generation())).register(registry);
        CounterWithCallback.builder().name("ssm_edge_model_labeled_predictions_total")
                .help("predictions of a model version (published or shadow) joined to a label")
                .labelNames("model_version").callback(cb -> scores(dm).forEach((v, s) -> cb.call(s.matched(), v)))
                .register(registry);
        GaugeWithCallback.builder().name("ssm_edge_model_live_accuracy")
                .help("labeled predictions of a model version (published or shadow) that were right")
                .labelNames("model_version").callback(cb -> scores(dm).forEach((v, s) -> cb.call(s.accuracy(), v)))
                .register(registry);
    }

    private static Map<String, LiveScore.Snapshot> scores(DeploymentManager dm) {
        Map<String, LiveScore.Snapshot> out = new TreeMap<>();
        dm.scores().forEach((v, s) -> out.put(v, s.snapshot()));
        return out;
    }

    private static String ratio(ModelVersion v) {
        return String.format(Locale.ROOT, "%.2f", v.ratio());
    }
}
