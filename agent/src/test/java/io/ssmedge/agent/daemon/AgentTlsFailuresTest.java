package io.ssmedge.agent.daemon;

import io.ssmedge.agent.config.AgentConfig;
import io.ssmedge.agent.config.HttpConfig;
import io.ssmedge.agent.config.MqttConfig;
import io.ssmedge.agent.config.TlsConfig;
import io.ssmedge.agent.testing.Certificates;
import io.ssmedge.agent.testing.TestBroker;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The agent refuses a broker whose certificate is signed by another authority, has expired, or is made out for
 * another host, and says which of the three it is.
 */
class AgentTlsFailuresTest {
    @TempDir
    Path dir;

    private String refusal(int port, String host, String caFile) throws Exception {
        AgentConfig d = AgentConfig.defaults();
        MqttConfig mqtt = new MqttConfig(host, port, d.mqtt().version(), "tls-fail-" + System.nanoTime(), 3600, 30,
                dir.resolve("user"), dir.resolve("password"),
                new TlsConfig(true, dir.resolve(caFile), dir.resolve("agent.crt"), dir.resolve("agent.key")), 100, 1000);
        try (Agent agent = Agent.start(d.withMqtt(mqtt).withHttp(new HttpConfig(false, "127.0.0.1", 0, null, 65536)))) {
            await().atMost(Duration.ofSeconds(30)).until(() -> agent.publisher().lastError() != null);
            assertThat(agent.publisher().isConnected()).isFalse();
            return agent.publisher().lastError();
        }
    }

    @ParameterizedTest(name = "{0} broker")
    @EnumSource(TestBroker.Kind.class)
    void wrongCaExpiredCertificateAndHostMismatchAreNamed(TestBroker.Kind kind) throws Exception {
        kind.assumeAvailable();
        Assumptions.assumeTrue(Certificates.available(),
                "openssl not installed: the TLS test needs it to make test certificates");
        Certificates certs = new Certificates(dir);
        certs.authority("ca");
        certs.authority("other");
        certs.certificate("broker", "127.0.0.1", "subjectAltName=IP:127.0.0.1", 2);
        certs.certificate("agent", "ssm-edge-agent", null);
        Files.writeString(dir.resolve("user"), "gateway\n");
        Files.writeString(dir.resolve("password"), "s3cret-pass\n");
        int port = TestBroker.freePort();
        try (TestBroker broker = kind.startSecured(dir, new TestBroker.Secured(port, dir.resolve("ca.crt"),
                dir.resolve("broker.crt"), dir.resolve("broker.key"), "gateway", "s3cret-pass"))) {
            assertThat(refusal(port, "127.0.0.1", "other.crt")).contains("not signed by an authority in mqtt.tls.ca_file");
            assertThat(refusal(port, "localhost", "ca.crt")).contains("not made out for host 'localhost'");
        }
        certs.certificate("expired", "127.0.0.1", "subjectAltName=IP:127.0.0.1", -1);
        int port2 = TestBroker.freePort();
        Path dir2 = Files.createDirectories(dir.resolve("expired-broker"));
        try (TestBroker broker = kind.startSecured(dir2, new TestBroker.Secured(port2, dir.resolve("ca.crt"),
                dir.resolve("expired.crt"), dir.resolve("expired.key"), "gateway", "s3cret-pass"))) {
            assertThat(refusal(port2, "127.0.0.1", "ca.crt")).contains("certificate has expired");
        }
    }
}
