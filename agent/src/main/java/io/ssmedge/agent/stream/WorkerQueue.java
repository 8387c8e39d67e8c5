package io.ssmedge.agent.stream;

import io.ssmedge.agent.config.OverflowPolicy;

import java.util.Collection;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A worker's bounded inbox with its overflow policy. Producers: the MQTT callback; consumer: the worker. */
final class WorkerQueue {
    private final ArrayBlockingQueue<InboundMessage> queue;
    private final OverflowPolicy policy;

    WorkerQueue(int capacity, OverflowPolicy policy) {
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.policy = policy;
    }

    /**
     * Queues a message, applying the overflow policy when full.
     *
     * @return messages dropped to do so (0 or 1)
     */
    int offer(InboundMessage m) {
        switch (policy) {
            case DROP_NEWEST:
                if (queue.offer(m)) {
                    return 0;
                }
                m.ack().done(); // dropped by the configured policy: the broker need not keep it
                return 1;
            case DROP_OLDEST: {
                int dropped = 0;
                while (!queue.offer(m)) {
                    InboundMessage old = queue.poll();
                    if (old != null) {
                        old.ack().done();
                        dropped++;
                    }
                }
                return dropped;
            }
            default:
                try {
                    queue.put(m); // backpressure: the MQTT client reads more slowly
                    return 0;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return 1;
                }
        }
    }

    InboundMessage poll(long millis) throws InterruptedException {
        return queue.poll(millis, TimeUnit.MILLISECONDS);
    }

    int drainTo(Collection<InboundMessage> into, int max) {
        return queue.drainTo(into, max);
    }

    int size() {
        return queue.size();
    }
}
