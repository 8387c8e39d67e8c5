package io.ssmedge.agent.stream;

import io.ssmedge.agent.config.OverflowPolicy;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

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
}
