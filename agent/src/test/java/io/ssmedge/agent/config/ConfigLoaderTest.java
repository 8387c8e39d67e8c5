package io.ssmedge.agent.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConfigLoaderTest {
    @Test
    void exampleConfigLoads() {
        AgentConfig c = ConfigLoader.load(Path.of("../configs/agent.yaml"));
        assertThat(c.model().path()).isEqualTo("embedded:s5-skab");
        assertThat(c.mqtt().version()).isEqualTo(MqttVersion.V5);
        assertThat(c.mqtt().serverUri()).isEqualTo("tcp://127.0.0.1:1883");
        assertThat(c.topics().predictionTopic("pump7")).isEqualTo("factory/line3/pump7/predictions");
        assertThat(c.topics().labels()).isEqualTo("factory/line3/+/labels");
        assertThat(c.workers().overflow()).isEqualTo(OverflowPolicy.DROP_OLDEST);
        assertThat(c.http().loopback()).isTrue();
    }

    @Test
    void emptyFileGivesDefaults() {
        AgentConfig c = ConfigLoader.parse("x.yaml", "");
        assertThat(c).isEqualTo(AgentConfig.defaults());
        assertThat(c.mqtt().port()).isEqualTo(1883);
        assertThat(c.model().window()).isEqualTo(WindowConfig.defaults());
    }

    @Test
    void versionAcceptsNumberAndText() {
        assertThat(ConfigLoader.parse("x", "mqtt:\n  version: 3.1.1\n").mqtt().version()).isEqualTo(MqttVersion.V3_1_1);
        assertThat(ConfigLoader.parse("x", "mqtt:\n  version: 5\n").mqtt().version()).isEqualTo(MqttVersion.V5);
        assertThatThrownBy(() -> ConfigLoader.parse("x", "mqtt:\n  version: 4\n"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("mqtt.version").hasMessageContaining("5 or 3.1.1");
    }

    @Test
    void tlsChangesDefaultPort() {
        assertThat(ConfigLoader.parse("x", "mqtt:\n  tls:\n    enabled: true\n").mqtt().serverUri())
                .isEqualTo("ssl://127.0.0.1:8883");
    }

    @Test
    void unknownKeyListsValidKeys() {
        assertThatThrownBy(() -> ConfigLoader.parse("a.yaml", "mqtt:\n  hots: broker\n"))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("a.yaml: mqtt.hots: unknown key; valid keys in mqtt are")
                .hasMessageContaining("host").hasMessageContaining("client_id").hasMessageNotContaining("clientId");
        assertThatThrownBy(() -> ConfigLoader.parse("a.yaml", "modle:\n  path: x\n"))
                .hasMessageContaining("modle: unknown key; valid keys at the top level are").hasMessageContaining("model");
    }

    @Test
    void outOfRangeNamesKeyAndRange() {
        assertThatThrownBy(() -> ConfigLoader.parse("a.yaml", "mqtt:\n  port: 70000\n"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("a.yaml: mqtt.port: expected a whole number from 1 to 65535, got 70000");
        assertThatThrownBy(() -> ConfigLoader.parse("a.yaml", "model:\n  window:\n    stride: -1\n"))
                .hasMessageContaining("model.window.stride: expected a whole number from 0");
    }

    @Test
    void wrongTypeNamesKey() {
        assertThatThrownBy(() -> ConfigLoader.parse("a.yaml", "mqtt:\n  port: abc\n"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("mqtt.port: expected a whole number");
        assertThatThrownBy(() -> ConfigLoader.parse("a.yaml", "workers:\n  overflow: drop-everything\n"))
                .hasMessageContaining("workers.overflow: expected one of drop-oldest, drop-newest, block");
        assertThatThrownBy(() -> ConfigLoader.parse("a.yaml", "mqtt: 5\n"))
                .hasMessageContaining("mqtt");
    }

    @Test
    void topicsAreChecked() {
        assertThatThrownBy(() -> ConfigLoader.parse("a.yaml", "topics:\n  sensors: factory/line3/sensors\n"))
                .hasMessageContaining("topics.sensors: expected a topic filter with a '+' level");
        assertThatThrownBy(() -> ConfigLoader.parse("a.yaml", "topics:\n  predictions: out/predictions\n"))
                .hasMessageContaining("topics.predictions: expected a topic holding {stream}");
    }

    @Test
    void openBindNeedsToken() {
        assertThatThrownBy(() -> ConfigLoader.parse("a.yaml", "http:\n  bind: 0.0.0.0\n"))
                .hasMessageContaining("http.token_file: required when bind is 0.0.0.0");
    }

    @Test
    void brokerSectionSelectsTheEmbeddedBrokerAndIsCheckedAgainstMqtt() {
        assertThat(ConfigLoader.parse("x", "").broker().embedded()).isFalse();
        BrokerConfig b = ConfigLoader.parse("x", "broker:\n  mode: embedded\n  bind: 0.0.0.0\n").broker();
        assertThat(b.embedded()).isTrue();
        assertThat(b.bind()).isEqualTo("0.0.0.0");
        assertThatThrownBy(() -> ConfigLoader.parse("a.yaml", "broker:\n  mode: inside\n"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("broker.mode")
                .hasMessageContaining("external, embedded");
        assertThatThrownBy(() -> ConfigLoader.parse("a.yaml", "broker:\n  mode: embedded\nmqtt:\n  tls:\n    enabled: true\n"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("broker.cert_file: needed when mqtt.tls.enabled");
        assertThatThrownBy(() -> ConfigLoader.parse("a.yaml", "broker:\n  mode: embedded\n  users_file: users\n"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("mqtt.username_file: needed when broker.users_file");
        assertThatThrownBy(() -> ConfigLoader.parse("a.yaml", "broker:\n  cert_file: b.crt\n"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("broker.cert_file, key_file: give both");
    }

    @Test
    void badYamlSaysLine() {
        assertThatThrownBy(() -> ConfigLoader.parse("a.yaml", "mqtt:\n  host: a: b\n"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("not valid YAML");
    }

    @Test
    void filesAreRelativeToConfigAndMustExist(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("token"), "secret\n");
        Files.writeString(dir.resolve("a.yaml"), "http:\n  bind: 0.0.0.0\n  token_file: token\n");
        assertThat(ConfigLoader.load(dir.resolve("a.yaml")).http().tokenFile()).isEqualTo(dir.resolve("token"));
        Files.writeString(dir.resolve("b.yaml"), "mqtt:\n  tls:\n    enabled: true\n    ca_file: ca.pem\n");
        assertThatThrownBy(() -> ConfigLoader.load(dir.resolve("b.yaml")))
                .hasMessageContaining("mqtt.tls.ca_file: cannot read file").hasMessageContaining("no such file");
        assertThatThrownBy(() -> ConfigLoader.load(dir.resolve("missing.yaml"))).hasMessageContaining("config file not found");
    }
}
