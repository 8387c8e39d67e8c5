package io.ssmedge.agent.loadgen;

import io.ssmedge.agent.testing.TestBroker;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** The load generator's own MQTT client against real brokers: what it publishes arrives, and the broker confirms it. */
@ParameterizedClass(name = "{0} broker")
@EnumSource(TestBroker.Kind.class)
class LoadClientTest {
    @Parameter
    TestBroker.Kind kind;
    @TempDir
    Path dir;

    @Test
    void publishedMessagesArriveInOrderAtQos0And1() throws Exception {
        try (TestBroker broker = kind.start(dir)) {
            List<String> got = Collections.synchronizedList(new ArrayList<>());
            try (LoadClient sub = LoadClient.subscriber(broker.uri(), "load-sub", "load/+/sensors",
                    p -> got.add(new String(p, StandardCharsets.UTF_8)));
                 LoadClient pub = LoadClient.publisher(broker.uri(), "load-pub")) {
                List<String> sent = new ArrayList<>();
                for (int i = 0; i < 500; i++) {
                    String payload = i + ",0.5,-1.25," + "x".repeat(i % 300); // sizes across the 1- and 2-byte length
                    sent.add(payload);
                    pub.publish(("load/s" + (i % 7) + "/sensors").getBytes(StandardCharsets.UTF_8),
                            payload.getBytes(StandardCharsets.UTF_8), i % 2);
                    if (i % 50 == 49) {
                        pub.flush();
                    }
                }
                pub.flush();
                await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(got).hasSameSizeAs(sent));
                assertThat(got).containsExactlyElementsOf(sent);
                await().atMost(Duration.ofSeconds(20)).until(() -> {
                    pub.flush();
                    return pub.unconfirmed() == 0;
                });
            }
        }
    }

    @Test
    void moreQos1MessagesThanTheWindowAreAllConfirmed() throws Exception {
        try (TestBroker broker = kind.start(dir); LoadClient pub = LoadClient.publisher(broker.uri(), "load-window")) {
            byte[] topic = "load/window/sensors".getBytes(StandardCharsets.UTF_8);
            byte[] payload = "1732800000000,1,2,3".getBytes(StandardCharsets.UTF_8);
            int n = LoadClient.WINDOW + 5_000; // publish blocks on a full window until the broker confirms more
            for (int i = 0; i < n; i++) {
                pub.publish(topic, payload, 1);
                assertThat(pub.unconfirmed()).isLessThanOrEqualTo(LoadClient.WINDOW);
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                pub.flush();
                return pub.unconfirmed() == 0;
            });
        }
    }

    @Test
    void noBrokerIsAClearError() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        String uri = "tcp://127.0.0.1:" + port;
        assertThatThrownBy(() -> LoadClient.publisher(uri, "x")).isInstanceOf(IOException.class);
        assertThatThrownBy(() -> LoadClient.publisher("http://127.0.0.1:1", "x"))
                .hasMessageContaining("tcp:// or ssl://");
    }
}
