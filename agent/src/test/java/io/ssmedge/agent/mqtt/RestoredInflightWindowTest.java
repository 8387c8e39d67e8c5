package io.ssmedge.agent.mqtt;

import io.ssmedge.agent.config.MqttVersion;
import io.ssmedge.agent.testing.MosquittoBroker;
import io.ssmedge.agent.testing.TestBroker;
import io.ssmedge.agent.testing.TestClient;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.internal.wire.MqttPubRec;
import org.eclipse.paho.client.mqttv3.internal.wire.MqttPubRel;
import org.eclipse.paho.client.mqttv3.internal.wire.MqttPublish;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The loss the kill -9 test found (issue #9): after a crash Paho 1.2.5 sends the PUBRELs of its restored QoS 2
 * messages without counting them in its in-flight window, and their PUBCOMPs then shrink its count below zero
 * (ClientState.decrementInFlight), so the client sends more QoS 2 messages at once than it was told. An MQTT 3.1.1
 * broker over its limit (Mosquitto: max_inflight_messages) answers PUBREC and drops the message, and the client
 * deletes it as delivered. The agent's window counts every message the client holds, restored ones included
 * ({@link PahoConnection#outstanding}).
 *
 * <p>The state a crash leaves is made by hand: a raw MQTT 3.1.1 session sends 20 QoS 2 messages and vanishes after
 * the broker's PUBRECs (the broker keeps them, awaiting PUBREL), and the client's folder holds each with its PUBREL,
 * as Paho writes them. Then the agent's connection starts on that folder and publishes 300 QoS 2 messages at once.
 */
class RestoredInflightWindowTest {
    static final int LIMIT = 20;     // the broker's max_inflight_messages and the agent's window
    static final int RESTORED = 20;
    static final int NEW = 300;

    @TempDir
    Path dir;

    @Test
    void restoredQos2MessagesCountInTheWindowSoTheBrokerDropsNone() throws Exception {
        TestBroker.Kind.MOSQUITTO.assumeAvailable();
        Files.createDirectories(dir.resolve("broker"));
        try (MosquittoBroker broker = MosquittoBroker.start(dir.resolve("broker"), "max_inflight_messages " + LIMIT
                + "\n");
             TestClient sink = new TestClient(broker.uri(), "window-sink")) {
            sink.subscribe("plant/+/predictions");
            String clientId = "window-agent-pub";
            leaveSessionAwaitingPubrel(broker.port(), clientId);
            Path files = dir.resolve("mqtt-out");
            UnsyncedFilePersistence kept = new UnsyncedFilePersistence(files);
            kept.open(clientId, broker.uri());
            for (int mid = 1; mid <= RESTORED; mid++) {
                MqttPublish p = publish(mid, "restored-" + mid);
                kept.put("s-" + mid, p);
                kept.put("sc-" + mid, new MqttPubRel(new MqttPubRec(p)));
            }
            kept.close();

            AtomicInteger confirmed = new AtomicInteger();
            DeliveryListener listener = new DeliveryListener() {
                @Override
                public boolean keep(byte[] payload) {
                    return true;
                }

                @Override
                public void confirmed(byte[] payload) {
                    confirmed.incrementAndGet();
                }
            };
            ConnectionSpec spec = new ConnectionSpec("predictions out", broker.uri(), clientId, MqttVersion.V3_1_1,
                    0, 60, null, null, null, LIMIT, 1000, null, List.of(), null, null, false, files, listener);
            try (MqttConnection out = MqttConnections.create(spec)) {
                out.start();
                assertThat(out.awaitReady(Duration.ofSeconds(20))).isTrue();
                // the restored PUBRELs complete first: the broker releases those 20 to the sink
                await().atMost(Duration.ofSeconds(20)).until(() -> sink.on("/predictions").size() >= RESTORED);
                for (int i = 0; i < NEW; i++) {
                    out.publish("plant/p" + (i % 7) + "/predictions", ("new-" + i).getBytes(StandardCharsets.UTF_8),
                            2, false);
                }
                await().atMost(Duration.ofSeconds(30)).until(() -> confirmed.get() >= RESTORED + NEW);
            }
            Thread.sleep(500); // any late delivery
            Set<String> got = ConcurrentHashMap.newKeySet();
            sink.on("/predictions").forEach(m -> got.add(m.payload()));
            long lost = java.util.stream.IntStream.range(0, NEW).filter(i -> !got.contains("new-" + i)).count();
            assertThat(lost).as("QoS 2 messages the broker confirmed but dropped (sent beyond its limit of " + LIMIT
                    + " in flight)").isZero();
            for (int mid = 1; mid <= RESTORED; mid++) {
                assertThat(got).contains("restored-" + mid);
            }
        }
    }

    static MqttPublish publish(int id, String payload) {
        MqttMessage m = new MqttMessage(payload.getBytes(StandardCharsets.UTF_8));
        m.setQos(2);
        MqttPublish p = new MqttPublish("plant/r/predictions", m);
        p.setMessageId(id);
        return p;
    }

    /**
     * A persistent MQTT 3.1.1 session that sent QoS 2 messages 1..RESTORED, got their PUBRECs and died: the broker
     * holds them until their PUBREL (written with plain bytes: Paho cannot be stopped between PUBREC and PUBREL).
     */
    static void leaveSessionAwaitingPubrel(int port, String clientId) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            DataInputStream in = new DataInputStream(s.getInputStream());
            ByteArrayOutputStream connect = new ByteArrayOutputStream();
            writeString(connect, "MQTT");
            connect.write(4);    // protocol level: 3.1.1
            connect.write(0);    // flags: clean session off, no will, no login
            connect.write(0);
            connect.write(60);   // keep alive
            writeString(connect, clientId);
            packet(out, 0x10, connect.toByteArray());
            assertThat(in.readUnsignedByte()).as("CONNACK").isEqualTo(0x20);
            in.readUnsignedByte();
            in.readUnsignedByte();
            assertThat(in.readUnsignedByte()).as("CONNACK return code").isZero();
            for (int mid = 1; mid <= RESTORED; mid++) {
                ByteArrayOutputStream body = new ByteArrayOutputStream();
                writeString(body, "plant/r/predictions");
                body.write(mid >> 8);
                body.write(mid & 0xff);
                body.write(("restored-" + mid).getBytes(StandardCharsets.UTF_8));
                packet(out, 0x34, body.toByteArray()); // PUBLISH, QoS 2
            }
            for (int i = 0; i < RESTORED; i++) {
                assertThat(in.readUnsignedByte()).as("PUBREC").isEqualTo(0x50);
                in.readUnsignedByte();
                in.readUnsignedShort();
            }
        } // closed without DISCONNECT: the session stays, the 20 messages await their PUBREL
    }

    static void writeString(ByteArrayOutputStream out, String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.write(b.length >> 8);
        out.write(b.length & 0xff);
        out.write(b, 0, b.length);
    }

    static void packet(OutputStream out, int header, byte[] body) throws IOException {
        out.write(header);
        int n = body.length;
        do { // remaining length, 7 bits per byte (MQTT 3.1.1 §2.2.3)
            int digit = n % 128;
            n /= 128;
            out.write(n > 0 ? digit | 0x80 : digit);
        } while (n > 0);
        out.write(body);
        out.flush();
    }
}
