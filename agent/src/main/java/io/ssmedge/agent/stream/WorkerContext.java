package io.ssmedge.agent.stream;

import io.ssmedge.agent.config.LabelsConfig;
import io.ssmedge.agent.deploy.DeploymentManager;
import io.ssmedge.agent.labels.LiveScore;
import io.ssmedge.agent.metrics.AgentMetrics;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * What all workers share: the deployment (which models run, how streams are windowed; workers read its current
 * value between batches), the payload parsers (thread-safe), label settings, the overall live score, metrics, and
 * where predictions and rejections go.
 */
public record WorkerContext(DeploymentManager deployments, SensorPayloadParser sensors, LabelPayloadParser labels,
                            LabelsConfig labelSettings, LiveScore overall, AgentMetrics metrics, PredictionSink sink,
                            RejectionListener rejections, int maxStreams, AtomicInteger streams) {
    /** Takes a place for a new stream; false when max_streams streams exist already. */
    boolean reserveStream() {
        int n;
        do {
            n = streams.get();
            if (n >= maxStreams) {
                return false;
            }
        } while (!streams.compareAndSet(n, n + 1));
        return true;
    }
}
