package io.ssmedge.agent.mqtt;

import io.ssmedge.agent.config.MqttVersion;
import io.ssmedge.agent.testing.TestBroker;
import io.ssmedge.agent.testing.TestClient;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The sensor input's Netty client against real brokers (embedded and Mosquitto); against no broker and a broker that
 * sends garbage ({@link NettyConnectionFaultsTest}). Its manual, in-order acknowledgements are checked in {@link BatchedAcksTest}, beside Paho's.
 */
@ParameterizedClass(name = "{0} broker")
@EnumSource(TestBroker.Kind.class)
class NettyConnectionTest {
    @Parameter
    TestBroker.Kind kind;
    @TempDir
    Path dir;

    static ConnectionSpec spec(String uri, String clientId, MqttVersion version, boolean manualAcks,
                               LinkedBlockingQueue<String> into) {
        return spec(uri, clientId, version, manualAcks,
                (topic, payload, ack) -> into.add(topic + " " + new String(payload, StandardCharsets.UTF_8)));
    }

    static ConnectionSpec spec(String uri, String clientId, MqttVersion version, boolean manualAcks,
                               MessageHandler handler) {
        return new ConnectionSpec("sensors in", uri, clientId, version, 3600, 30, null, null, null, 1000, 1000, null,
                List.of(new Subscription("in/#", 1)), handler, null, manualAcks, null, null);
    }

    static List<String> take(LinkedBlockingQueue<String> q, int n) throws InterruptedException {
        List<String> got = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (got.size() < n && System.nanoTime() < deadline) {
            String s = q.poll(100, TimeUnit.MILLISECONDS);
            if (s != null) {
                got.add(s);
            }
        }
        return got;
    }

    @ParameterizedTest
    @EnumSource(MqttVersion.class)
    void receivesInOrderAndSubscribesAgainAfterTheBrokerRestarts(MqttVersion version) throws Exception {
        try (TestBroker broker = kind.start(dir)) {
            LinkedBlockingQueue<String> got = new LinkedBlockingQueue<>();
            MqttConnection c = new NettyConnection(spec(broker.uri(), "netty-in-" + version.key(), version, false, got));
            try (c) {
                c.start();
                assertThat(c.awaitReady(Duration.ofSeconds(20))).isTrue();
                List<String> expected = new ArrayList<>();
                try (TestClient sender = new TestClient(broker.uri(), "netty-sender")) {
                    for (int i = 0; i < 500; i++) {
                        sender.publish("in/s" + (i % 7), ("m" + i).getBytes(StandardCharsets.UTF_8), i % 2);
                        expected.add("in/s" + (i % 7) + " m" + i);
                    }
                }
                assertThat(take(got, 500)).containsExactlyElementsOf(expected);

                broker.restart(); // forgets the session: the client must reconnect and subscribe again
                await().atMost(Duration.ofSeconds(30)).until(() -> c.reconnects() >= 1 && c.isReady());
                try (TestClient sender = new TestClient(broker.uri(), "netty-sender-2")) {
                    sender.publish("in/after", "restart".getBytes(StandardCharsets.UTF_8), 1);
                }
                assertThat(take(got, 1)).containsExactly("in/after restart");
            }
            assertThat(c.isConnected()).isFalse();
        }
    }

    @ParameterizedTest
    @EnumSource(MqttVersion.class)
    void withoutManualAcksEveryMessageIsConfirmedOnceTaken(MqttVersion version) throws Exception {
        try (TestBroker broker = kind.start(dir)) {
            String id = "netty-auto-" + version.key();
            LinkedBlockingQueue<String> first = new LinkedBlockingQueue<>();
            try (MqttConnection c = new NettyConnection(spec(broker.uri(), id, version, false, first))) {
                c.start();
                assertThat(c.awaitReady(Duration.ofSeconds(20))).isTrue();
                try (TestClient sender = new TestClient(broker.uri(), "netty-sender")) {
                    for (int i = 0; i < 100; i++) {
                        sender.publish("in/a", ("m" + i).getBytes(StandardCharsets.UTF_8), 1);
                    }
                }
                assertThat(take(first, 100)).hasSize(100);
                Thread.sleep(300); // let the broker read the last PUBACKs
            }
            // the same session again: nothing left to deliver, but new messages still come
            LinkedBlockingQueue<String> second = new LinkedBlockingQueue<>();
            try (MqttConnection c = new NettyConnection(spec(broker.uri(), id, version, false, second))) {
                c.start();
                assertThat(c.awaitReady(Duration.ofSeconds(20))).isTrue();
                try (TestClient sender = new TestClient(broker.uri(), "netty-sender-2")) {
                    sender.publish("in/a", "new".getBytes(StandardCharsets.UTF_8), 1);
                }
                assertThat(take(second, 1)).containsExactly("in/a new");
                assertThat(second.poll(500, TimeUnit.MILLISECONDS)).isNull();
            }
        }
    }

