package io.ssmedge.agent.mqtt;

import io.ssmedge.agent.config.MqttVersion;
import io.ssmedge.agent.testing.TestBroker;
import io.ssmedge.agent.testing.TestClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Publishing through {@link NettyConnection} (the agent's prediction output): against real brokers (order, the
 * in-flight window, the will) and against a scripted broker that shows what goes over the wire (the offline buffer
 * and its oldest-first dropping, unconfirmed messages sent again with DUP after a lost connection).
 */
class NettyPublishTest {
    @TempDir
    Path dir;

    static ConnectionSpec spec(String uri, String clientId, MqttVersion version, int maxInflight, int offlineBuffer,
                               Will will) {
        return new ConnectionSpec("predictions out", uri, clientId, version, 3600, 30, null, null, null, maxInflight,
                offlineBuffer, will, List.of(), null, null, false, null, null);
    }

    @ParameterizedTest(name = "{0} broker, MQTT {1}")
    @org.junit.jupiter.params.provider.MethodSource("brokersAndVersions")
    void everyMessageArrivesInOrderThroughASmallWindow(TestBroker.Kind kind, MqttVersion version) throws Exception {
        kind.assumeAvailable();
        try (TestBroker broker = kind.start(dir); TestClient sub = new TestClient(broker.uri(), "netty-pub-sub")) {
            sub.subscribe("out/#");
            NettyConnection c = new NettyConnection(spec(broker.uri(), "netty-pub-" + version.key(), version, 5, 100,
                    null));
            try (c) {
                c.start();
                assertThat(c.awaitReady(Duration.ofSeconds(20))).isTrue();
                List<String> all = new ArrayList<>();
                List<String> qos1 = new ArrayList<>();
                for (int i = 0; i < 2000; i++) {
                    int qos = i % 10 == 0 ? 0 : 1;
                    c.publish("out/s" + (i % 3), ("m" + i).getBytes(StandardCharsets.UTF_8), qos, false);
                    all.add("m" + i);
                    if (qos == 1) {
                        qos1.add("m" + i);
                    }
                }
                await().atMost(Duration.ofSeconds(30)).until(() -> sub.on("").size() >= 2000);
                List<String> got = sub.on("").stream().map(TestClient.Message::payload).toList();
                assertThat(got).containsExactlyInAnyOrderElementsOf(all);
                // in order within QoS 1 (a broker may let a QoS 0 message overtake queued QoS 1 ones: Mosquitto does)
                assertThat(got.stream().filter(qos1::contains).toList()).containsExactlyElementsOf(qos1);
                await().atMost(Duration.ofSeconds(10)).until(() -> c.pendingMessages() == 0);
            }
        }
    }

    /**
     * The sensor input on the prediction output's event-loop thread (as the agent runs them unless overflow is
     * block): every message the input's handler gets is published again through the output from that handler, on
     * the shared thread, three times more than the output's window holds (a publish there must never wait for room:
     * only that thread reads the PUBACKs). The output outlives the input; the thread ends with the last of them.
     */
    @ParameterizedTest(name = "{0} broker")
    @EnumSource(TestBroker.Kind.class)
    void inputAndOutputShareOneThread(TestBroker.Kind kind) throws Exception {
        kind.assumeAvailable();
        try (TestBroker broker = kind.start(dir); TestClient sub = new TestClient(broker.uri(), "shared-sub")) {
            sub.subscribe("out/#");
            NettyConnection out = new NettyConnection(spec(broker.uri(), "shared-out", MqttVersion.V5, 5, 100, null));
            java.util.Set<String> handlerThreads = java.util.concurrent.ConcurrentHashMap.newKeySet();
            ConnectionSpec inSpec = new ConnectionSpec("sensors in", broker.uri(), "shared-in", MqttVersion.V5, 3600,
                    30, null, null, null, 1000, 1000, null, List.of(new Subscription("in/#", 1)),
                    (topic, payload, ack) -> {
                        handlerThreads.add(Thread.currentThread().getName());
                        out.publish("out/" + topic.substring(3), payload, 1, false);
                    }, null, false, null, null);
            MqttConnection in = MqttConnections.subscriber(inSpec, out);
            assertThat(MqttConnections.shareThread(in, out)).isTrue();
            try (out) {
                out.start();
                assertThat(out.awaitReady(Duration.ofSeconds(20))).isTrue();
                try (in) {
                    in.start();
                    assertThat(in.awaitReady(Duration.ofSeconds(20))).isTrue();
                    List<String> sent = new ArrayList<>();
                    try (TestClient sender = new TestClient(broker.uri(), "shared-sender")) {
                        for (int i = 0; i < 300; i++) {
                            sender.publish("in/x", ("m" + i).getBytes(StandardCharsets.UTF_8), 1);
                            sent.add("m" + i);
                        }
                    }
                    await().atMost(Duration.ofSeconds(30)).until(() -> sub.on("out/x").size() >= 300);
                    assertThat(sub.on("out/x")).extracting(TestClient.Message::payload).containsExactlyElementsOf(sent);
                    assertThat(handlerThreads).containsExactly("ssm-edge-mqtt");
                }
                assertThat(out.loop().group().isShuttingDown()).as("the output still uses the thread").isFalse();
                out.publish("out/after", "input closed".getBytes(StandardCharsets.UTF_8), 1, false);
                await().atMost(Duration.ofSeconds(20)).until(() -> sub.on("out/after").size() == 1);
            }
            assertThat(out.loop().group().isShuttingDown()).as("the last connection stopped the thread").isTrue();
        }
    }

