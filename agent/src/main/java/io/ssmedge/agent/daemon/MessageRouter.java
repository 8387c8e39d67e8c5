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
        InboundMessage m = inbound(topic, payload, ack);
        if (m == null) {
            return true;
        }
        if (!pool.trySubmit(m, whenRoom)) {
            metrics.inputPauses.increment();
            return false;
        }
        count(m);
        return true;
    }

    @Override
    public void onMessage(String topic, byte[] payload, Ack ack) {
        InboundMessage m = inbound(topic, payload, ack);
        if (m != null) {
            count(m);
            pool.submit(m);
        }
    }

    /**
     * The message for its stream's worker, stamped with its arrival; null when there is nothing to queue: after
     * {@link #close} (ignored and left unconfirmed) or for a topic that is neither sensors nor labels (counted and
     * confirmed here).
     */
    private InboundMessage inbound(String topic, byte[] payload, Ack ack) {
        if (closed) {
            return null;
        }
        long nanos = System.nanoTime();
        TopicRoutes.Route route = routes.route(topic);
        if (route == null) {
            metrics.otherMessages.increment();
            ack.done();
            return null;
        }
        return InboundMessage.of(route.kind(), route.stream(), payload, maxBytes, nanos, Timestamps.nowMillis(), ack);
    }

    private void count(InboundMessage m) {
        (m.kind() == InboundMessage.Kind.SENSOR ? metrics.sensorMessages : metrics.labelMessages).increment();
    }
}