    /**
     * A handler with room for 5 messages (as a full worker queue with overflow block): it refuses instead of
     * waiting, and signals room when its slow consumer has taken some. The connection must keep refused messages,
     * pause reading and offer them again in order: all 500 arrive once, in order, on one connection, each confirmed
     * (manual acks, in arrival order) so that the same session afterwards gets nothing again.
     */
    @ParameterizedTest
    @EnumSource(MqttVersion.class)
    void aHandlerWithoutRoomPausesReadingAndLosesNothing(MqttVersion version) throws Exception {
        record Taken(String text, Ack ack) {
        }
        ArrayBlockingQueue<Taken> inbox = new ArrayBlockingQueue<>(5);
        AtomicReference<Runnable> waiting = new AtomicReference<>();
        AtomicInteger refused = new AtomicInteger();
        AtomicReference<String> offeredOn = new AtomicReference<>();
        MessageHandler full = new MessageHandler() {
            @Override
            public void onMessage(String topic, byte[] payload, Ack ack) {
                throw new AssertionError("the Netty input must use offer, which never waits");
            }

            @Override
            public boolean offer(String topic, byte[] payload, Ack ack, Runnable whenRoom) {
                offeredOn.compareAndSet(null, Thread.currentThread().getName());
                Taken t = new Taken(topic + " " + new String(payload, StandardCharsets.UTF_8), ack);
                if (inbox.offer(t)) {
                    return true;
                }
                waiting.set(whenRoom);
                if (inbox.offer(t)) { // the consumer emptied it meanwhile
                    waiting.compareAndSet(whenRoom, null);
                    return true;
                }
                refused.incrementAndGet();
                return false;
            }
        };
        try (TestBroker broker = kind.start(dir)) {
            String id = "netty-full-" + version.key();
            ConnectionSpec spec = spec(broker.uri(), id, version, true, full);
            List<String> expected = new ArrayList<>();
            List<String> got = new ArrayList<>();
            try (MqttConnection c = new NettyConnection(spec)) {
                c.start();
                assertThat(c.awaitReady(Duration.ofSeconds(20))).isTrue();
                String pad = "x".repeat(2000); // 1 MB in all: more than a few reads, so reading must resume
                try (TestClient sender = new TestClient(broker.uri(), "netty-sender")) {
                    for (int i = 0; i < 500; i++) {
                        sender.publish("in/s" + (i % 7), ("m" + i + pad).getBytes(StandardCharsets.UTF_8), 1);
                        expected.add("in/s" + (i % 7) + " m" + i + pad);
                    }
                }
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (got.size() < 500 && System.nanoTime() < deadline) { // the slow consumer
                    Taken t = inbox.poll(100, TimeUnit.MILLISECONDS);
                    if (t == null) {
                        continue;
                    }
                    got.add(t.text());
                    t.ack().done();
                    if (got.size() % 20 == 0) {
                        Thread.sleep(2);
                    }
                    Runnable r = waiting.getAndSet(null);
                    if (r != null) {
                        r.run();
                    }
                }
                assertThat(got).containsExactlyElementsOf(expected);
                assertThat(refused.get()).as("the handler was full at times").isPositive();
                assertThat(offeredOn.get()).as("offered on the connection's event loop").startsWith("ssm-edge-mqtt");
                assertThat(c.reconnects()).isZero();
                // reading paused: what one read brought in waits here (up to 64 KB, ~32 messages), the rest at the
                // broker; a pause that still read would have held most of the 500
                assertThat(((NettyConnection) c).heldHighWater()).isBetween(1, 100);
                Thread.sleep(300); // let the broker read the last PUBACKs
            }
            LinkedBlockingQueue<String> again = new LinkedBlockingQueue<>();
            try (MqttConnection c = new NettyConnection(spec(broker.uri(), id, version, false, again))) {
                c.start();
                assertThat(c.awaitReady(Duration.ofSeconds(20))).isTrue();
                assertThat(again.poll(1, TimeUnit.SECONDS)).as("every message was confirmed").isNull();
            }
        }
    }
}
