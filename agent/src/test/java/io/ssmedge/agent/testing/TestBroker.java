package io.ssmedge.agent.testing;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.Locale;

/**
 * An MQTT broker of a test's own on 127.0.0.1: the embedded one (always available) or a system Mosquitto (when
 * installed). Scenario tests run against every {@link Kind}; {@link Kind#assumeAvailable()} skips the Mosquitto
 * runs on a machine without it.
 */
public interface TestBroker extends AutoCloseable {
    /** Which broker. */
    enum Kind {
        EMBEDDED, MOSQUITTO;

        /** Skips the calling test (JUnit assumption) when this broker cannot run here; says so once per JVM. */
        public void assumeAvailable() {
            if (this == MOSQUITTO) {
                Assumptions.assumeTrue(MosquittoBroker.installed(), MosquittoBroker.SKIP_NOTE);
            }
        }

        /** An anonymous broker with one plain listener. */
        public TestBroker start(Path dir) {
            assumeAvailable();
            return this == EMBEDDED ? EmbeddedTestBroker.start(null) : MosquittoBroker.start(dir);
        }

        /**
         * A broker with a plain listener ({@link TestBroker#uri()}, for the test's own client, which logs in with
         * the account) and a TLS listener on {@code secured.tlsPort()} that requires the account and a client
         * certificate signed by {@code secured.caFile()}.
         */
        public TestBroker startSecured(Path dir, Secured secured) {
            assumeAvailable();
            return this == EMBEDDED ? EmbeddedTestBroker.start(secured) : MosquittoBroker.startSecured(dir, secured);
        }

        @Override
        public String toString() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * A TLS listener with password and client certificate.
     *
     * @param tlsPort  its port
     * @param caFile   CA of the client certificates (and of the broker's certificate)
     * @param certFile the broker's certificate
     * @param keyFile  the broker's key (PKCS#8 PEM)
     * @param user     the one account
     * @param password its password
     */
    record Secured(int tlsPort, Path caFile, Path certFile, Path keyFile, String user, String password) {
    }

    int port();

    default String uri() {
        return "tcp://127.0.0.1:" + port();
    }

    /** Stops and starts again on the same port; sessions and subscriptions are forgotten (no persistence). */
    void restart();

    void stop();

    @Override
    default void close() {
        stop();
    }

    static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