    static List<org.junit.jupiter.params.provider.Arguments> brokersAndVersions() {
        List<org.junit.jupiter.params.provider.Arguments> a = new ArrayList<>();
        for (TestBroker.Kind k : TestBroker.Kind.values()) {
            for (MqttVersion v : MqttVersion.values()) {
                a.add(org.junit.jupiter.params.provider.Arguments.of(k, v));
            }
        }
        return a;
    }

    @ParameterizedTest(name = "{0} broker, MQTT {1}")
    @org.junit.jupiter.params.provider.MethodSource("brokersAndVersions")
    void theBrokerPublishesTheWillWhenTheConnectionVanishes(TestBroker.Kind kind, MqttVersion version) throws Exception {
        kind.assumeAvailable();
        // Artemis 2.40 with MQTT 5 and a session expiry holds the will back (Paho's MQTT 5 client sees the same)
        org.junit.jupiter.api.Assumptions.assumeFalse(kind == TestBroker.Kind.EMBEDDED && version == MqttVersion.V5,
                "the embedded broker does not publish an MQTT 5 will before the session expires");
        try (TestBroker broker = kind.start(dir); TestClient sub = new TestClient(broker.uri(), "netty-will-sub")) {
            sub.subscribe("status/#");
            NettyConnection c = new NettyConnection(spec(broker.uri(), "netty-will-" + version.key(), version, 10, 10,
                    new Will("status/agent", "offline".getBytes(StandardCharsets.UTF_8), 1, false)));
            c.start();
            assertThat(c.awaitReady(Duration.ofSeconds(20))).isTrue();
            c.forceClose(); // no DISCONNECT: as a crash
            await().atMost(Duration.ofSeconds(20)).until(() -> !sub.on("status/agent").isEmpty());
            assertThat(sub.on("status/agent").get(0).payload()).isEqualTo("offline");
            c.close();
        }
    }

