package io.ssmedge.agent.stream;

import io.ssmedge.agent.config.OverflowPolicy;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

class WorkerQueueTest {
    private static InboundMessage msg(int i) {
        return InboundMessage.of(InboundMessage.Kind.SENSOR, "s" + i, new byte[]{(byte) i}, 100, i, i);
    }

    private static List<String> drain(WorkerQueue q) {
        List<InboundMessage> out = new ArrayList<>();
        q.drainTo(out, 100);
        return out.stream().map(InboundMessage::stream).toList();
    }

    @Test
    void dropNewestKeepsWhatIsQueued() {
        WorkerQueue q = new WorkerQueue(2, OverflowPolicy.DROP_NEWEST);
        assertThat(q.offer(msg(1))).isZero();
        assertThat(q.offer(msg(2))).isZero();
        assertThat(q.offer(msg(3))).isEqualTo(1);
        assertThat(q.size()).isEqualTo(2);
        assertThat(drain(q)).containsExactly("s1", "s2");
    }

    @Test
    void dropOldestMakesRoomForTheNewMessage() {
        WorkerQueue q = new WorkerQueue(2, OverflowPolicy.DROP_OLDEST);
        q.offer(msg(1));
        q.offer(msg(2));
        assertThat(q.offer(msg(3))).isEqualTo(1);
        assertThat(drain(q)).containsExactly("s2", "s3");
    }

    @Test
    void blockWaitsForRoomAndLosesNothing() throws Exception {
        WorkerQueue q = new WorkerQueue(1, OverflowPolicy.BLOCK);
        q.offer(msg(1));
        CompletableFuture<Integer> second = CompletableFuture.supplyAsync(() -> q.offer(msg(2)));
        Thread.sleep(100);
        assertThat(second).as("the producer waits while the queue is full").isNotDone();
        assertThat(q.poll(1000).stream()).isEqualTo("s1");
        assertThat(second.get(5, TimeUnit.SECONDS)).isZero();
        assertThat(q.poll(1000).stream()).isEqualTo("s2");
        assertThat(q.poll(10)).as("empty: poll times out").isNull();
    }

    @Test
    void anInterruptedBlockedProducerCountsTheMessageAsDropped() throws Exception {
        WorkerQueue q = new WorkerQueue(1, OverflowPolicy.BLOCK);
        q.offer(msg(1));
        int[] dropped = new int[1];
        Thread t = new Thread(() -> dropped[0] = q.offer(msg(2)));
        t.start();
        Thread.sleep(50);
        t.interrupt();
        t.join(5000);
        assertThat(dropped[0]).isEqualTo(1);
        assertThat(q.size()).isEqualTo(1);
    }

    @Test
    void tryOfferNeverWaitsAndSaysWhenThereIsRoomAgain() {
        WorkerQueue q = new WorkerQueue(8, OverflowPolicy.BLOCK); // told at 2 free places (a quarter)
        for (int i = 0; i < 8; i++) {
            assertThat(q.tryOffer(msg(i), () -> { throw new AssertionError("not full yet"); })).isTrue();
        }
        AtomicInteger told = new AtomicInteger();
        assertThat(q.tryOffer(msg(8), told::incrementAndGet)).as("full: not taken, no waiting").isFalse();
        assertThat(q.size()).isEqualTo(8);
        List<InboundMessage> out = new ArrayList<>();
        q.drainTo(out, 1);
        q.tookMessages();
        assertThat(told).as("one free place is not enough room yet").hasValue(0);
        q.drainTo(out, 1);
        q.tookMessages();
        assertThat(told).as("told once there are two").hasValue(1);
        q.drainTo(out, 1);
        q.tookMessages();
        assertThat(told).as("told only once per refusal").hasValue(1);
        assertThat(q.tryOffer(msg(8), told::incrementAndGet)).isTrue();
    }

    @Test
    void tryOfferIsOnlyForBlock() {
        WorkerQueue q = new WorkerQueue(1, OverflowPolicy.DROP_OLDEST);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> q.tryOffer(msg(1), () -> { }))
                .isInstanceOf(IllegalStateException.class);
    }

    /**
     * A producer on one thread (as the MQTT event loop) that keeps refused messages and offers them again only when
     * told, against a consumer that takes one to three at a time: every message arrives, in order. A lost signal
     * (the consumer draining between the producer's failed offer and its registration) would stall the producer
     * and fail the timeout.
     */
    @Test
    void aProducerThatOnlyRetriesWhenToldLosesNothing() throws Exception {
        WorkerQueue q = new WorkerQueue(4, OverflowPolicy.BLOCK);
        int n = 200_000;
        ExecutorService loop = Executors.newSingleThreadExecutor();
        ArrayDeque<InboundMessage> held = new ArrayDeque<>(); // the producer's, only touched on `loop`
        int[] next = {0};
        Runnable[] produce = new Runnable[1];
        Runnable whenRoom = () -> loop.execute(produce[0]);
        produce[0] = () -> {
            while (true) {
                if (held.isEmpty()) {
                    if (next[0] == n) {
                        return;
                    }
                    held.add(msg(next[0]++));
                }
                if (!q.tryOffer(held.peek(), whenRoom)) {
                    return; // paused until whenRoom
                }
                held.poll();
            }
        };
        try {
            loop.execute(produce[0]);
            List<InboundMessage> got = new ArrayList<>(n);
            java.util.Random r = new java.util.Random(7);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (got.size() < n) {
                assertThat(System.nanoTime()).as("stalled after %d of %d messages", got.size(), n).isLessThan(deadline);
                InboundMessage first = q.poll(10);
                if (first == null) {
                    continue;
                }
                got.add(first);
                q.drainTo(got, r.nextInt(4)); // sometimes all four: the race the second offer in tryOffer closes
                q.tookMessages();
            }
            for (int i = 0; i < n; i++) {
                assertThat(got.get(i).stream()).isEqualTo("s" + i);
            }
        } finally {
            loop.shutdownNow();
        }
    }
}
