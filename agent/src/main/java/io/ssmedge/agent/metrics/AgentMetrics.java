package io.ssmedge.agent.metrics;

import io.ssmedge.agent.stream.RejectReason;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * The agent's counters and latency stages, written by the MQTT callback, the workers and the publisher, read by
 * /metrics, /api/status and the periodic log line. All members are thread-safe.
 */
public final class AgentMetrics {
    public final LongAdder sensorMessages = new LongAdder();
    public final LongAdder labelMessages = new LongAdder();
    public final LongAdder otherMessages = new LongAdder();
    public final LongAdder dropped = new LongAdder();
    public final LongAdder samples = new LongAdder();
    public final LongAdder predictions = new LongAdder();
    public final LongAdder publishFailures = new LongAdder();
    public final LongAdder labels = new LongAdder();
    public final LongAdder labelsMatched = new LongAdder();
    public final LongAdder labelsUnmatched = new LongAdder();
    public final LongAdder errorReportsSuppressed = new LongAdder();
    /** Failures inside the agent while handling a message (a bug: the message is skipped, the worker goes on). */
    public final LongAdder internalErrors = new LongAdder();
    /** Predictions whose sensor ts is too far from this machine's clock for an end-to-end latency. */
    public final LongAdder endToEndSkipped = new LongAdder();
    /** Samples the broker delivered again that the stream had already (recognised by their ts and skipped). */
    public final LongAdder repeatedSamples = new LongAdder();
    /** Streams removed after stream_idle_seconds without a message, or by the reset-stream command. */
    public final LongAdder streamsRemoved = new LongAdder();
    private final Map<RejectReason, LongAdder> rejected = new EnumMap<>(RejectReason.class);

    public final LatencyStage queueWait = new LatencyStage("queue_wait",
            "time a message waited in its worker queue (arrival from the broker to start of processing)");
    public final LatencyStage inference = new LatencyStage("inference",
            "time to read a message and run the model on its samples");
    public final LatencyStage publish = new LatencyStage("publish",
            "time to format a prediction and hand it to the MQTT client");
    public final LatencyStage endToEnd = new LatencyStage("end_to_end",
            "sensor ts of the window's last sample to the prediction handed to the MQTT client");
    private final List<LatencyStage> stages = List.of(queueWait, inference, publish, endToEnd);

    public AgentMetrics() {
        for (RejectReason r : RejectReason.values()) {
            rejected.put(r, new LongAdder());
        }
    }

    public void rejected(RejectReason reason) {
        rejected.get(reason).increment();
    }

    public long rejectedCount(RejectReason reason) {
        return rejected.get(reason).sum();
    }

    public long rejectedTotal() {
        return rejected.values().stream().mapToLong(LongAdder::sum).sum();
    }

    public List<LatencyStage> stages() {
        return stages;
    }
}