    /**
     * While no broker answers, at most max_inflight + offline_buffer messages are kept, the oldest dropped; once a
     * broker answers they go out in order. The first two are then left unconfirmed and the connection is cut: on the
     * next connection they come first, again, with DUP set and their packet ids, then the rest. The connect callback
     * publishes while more is queued than the window holds: it must not wait for room on the thread that makes it.
     */
    @Test
    void keepsTheNewestWhileOfflineAndSendsUnconfirmedOnesAgainAfterALoss() throws Exception {
        ServerSocket reserve = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        int port = reserve.getLocalPort();
        reserve.close(); // nothing listens yet: the client keeps trying
        NettyConnection[] self = new NettyConnection[1];
        ConnectionSpec sp = spec("tcp://127.0.0.1:" + port, "netty-offline", MqttVersion.V3_1_1, 2, 3, null);
        // as the agent: "online" published from the connect callback, with more queued than the window holds
        NettyConnection c = new NettyConnection(new ConnectionSpec(sp.name(), sp.serverUri(), sp.clientId(),
                sp.version(), sp.sessionExpirySeconds(), sp.keepAliveSeconds(), null, null, null, sp.maxInflight(),
                sp.offlineBuffer(), null, List.of(), null,
                () -> self[0].publish("status/x", "online".getBytes(StandardCharsets.UTF_8), 1, true), false, null,
                null));
        self[0] = c;
        try (c) {
            c.start();
            for (int i = 0; i < 10; i++) {
                c.publish("out/x", ("m" + i).getBytes(StandardCharsets.UTF_8), 1, false);
            }
            assertThat(c.pendingMessages()).as("max_inflight 2 + offline_buffer 3").isEqualTo(5);
            try (ServerSocket server = new ServerSocket(port, 50, InetAddress.getLoopbackAddress())) {
                server.setSoTimeout(30_000);
                List<Publish> first = new ArrayList<>();
                try (Scripted b = Scripted.accept(server, false)) {
                    first.add(b.next()); // window of 2: no more until confirmed
                    first.add(b.next());
                    b.ack(first.get(0).id); // only the first is confirmed
                    first.add(b.next()); // its place in the window goes to the next
                } // connection lost with m6 and m7 unconfirmed
                assertThat(first).extracting(p -> p.payload).containsExactly("m5", "m6", "m7");
                assertThat(first).extracting(p -> p.dup).containsOnly(false);
                List<Publish> second = new ArrayList<>();
                try (Scripted b = Scripted.accept(server, true)) {
                    for (int i = 0; i < 6; i++) {
                        Publish p = b.next();
                        second.add(p);
                        b.ack(p.id);
                    }
                    await().atMost(Duration.ofSeconds(10)).until(() -> c.pendingMessages() == 0);
                }
                // then "online" of the first connection (queued behind m9) and of this one
                assertThat(second).extracting(p -> p.payload).containsExactly("m6", "m7", "m8", "m9", "online",
                        "online");
                assertThat(second).extracting(p -> p.dup).containsExactly(true, true, false, false, false, false);
                assertThat(second.get(0).id).isEqualTo(first.get(1).id);
                assertThat(second.get(1).id).isEqualTo(first.get(2).id);
            }
        }
    }

