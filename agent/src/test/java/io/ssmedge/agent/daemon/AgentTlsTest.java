package io.ssmedge.agent.daemon;

import io.ssmedge.agent.config.AgentConfig;
import io.ssmedge.agent.config.MqttConfig;
import io.ssmedge.agent.config.TlsConfig;
import io.ssmedge.agent.config.TopicsConfig;
import io.ssmedge.agent.config.HttpConfig;
import io.ssmedge.agent.testing.TestBroker;
import io.ssmedge.agent.testing.Recording;
import io.ssmedge.agent.testing.TestClient;
import io.ssmedge.model.ModelLoader;
import io.ssmedge.model.SsmModel;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The agent over TLS with a client certificate and a password, against a broker that requires both (the embedded
 * broker, and Mosquitto when installed).
 */
@ParameterizedClass(name = "{0} broker")
@EnumSource(TestBroker.Kind.class)
class AgentTlsTest {
    static final SsmModel MODEL = ModelLoader.loadEmbedded("s5-skab");

    @Parameter
    TestBroker.Kind kind;
    @TempDir
    Path dir;

    private void run(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("openssl.log").toFile()).start();
        if (p.waitFor() != 0) {
            throw new IllegalStateException(String.join(" ", cmd) + " failed: " + Files.readString(dir.resolve("openssl.log")));
        }
    }

    private void certificate(String name, String cn, String ext) throws Exception {
        run("openssl", "req", "-newkey", "rsa:2048", "-nodes", "-keyout", name + ".key", "-out", name + ".csr",
                "-subj", "/CN=" + cn);
        List<String> sign = new ArrayList<>(List.of("openssl", "x509", "-req", "-in", name + ".csr", "-CA", "ca.crt",
                "-CAkey", "ca.key", "-CAcreateserial", "-out", name + ".crt", "-days", "2"));
        if (ext != null) {
            Files.writeString(dir.resolve(name + ".ext"), ext + "\n");
            sign.addAll(List.of("-extfile", name + ".ext"));
        }
        run(sign.toArray(String[]::new));
    }

    @Test
    void tlsWithClientCertificateAndPassword() throws Exception {
        kind.assumeAvailable();
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/openssl")),
                "openssl not installed: the TLS test needs it to make test certificates");
        run("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.crt",
                "-days", "2", "-subj", "/CN=ssm-edge test CA");
        certificate("broker", "127.0.0.1", "subjectAltName=IP:127.0.0.1");
        certificate("agent", "ssm-edge-agent", null);
        Files.writeString(dir.resolve("user"), "gateway\n");
        Files.writeString(dir.resolve("password"), "s3cret-pass\n");

        int tlsPort = TestBroker.freePort();
        var secured = new TestBroker.Secured(tlsPort, dir.resolve("ca.crt"), dir.resolve("broker.crt"),
                dir.resolve("broker.key"), "gateway", "s3cret-pass");
        try (TestBroker broker = kind.startSecured(dir, secured)) {
            AgentConfig d = AgentConfig.defaults();
            MqttConfig mqtt = new MqttConfig("127.0.0.1", tlsPort, d.mqtt().version(), "tls-agent", 3600, 30,
                    dir.resolve("user"), dir.resolve("password"),
                    new TlsConfig(true, dir.resolve("ca.crt"), dir.resolve("agent.crt"), dir.resolve("agent.key")), 100, 1000);
            AgentConfig cfg = d.withMqtt(mqtt).withHttp(new HttpConfig(false, "127.0.0.1", 0, null, 65536))
                    .withTopics(new TopicsConfig("tls/+/sensors", 1, null, 1, "tls/{stream}/predictions", 1,
                            "ssm-edge/{client_id}/status", "ssm-edge/{client_id}/errors"));
            try (Agent agent = Agent.start(cfg);
                 TestClient client = new TestClient(broker.uri(), "plain-client", "gateway", "s3cret-pass")) {
                assertThat(agent.subscriber().awaitReady(Duration.ofSeconds(30))).isTrue();
                assertThat(agent.publisher().awaitReady(Duration.ofSeconds(30))).isTrue();
                client.subscribe("tls/+/predictions");
                Recording rec = Recording.fixture(MODEL);
                for (int i = 0; i < 120; i++) {
                    client.publish("tls/p/sensors", rec.json(i), 1);
                }
                await().atMost(Duration.ofSeconds(30)).until(() -> client.on("/predictions").size() >= 8);
            }
            // the TLS listener refuses a wrong password and a client without a certificate
            String tlsUri = "ssl://127.0.0.1:" + tlsPort;
            TlsConfig withCert = new TlsConfig(true, dir.resolve("ca.crt"), dir.resolve("agent.crt"), dir.resolve("agent.key"));
            TlsConfig noCert = new TlsConfig(true, dir.resolve("ca.crt"), null, null);
            assertThat(connects(tlsUri, withCert, "gateway", "s3cret-pass")).as("right password and certificate").isTrue();
            assertThat(connects(tlsUri, withCert, "gateway", "wrong-pass")).as("wrong password").isFalse();
            assertThat(connects(tlsUri, noCert, "gateway", "s3cret-pass")).as("no client certificate").isFalse();
        }
    }

    private static boolean connects(String uri, TlsConfig tls, String user, String password) throws Exception {
        var c = new org.eclipse.paho.client.mqttv3.MqttClient(uri, "probe-" + System.nanoTime(),
                new org.eclipse.paho.client.mqttv3.persist.MemoryPersistence());
        var o = new org.eclipse.paho.client.mqttv3.MqttConnectOptions();
        o.setSocketFactory(io.ssmedge.agent.mqtt.TlsSocketFactory.create(tls));
        o.setHttpsHostnameVerificationEnabled(false);
        o.setUserName(user);
        o.setPassword(password.toCharArray());
        o.setConnectionTimeout(10);
        try {
            c.connect(o);
            c.disconnect();
            return true;
        } catch (org.eclipse.paho.client.mqttv3.MqttException refused) {
            return false;
        } finally {
            c.close();
        }
    }
}
