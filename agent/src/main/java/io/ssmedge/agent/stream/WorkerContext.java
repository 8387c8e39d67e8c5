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
 * {@code journal}), the input limits and how many streams the heap holds ({@code memory}; null = not checked).
 */
public record WorkerContext(DeploymentManager deployments, SensorPayloadParser sensors, LabelPayloadParser labels,
                            LabelsConfig labelSettings, LiveScore overall, AgentMetrics metrics, PredictionSink sink,
                            RejectionListener rejections, int maxStreams, AtomicInteger streams,
                            Durability durability, StreamJournal journal, InputConfig input,
                            StreamMemory memory) {
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
                Durability.NONE, null, InputConfig.defaults(), null);
    }

    /**
     * Takes a place for a new stream: null when taken, else why not: {@link RejectReason#TOO_MANY_STREAMS} when
     * max_streams streams exist already, {@link RejectReason#NO_MEMORY} when the heap holds no more ({@code memory},
     * null = not checked).
     */
    RejectReason reserveStream() {
        int n;
        do {
            n = streams.get();
            if (n >= maxStreams) {
                return RejectReason.TOO_MANY_STREAMS;
            }
            if (memory != null && (n >= memory.held() || memory.fullAfterGc())) {
                return RejectReason.NO_MEMORY;
            }
        } while (!streams.compareAndSet(n, n + 1));
        return null;
    }

    /** Why a stream was refused, for logs and the errors topic. */
    String refusal(RejectReason why, String stream) {
        return why == RejectReason.NO_MEMORY
                ? "no memory for another stream: " + memory.describe() + (memory.fullAfterGc() ? ", and it was over "
                + Math.round(100 * StreamMemory.FULL_AFTER_GC) + " % full after the last collection" : "") + "; "
                + memory.advice() + "; stream '" + stream + "' is ignored"
                : "the agent already serves workers.max_streams = " + maxStreams + " streams; stream '" + stream
                + "' is ignored";
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
