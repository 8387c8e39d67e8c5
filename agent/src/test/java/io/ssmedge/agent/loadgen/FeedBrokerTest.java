package io.ssmedge.agent.loadgen;

import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.client.IMqttMessageListener;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.common.MqttSubscription;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The stand-in broker of bench/agent/agent-alone.sh against an independent MQTT client (Paho, MQTT 5 and 3.1.1): it
 * feeds the sensor subscription well-formed QoS 1 messages whose samples are later per stream, keeps no more
 * unconfirmed than the client's receive maximum, confirms and counts the client's predictions, and counts the
 * confirmations it receives.
 */
class FeedBrokerTest {
    private static final List<String> CHANNELS = List.of("a", "b", "c");

    private static LoadSettings settings(int streams, int batch) {
        return new LoadSettings("tcp://unused:1", streams, 1, batch, 1, 0, 1, "factory/line3/{stream}/sensors",
                "factory/line3/+/predictions", "load", CHANNELS, null, null, 0, 1);
    }

    @Test
    void feedsAnMqtt5SubscriberWithinItsReceiveMaximumAndCountsItsPredictions() throws Exception {
        try (FeedBroker feed = new FeedBroker(settings(3, 2), 0)) {
            CompletableFuture<FeedBroker.Result> result = runAsync(feed);
            MqttClient client = new MqttClient("tcp://127.0.0.1:" + feed.port(), "feed-test-5",
                    new org.eclipse.paho.mqttv5.client.persist.MemoryPersistence());
            MqttConnectionOptions o = new MqttConnectionOptions();
            o.setReceiveMaximum(20);
            client.connect(o);
            List<String[]> got = new ArrayList<>();
            IMqttMessageListener listener = (topic, m) -> keep(got, topic, m.getPayload());
            client.subscribe(new MqttSubscription[] {new MqttSubscription("factory/line3/+/sensors", 1)},
                    new IMqttMessageListener[] {listener});
            awaitMessages(got);
            for (int i = 0; i < 5; i++) {
                client.publish("factory/line3/load" + i + "/predictions", "{}".getBytes(StandardCharsets.UTF_8), 1, false);
            }
            client.publish("factory/line3/status", "{}".getBytes(StandardCharsets.UTF_8), 1, false); // not a prediction
            assertThat(feed.predictionsTotal()).isEqualTo(5);
            assertThat(feed.confirmedTotal()).isGreaterThanOrEqualTo(250);
            FeedBroker.Result r = result.get(20, TimeUnit.SECONDS);
            assertThat(r.window()).isEqualTo(20);
            assertThat(r.messagesPerSecond()).isPositive();
            assertThat(r.samplesPerSecond()).isEqualTo(2 * r.messagesPerSecond());
            client.disconnect();
            client.close();
            assertWellFormed(got, 3, 2);
        }
    }

    @Test
    void feedsAnMqtt311SubscriberWithTheDefaultWindow() throws Exception {
        try (FeedBroker feed = new FeedBroker(settings(5, 1), 0)) {
            CompletableFuture<FeedBroker.Result> result = runAsync(feed);
            org.eclipse.paho.client.mqttv3.MqttClient client = new org.eclipse.paho.client.mqttv3.MqttClient(
                    "tcp://127.0.0.1:" + feed.port(), "feed-test-3", new MemoryPersistence());
            client.connect(new MqttConnectOptions());
            List<String[]> got = new ArrayList<>();
            client.subscribe("factory/line3/#", 1, (topic, m) -> keep(got, topic, m.getPayload()));
            awaitMessages(got);
            client.publish("factory/line3/load0/predictions", "{}".getBytes(StandardCharsets.UTF_8), 1, false);
            assertThat(feed.predictionsTotal()).isEqualTo(1);
            assertThat(result.get(20, TimeUnit.SECONDS).window()).isEqualTo(FeedBroker.DEFAULT_WINDOW);
            client.disconnect();
            client.close();
            assertWellFormed(got, 5, 1);
        }
    }

    @Test
    void noSubscriberIsAClearError() throws Exception {
        try (FeedBroker feed = new FeedBroker(settings(1, 1), 0)) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> feed.run(1))
                    .hasMessageContaining("no agent subscribed to factory/line3/+/sensors")
                    .hasMessageContaining("mqtt.port " + feed.port());
        }
    }

    @Test
    void topicFiltersMatchAsMqttSays() {
        assertThat(FeedBroker.matches("factory/line3/+/sensors", "factory/line3/load7/sensors")).isTrue();
        assertThat(FeedBroker.matches("factory/#", "factory/line3/load7/sensors")).isTrue();
        assertThat(FeedBroker.matches("factory/line3/+/predictions", "factory/line3/load7/sensors")).isFalse();
        assertThat(FeedBroker.matches("factory/line3/+", "factory/line3/load7/sensors")).isFalse();
        assertThat(FeedBroker.matches("factory/line3/+/sensors/x", "factory/line3/load7/sensors")).isFalse();
    }

    private static final int KEPT = 300;

    private static CompletableFuture<FeedBroker.Result> runAsync(FeedBroker feed) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return feed.run(20);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }

    /** Keeps the first KEPT messages (the feed goes on as fast as the client confirms). */
    private static void keep(List<String[]> got, String topic, byte[] payload) {
        synchronized (got) {
            if (got.size() < KEPT) {
                got.add(new String[] {topic, new String(payload, StandardCharsets.US_ASCII)});
            }
        }
    }

    private static void awaitMessages(List<String[]> got) {
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            synchronized (got) {
                return got.size() >= KEPT;
            }
        });
    }

    /** Every message goes to one of the streams, holds `batch` lines of ts + one value per channel, and each stream's
     * ts only increase; every stream is fed. */
    private static void assertWellFormed(List<String[]> got, int streams, int batch) {
        Map<String, Double> last = new HashMap<>();
        for (String[] m : got) {
            assertThat(m[0]).matches("factory/line3/load[0-9]+/sensors");
            String[] lines = m[1].split("\n");
            assertThat(lines).hasSize(batch);
            for (String line : lines) {
                String[] f = line.split(",");
                assertThat(f).hasSize(1 + CHANNELS.size());
                double ts = Double.parseDouble(f[0]);
                Double prev = last.put(m[0], ts);
                if (prev != null) {
                    assertThat(ts).as("ts of %s", m[0]).isGreaterThan(prev);
                }
                for (int c = 1; c < f.length; c++) {
                    assertThat(Float.parseFloat(f[c])).isFinite();
                }
            }
        }
        assertThat(last).hasSize(streams);
    }
}
