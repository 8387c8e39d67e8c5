package io.ssmedge.agent.stream;

import io.ssmedge.agent.config.Durability;
import io.ssmedge.agent.config.InputConfig;
import io.ssmedge.agent.config.LabelsConfig;
import io.ssmedge.agent.deploy.DeploymentManager;
import io.ssmedge.agent.journal.StreamJournal;
import io.ssmedge.agent.labels.LiveScore;
import io.ssmedge.agent.metrics.AgentMetrics;
import io.ssmedge.inference.WindowSpec;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * What all workers share: the deployment (which models run, how streams are windowed; workers read its current
 * value between batches), the payload parsers (thread-safe), label settings, the overall live score, metrics, where
 * predictions and rejections go, when messages are confirmed to the broker (durability, with the journal when it is
 * {@code journal}) and the input limits.
 */
public record WorkerContext(DeploymentManager deployments, SensorPayloadParser sensors, LabelPayloadParser labels,
                            LabelsConfig labelSettings, LiveScore overall, AgentMetrics metrics, PredictionSink sink,
                            RejectionListener rejections, int maxStreams, AtomicInteger streams,
                            Durability durability, StreamJournal journal, InputConfig input) {
    public WorkerContext {
        if ((durability == Durability.JOURNAL) != (journal != null)) {
            throw new IllegalArgumentException("WorkerContext: a journal is needed exactly for durability journal");
        }
    }

    /** Without journal: messages are confirmed by the MQTT client on arrival; default input limits. */
    public WorkerContext(DeploymentManager deployments, SensorPayloadParser sensors, LabelPayloadParser labels,
                         LabelsConfig labelSettings, LiveScore overall, AgentMetrics metrics, PredictionSink sink,
                         RejectionListener rejections, int maxStreams, AtomicInteger streams) {
        this(deployments, sensors, labels, labelSettings, overall, metrics, sink, rejections, maxStreams, streams,
                Durability.NONE, null, InputConfig.defaults());
    }

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

    /** Gives a removed stream's place back. */
    void releaseStream() {
        streams.decrementAndGet();
    }

    /**
     * Raw samples kept per stream: enough to rebuild every open window (a window's first length − 1 samples), or
     * for continuous windows the last max(256, stride) samples to re-warm the state.
     */
    public static int ringCapacity(WindowSpec window) {
        return window.continuous() ? Math.max(256, window.stride()) : window.length();
    }
}
