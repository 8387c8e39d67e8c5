package io.ssmedge.agent.mqtt;

import io.ssmedge.agent.config.MqttVersion;
import io.ssmedge.agent.testing.TestBroker;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.Stream;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The broker is the judge of the PUBACKs the agent writes in blocks beside Paho: after a batch-wise confirmation
 * of all but the last messages, a new connection with the same session gets exactly the unconfirmed ones again,
 * and the first connection was never dropped (a malformed PUBACK would make the broker close it).
 */
@ParameterizedClass(name = "{0} broker")
@EnumSource(TestBroker.Kind.class)
class BatchedAcksTest {
    static final int MESSAGES = 300;
    static final int UNCONFIRMED = 10;

    @Parameter
    TestBroker.Kind kind;
    @TempDir
    Path dir;

    record Received(String payload, Ack ack) {
    }

    ConnectionSpec spec(TestBroker broker, MqttVersion version, LinkedBlockingQueue<Received> into) {
        return new ConnectionSpec("sensors", broker.uri(), "batched-acks-" + version.key(), version, 3600, 30, null,
                null, null, 1000, 1000, null, List.of(new Subscription("acks/#", 1)),
                (topic, payload, ack) -> into.add(new Received(new String(payload, StandardCharsets.UTF_8), ack)),
                null, true, null, null);
    }

    /** Both of the agent's sensor clients, with both protocol versions. */
    static Stream<Arguments> clients() {
        return Stream.of(MqttVersion.values()).flatMap(v -> Stream.of(Arguments.of(v, "netty"), Arguments.of(v, "paho")));
    }

    static MqttConnection connect(ConnectionSpec spec, String client) {
        return client.equals("netty") ? new NettyConnection(spec) : MqttConnections.create(spec);
    }

    @ParameterizedTest(name = "{0} through {1}")
    @MethodSource("clients")
    void theBrokerDeliversAgainExactlyTheMessagesNotConfirmed(MqttVersion version, String client) throws Exception {
        try (TestBroker broker = kind.start(dir)) {
            LinkedBlockingQueue<Received> first = new LinkedBlockingQueue<>();
            MqttConnection c = connect(spec(broker, version, first), client);
            c.start();
            assertThat(c.awaitReady(Duration.ofSeconds(20))).isTrue();

            MqttAsyncClient sender = new MqttAsyncClient(broker.uri(), "batched-acks-sender", new MemoryPersistence());
            MqttConnectOptions o = new MqttConnectOptions();
            o.setMaxInflight(MESSAGES);
            sender.connect(o).waitForCompletion(10_000);
            for (int i = 0; i < MESSAGES; i++) {
                sender.publish("acks/s", ("m" + i).getBytes(StandardCharsets.UTF_8), 1, false);
            }

            // confirm in blocks (up to 37 messages, or what came until a pause: the broker may hold back messages
            // until earlier ones are confirmed), each block in reverse order; all but the last UNCONFIRMED messages
            int confirm = MESSAGES - UNCONFIRMED;
            List<String> got = new ArrayList<>();
            List<Received> block = new ArrayList<>();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (got.size() < MESSAGES) {
                assertThat(System.nanoTime()).as("only %d of %d messages arrived", got.size(), MESSAGES).isLessThan(deadline);
                Received r = first.poll(200, TimeUnit.MILLISECONDS);
                if (r != null) {
                    if (got.size() < confirm) {
                        block.add(r);
                    }
                    got.add(r.payload());
                }
                if (block.size() == 37 || (!block.isEmpty() && (r == null || got.size() == MESSAGES))) {
                    List<Received> reversed = new ArrayList<>(block);
                    Collections.reverse(reversed);
                    Ack.batch(() -> reversed.forEach(x -> x.ack().done()));
                    block.clear();
                }
            }
            for (int i = 0; i < MESSAGES; i++) {
                assertThat(got.get(i)).isEqualTo("m" + i);
            }
            Thread.sleep(500); // let the broker read the PUBACKs
            assertThat(c.reconnects()).isZero();
            assertThat(c.isConnected()).isTrue();
            c.close(Duration.ofSeconds(5));
            sender.disconnect().waitForCompletion(5000);
            sender.close();

            LinkedBlockingQueue<Received> second = new LinkedBlockingQueue<>();
            MqttConnection again = connect(spec(broker, version, second), client);
            again.start();
            try {
                assertThat(again.awaitReady(Duration.ofSeconds(20))).isTrue();
                List<String> redelivered = new ArrayList<>();
                Received r;
                while ((r = second.poll(3, TimeUnit.SECONDS)) != null) {
                    redelivered.add(r.payload());
                    r.ack().done();
                }
                List<String> expected = new ArrayList<>();
                for (int i = confirm; i < MESSAGES; i++) {
                    expected.add("m" + i);
                }
                assertThat(redelivered).containsExactlyElementsOf(expected);
            } finally {
                again.close(Duration.ofSeconds(5));
            }
        }
    }
}