    /**
     * While connected, max_inflight messages go out unconfirmed and offline_buffer (when below 16,384) more wait in
     * the queue without holding the caller up (a worker publishes its predictions itself); only beyond that is a
     * message refused as "window full" (the caller waits for room), and a confirmation makes room again.
     */
    @Test
    void queuesOfflineBufferMoreThanTheWindowWhileConnected() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            server.setSoTimeout(30_000);
            NettyConnection c = new NettyConnection(spec("tcp://127.0.0.1:" + server.getLocalPort(), "netty-queue",
                    MqttVersion.V3_1_1, 2, 3, null));
            try (c; Scripted b = acceptAfterStart(c, server)) {
                assertThat(c.awaitReady(Duration.ofSeconds(20))).isTrue();
                assertThat(c.publishOnlyQueues()).isTrue();
                for (int i = 0; i < 5; i++) {
                    c.publish("out/x", ("m" + i).getBytes(StandardCharsets.UTF_8), 1, false); // returns at once
                }
                Publish first = b.next();
                Publish second = b.next(); // the window of 2: nothing more until a confirmation
                assertThat(List.of(first.payload, second.payload)).containsExactly("m0", "m1");
                assertThat(c.pendingMessages()).isEqualTo(5);
                assertWindowFull(c);
                b.ack(first.id);
                await().atMost(Duration.ofSeconds(10)).until(() -> c.pendingMessages() == 4);
                c.publish("out/x", "m5".getBytes(StandardCharsets.UTF_8), 1, false);
                assertThat(b.next().payload).isEqualTo("m2");
            }
        }
    }

    /** With a large offline_buffer, a connected client queues at most WAITING_BEYOND_WINDOW beyond the window. */
    @Test
    void whileConnectedAtMostSixteenThousandWaitBeyondTheWindow() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            server.setSoTimeout(30_000);
            NettyConnection c = new NettyConnection(spec("tcp://127.0.0.1:" + server.getLocalPort(), "netty-cap",
                    MqttVersion.V3_1_1, 2, 100_000, null));
            try (c; Scripted b = acceptAfterStart(c, server)) {
                assertThat(c.awaitReady(Duration.ofSeconds(20))).isTrue();
                int room = 2 + MqttConnection.WAITING_BEYOND_WINDOW;
                assertThat(MqttConnection.WAITING_BEYOND_WINDOW).isEqualTo(16_384);
                for (int i = 0; i < room; i++) {
                    c.publish("out/x", ("m" + i).getBytes(StandardCharsets.UTF_8), 1, false);
                }
                assertThat(c.pendingMessages()).isEqualTo(room);
                assertWindowFull(c);
                assertThat(b.next().payload).isEqualTo("m0");
            }
        }
    }

    /** One more message is refused as "window full": ManagedConnection.publish would wait for room. */
    private static void assertWindowFull(NettyConnection c) {
        org.assertj.core.api.Assertions.assertThatThrownBy(
                () -> c.send("out/x", "one more".getBytes(StandardCharsets.UTF_8), 1, false))
                .satisfies(e -> assertThat(c.inflightFull((Exception) e)).as("window full").isTrue());
    }

    /** Starts {@code c} and accepts its connection on the scripted broker. */
    private static Scripted acceptAfterStart(NettyConnection c, ServerSocket server) throws IOException {
        c.start();
        return Scripted.accept(server, false);
    }

    /** One connection of the scripted broker (MQTT 3.1.1): CONNECT read and accepted, then PUBLISH / PUBACK. */
    private record Scripted(Socket socket, DataInputStream in, OutputStream out) implements AutoCloseable {
        static Scripted accept(ServerSocket server, boolean sessionPresent) throws IOException {
            Socket s = server.accept();
            s.setSoTimeout(10_000); // a client that stalls fails the test instead of hanging it
            Scripted b = new Scripted(s, new DataInputStream(s.getInputStream()), s.getOutputStream());
            assertThat(readPacket(b.in)[0] & 0xf0).as("CONNECT").isEqualTo(0x10);
            b.send(new byte[]{0x20, 0x02, (byte) (sessionPresent ? 1 : 0), 0x00}); // CONNACK, accepted
            return b;
        }

        Publish next() throws IOException {
            return Publish.read(in);
        }

        void ack(int id) throws IOException {
            send(new byte[]{0x40, 0x02, (byte) (id >> 8), (byte) id}); // PUBACK
        }

        private void send(byte[] packet) throws IOException {
            out.write(packet);
            out.flush();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    /** One MQTT packet: fixed header byte, then the remaining bytes. */
    private static byte[] readPacket(DataInputStream in) throws IOException {
        int type = in.readUnsignedByte();
        int len = 0;
        for (int shift = 0; ; shift += 7) {
            int b = in.readUnsignedByte();
            len |= (b & 0x7f) << shift;
            if ((b & 0x80) == 0) {
                break;
            }
        }
        ByteArrayOutputStream p = new ByteArrayOutputStream();
        p.write(type);
        byte[] rest = new byte[len];
        in.readFully(rest);
        p.write(rest);
        return p.toByteArray();
    }

    /** A PUBLISH as MQTT 3.1.1 puts it on the wire (§3.3). */
    private record Publish(boolean dup, int qos, String topic, int id, String payload) {
        static Publish read(DataInputStream in) throws IOException {
            byte[] p = readPacket(in);
            assertThat(p[0] & 0xf0).as("PUBLISH").isEqualTo(0x30);
            int qos = (p[0] >> 1) & 3;
            int topicLen = ((p[1] & 0xff) << 8) | (p[2] & 0xff);
            String topic = new String(p, 3, topicLen, StandardCharsets.UTF_8);
            int at = 3 + topicLen;
            int id = 0;
            if (qos > 0) {
                id = ((p[at] & 0xff) << 8) | (p[at + 1] & 0xff);
                at += 2;
            }
            return new Publish((p[0] & 0x08) != 0, qos, topic, id, new String(p, at, p.length - at,
                    StandardCharsets.UTF_8));
        }
    }
}
