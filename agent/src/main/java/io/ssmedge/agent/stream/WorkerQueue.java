package io.ssmedge.agent.stream;

import io.ssmedge.agent.config.OverflowPolicy;

import java.util.Collection;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/** A worker's bounded inbox with its overflow policy. Producers: the MQTT callback; consumer: the worker. */
final class WorkerQueue {
    private final ArrayBlockingQueue<InboundMessage> queue;
    private final OverflowPolicy policy;
    /** A producer that found the queue full ({@link #tryOffer}), to be told once there is room again. */
    private final AtomicReference<Runnable> waiting = new AtomicReference<>();
    /** Free places at which that producer is told: some, not one, so that it is not woken for every message. */
    private final int resumeRoom;

    WorkerQueue(int capacity, OverflowPolicy policy) {
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.policy = policy;
        this.resumeRoom = Math.max(1, Math.min(capacity / 4, 1024));
    }

    /**
     * Queues a message without waiting, for overflow block on a producer that must not block (the MQTT event loop):
     * false when the queue is full. {@code whenRoom} then runs once, on the worker's thread, as soon as the worker
     * has made room ({@link #tookMessages}); the producer offers the message again after that. Only for overflow
     * block: the drop policies never wait, so their producers use {@link #offer} ({@link WorkerPool#trySubmit}).
     */
    boolean tryOffer(InboundMessage m, Runnable whenRoom) {
        if (policy != OverflowPolicy.BLOCK) {
            throw new IllegalStateException("tryOffer is for overflow block; " + policy + " never waits");
        }
        if (queue.offer(m)) {
            return true;
        }
        waiting.set(whenRoom);
        // the worker may have drained everything between the failed offer and set: without this second try
        // nobody would run whenRoom (the worker only looks after taking messages)
        if (queue.offer(m)) {
            waiting.compareAndSet(whenRoom, null); // if the worker took it already, whenRoom runs and finds nothing
            return true;
        }
        return false;
    }

    /** Called by the worker after taking messages: tells a producer waiting in {@link #tryOffer} there is room. */
    void tookMessages() {
        Runnable r = waiting.get();
        if (r != null && queue.remainingCapacity() >= resumeRoom && waiting.compareAndSet(r, null)) {
            r.run();
        }
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
