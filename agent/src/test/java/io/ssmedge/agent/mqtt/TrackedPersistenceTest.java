package io.ssmedge.agent.mqtt;

import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.internal.wire.MqttPublish;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The agent's file persistence behind the wrapper, as Paho drives it: the report comes while the file still exists,
 * and a stale copy is gone before Paho reads the files at start.
 */
class TrackedPersistenceTest {
    @TempDir
    Path dir;

    boolean stored(String name) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.anyMatch(p -> p.getFileName().toString().equals(name + ".msg"));
        }
    }

    static MqttPublish publish(int id, String payload) {
        MqttPublish p = new MqttPublish("plant/p/predictions", new MqttMessage(payload.getBytes(StandardCharsets.UTF_8)));
        p.setMessageId(id);
        return p;
    }

    @Test
    void aConfirmationIsReportedBeforeTheClientDeletesItsCopyAndAStaleCopyIsDeletedAtStart() throws Exception {
        List<String> confirmed = new ArrayList<>();
        List<Boolean> fileThen = new ArrayList<>();
        DeliveryListener listener = new DeliveryListener() {
            @Override
            public boolean keep(byte[] payload) {
                return !new String(payload, StandardCharsets.UTF_8).equals("stale");
            }

            @Override
            public void confirmed(byte[] payload) {
                confirmed.add(new String(payload, StandardCharsets.UTF_8));
                try {
                    fileThen.add(stored("s-7"));
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            }
        };
        TrackedPersistence3 p = new TrackedPersistence3(new UnsyncedFilePersistence(dir), listener);
        p.open("agent-pub", "tcp://127.0.0.1:1883");
        p.put("s-7", publish(7, "first"));
        p.put("s-8", publish(8, "stale"));
        p.put("s-9", publish(9, "held"));
        p.put("sb-10", publish(10, "buffered"));
        p.remove("sb-10"); // sent from the offline buffer: not a confirmation
        assertThat(p.outstanding()).as("s- keys held").isEqualTo(3);
        p.remove("s-7");
        p.remove("s-11"); // Paho's undo of a send it refused: never stored, not a confirmation
        assertThat(confirmed).containsExactly("first");
        assertThat(p.outstanding()).isEqualTo(2);
        assertThat(fileThen).containsExactly(true);
        assertThat(stored("s-7")).isFalse();
        p.close(); // "killed" while s-8 and s-9 are kept

        TrackedPersistence3 again = new TrackedPersistence3(new UnsyncedFilePersistence(dir), listener);
        again.open("agent-pub", "tcp://127.0.0.1:1883");
        assertThat(again.containsKey("s-8")).isFalse();
        assertThat(again.containsKey("s-9")).isTrue();
        assertThat(again.outstanding()).as("restored messages count in the window").isEqualTo(1);
        assertThat(again.get("s-9").getHeaderLength()).isGreaterThan(0); // Paho parses it back
        assertThat(org.eclipse.paho.client.mqttv3.internal.wire.MqttWireMessage.createWireMessage(again.get("s-9")))
                .isInstanceOfSatisfying(MqttPublish.class, m -> assertThat(new String(m.getMessage().getPayload(),
                        StandardCharsets.UTF_8)).isEqualTo("held"));
        again.remove("s-9");
        assertThat(confirmed).containsExactly("first", "held");
        assertThat(again.outstanding()).isZero();
        again.close();
    }
}
