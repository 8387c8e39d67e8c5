package io.ssmedge.agent.mqtt;

import io.ssmedge.agent.config.MqttVersion;
import io.ssmedge.agent.testing.TestBroker;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;

import static io.ssmedge.agent.mqtt.NettyConnectionTest.spec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The sensor input's Netty client without a broker, and against a "broker" that sends garbage. */
class NettyConnectionFaultsTest {
    @Test
    void noBrokerGivesTheReasonAndItKeepsTrying() throws Exception {
        int port = TestBroker.freePort();
        try (MqttConnection c = new NettyConnection(spec("tcp://127.0.0.1:" + port, "netty-none", MqttVersion.V5,
                true, new LinkedBlockingQueue<>()))) {
            c.start();
            assertThat(c.awaitReady(Duration.ofMillis(1500))).isFalse();
            assertThat(c.lastError()).containsIgnoringCase("refused");
            assertThat(c.isConnected()).isFalse();
        }
    }

    /**
     * A "broker" that accepts CONNECT and SUBSCRIBE and then sends a packet of a type that does not exist in MQTT
     * 3.1.1: the client drops that connection, connects again, and its handler never sees anything.
     */
    @Test
    void aMalformedPacketDropsTheConnectionNotTheClient() throws Exception {
        AtomicInteger connections = new AtomicInteger();
        try (ServerSocket server = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            Thread fake = new Thread(() -> {
                while (!server.isClosed()) {
                    try (Socket s = server.accept()) {
                        connections.incrementAndGet();
                        InputStream in = s.getInputStream();
                        OutputStream out = s.getOutputStream();
                        skipPacket(in);                                   // CONNECT
                        out.write(new byte[]{0x20, 2, 0, 0});             // CONNACK accepted
                        int subscribeId = skipPacket(in);                 // SUBSCRIBE
                        out.write(new byte[]{(byte) 0x90, 3, (byte) (subscribeId >>> 8), (byte) subscribeId, 1});
                        out.write(new byte[]{(byte) 0xF0, 0});           // type 15: reserved in MQTT 3.1.1
                        out.flush();
                        while (in.read() >= 0) {
                            // until the client closes
                        }
                    } catch (Exception e) {
                        // next connection
                    }
                }
            });
            fake.setDaemon(true);
            fake.start();
            LinkedBlockingQueue<String> got = new LinkedBlockingQueue<>();
            try (MqttConnection c = new NettyConnection(spec("tcp://127.0.0.1:" + server.getLocalPort(), "netty-bad",
                    MqttVersion.V3_1_1, true, got))) {
                c.start();
                await().atMost(Duration.ofSeconds(20)).until(() -> connections.get() >= 2);
                assertThat(c.lastError()).isNull(); // each connect succeeded
                assertThat(got).isEmpty();
            }
        }
    }

    /** Reads one MQTT packet; returns its first two bytes after the fixed header (the packet id of a SUBSCRIBE). */
    private static int skipPacket(InputStream in) throws java.io.IOException {
        if (in.read() < 0) {
            throw new java.io.EOFException();
        }
        int length = 0;
        int shift = 0;
        int b;
        do {
            b = in.read();
            length |= (b & 0x7F) << shift;
            shift += 7;
        } while ((b & 0x80) != 0);
        byte[] body = in.readNBytes(length);
        return body.length >= 2 ? ((body[0] & 0xff) << 8) | (body[1] & 0xff) : 0;
    }
}
