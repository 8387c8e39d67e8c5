package io.ssmedge.agent.broker;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.ssmedge.agent.config.AgentConfig;
import io.ssmedge.agent.config.ConfigLoader;
import io.ssmedge.agent.daemon.Agent;
import io.ssmedge.agent.testing.Recording;
import io.ssmedge.agent.testing.TestBroker;
import io.ssmedge.agent.testing.TestClient;
import io.ssmedge.model.ModelLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** The embedded broker as `run` starts it from a config file: accounts, ports, the agent on top. */
class EmbeddedBrokerTest {
    @TempDir
    Path dir;

    @Test
    void configWithAccountsLetsTheAgentInAndKeepsStrangersOut() throws Exception {
        int port = TestBroker.freePort();
        Files.writeString(dir.resolve("users"), "# the embedded broker's accounts\ngateway:s3cret\nsensors:pump-pass\n");
        Files.writeString(dir.resolve("user"), "gateway\n");
        Files.writeString(dir.resolve("password"), "s3cret\n");
        Files.writeString(dir.resolve("agent.yaml"), "broker:\n  mode: embedded\n  users_file: users\n"
                + "mqtt:\n  port: " + port + "\n  username_file: user\n  password_file: password\n"
                + "topics:\n  sensors: plant/+/sensors\n  predictions: plant/{stream}/predictions\n"
                + "model:\n  window:\n    length: 60\n    stride: 60\nhttp:\n  enabled: false\n");
        AgentConfig cfg = ConfigLoader.load(dir.resolve("agent.yaml"));
        try (EmbeddedBroker broker = EmbeddedBroker.start(BrokerSettings.forAgent(cfg));
             Agent agent = Agent.start(cfg)) {
            assertThat(agent.subscriber().awaitReady(Duration.ofSeconds(30))).isTrue();
            assertThat(agent.publisher().awaitReady(Duration.ofSeconds(30))).isTrue();
            assertThatThrownBy(() -> new TestClient("tcp://127.0.0.1:" + port, "stranger"))
                    .as("anonymous client").hasMessageContaining("cannot connect");
            assertThatThrownBy(() -> new TestClient("tcp://127.0.0.1:" + port, "guess", "sensors", "wrong"))
                    .as("wrong password").hasMessageContaining("cannot connect");
            try (TestClient sensors = new TestClient("tcp://127.0.0.1:" + port, "line3", "sensors", "pump-pass")) {
                sensors.subscribe("plant/+/predictions");
                Recording rec = Recording.fixture(ModelLoader.loadEmbedded("s5-skab"));
                for (int i = 0; i < 180; i++) {
                    sensors.publish("plant/p.1/sensors", rec.json(i), 1);
                }
                await().atMost(Duration.ofSeconds(30)).until(() -> sensors.on("/predictions").size() == 3);
                assertThat(sensors.on("/predictions")).allSatisfy(m -> assertThat(
                        new ObjectMapper().readTree(m.payload()).get("stream").asText()).isEqualTo("p.1"));
            }
        }
    }

    @Test
    void aTakenPortIsReportedAndNothingKeepsRunning() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            assertThatThrownBy(() -> EmbeddedBroker.start(BrokerSettings.loopback(taken.getLocalPort())))
                    .isInstanceOf(BrokerException.class)
                    .hasMessageContaining("mqtt://127.0.0.1:" + taken.getLocalPort()).hasMessageContaining("port taken");
        }
    }

    @Test
    void usersFileMistakesNameTheLine() throws Exception {
        Files.writeString(dir.resolve("users"), "gateway:a\njust-a-name\n");
        assertThatThrownBy(() -> UsersFile.read(dir.resolve("users"))).isInstanceOf(BrokerException.class)
                .hasMessageContaining("line 2").hasMessageContaining("user:password");
        Files.writeString(dir.resolve("users"), "a:1\na:2\n");
        assertThatThrownBy(() -> UsersFile.read(dir.resolve("users"))).hasMessageContaining("'a' is listed twice");
        assertThat(new PasswordCheck(java.util.Map.of("a", "1")).validateUser("a", "1")).isTrue();
        assertThat(new PasswordCheck(java.util.Map.of("a", "1")).validateUser("a", "12")).isFalse();
        assertThat(new PasswordCheck(java.util.Map.of("a", "1")).validateUser(null, null)).isFalse();
        assertThat(List.of(BrokerSettings.loopback(1883).listeners().get(0).describe())).containsExactly("mqtt://127.0.0.1:1883");
    }
}
