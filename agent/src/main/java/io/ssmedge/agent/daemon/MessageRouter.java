package io.ssmedge.agent.daemon;

import io.ssmedge.agent.metrics.AgentMetrics;
import io.ssmedge.agent.mqtt.Ack;
import io.ssmedge.agent.mqtt.MessageHandler;
import io.ssmedge.agent.stream.InboundMessage;
import io.ssmedge.agent.stream.Timestamps;
import io.ssmedge.agent.stream.TopicFilter;
import io.ssmedge.agent.stream.TopicRoutes;
import io.ssmedge.agent.stream.WorkerPool;

/**
 * The MQTT callback of the sensor connection: finds the stream id in the topic, stamps the arrival time and queues
 * the message for the stream's worker. Nothing else happens on the callback thread.
 */
public final class MessageRouter implements MessageHandler {
    private final TopicRoutes routes;
    private final WorkerPool pool;
    private final AgentMetrics metrics;
    private final int maxBytes;
    private volatile boolean closed;

    /** @param maxBytes larger payloads are not queued (only their size, to be rejected by the worker) */
    public MessageRouter(TopicFilter sensors, TopicFilter labels, WorkerPool pool, AgentMetrics metrics, int maxBytes) {
        this.maxBytes = maxBytes;
        this.routes = new TopicRoutes(sensors, labels);
        this.pool = pool;
        this.metrics = metrics;
    }

    /** From now on messages are ignored and left unconfirmed: the broker delivers them again later (shutdown). */
    public void close() {
        closed = true;
    }

    /**
     * Never waits: with overflow block and a full worker queue the message is not taken (false) and the connection
     * offers it again after {@code whenRoom}. Its arrival time is stamped at the offer that is taken, so queue_wait
     * does not include the time the connection held it; the end-to-end latency (from the sample's ts) does.
     */
    @Override
    public boolean offer(String topic, byte[] payload, Ack ack, Runnable whenRoom) {
        if (closed) {
            return true; // ignored and left unconfirmed, as in onMessage
        }
        long nanos = System.nanoTime();
        TopicRoutes.Route route = routes.route(topic);
        if (route == null) {
            metrics.otherMessages.increment();
            ack.done();
            return true;
        }
        if (!pool.trySubmit(InboundMessage.of(route.kind(), route.stream(), payload, maxBytes, nanos,
                Timestamps.nowMillis(), ack), whenRoom)) {
            metrics.inputPauses.increment();
            return false;
        }
        (route.kind() == InboundMessage.Kind.SENSOR ? metrics.sensorMessages : metrics.labelMessages).increment();
        return true;
    }

    @Override
    public void onMessage(String topic, byte[] payload, Ack ack) {
        if (closed) {
            return;
        }
        long nanos = System.nanoTime();
        TopicRoutes.Route route = routes.route(topic);
        if (route == null) {
            metrics.otherMessages.increment();
            ack.done();
            return;
        }
        (route.kind() == InboundMessage.Kind.SENSOR ? metrics.sensorMessages : metrics.labelMessages).increment();
        pool.submit(InboundMessage.of(route.kind(), route.stream(), payload, maxBytes, nanos, Timestamps.nowMillis(), ack));
    }
}
