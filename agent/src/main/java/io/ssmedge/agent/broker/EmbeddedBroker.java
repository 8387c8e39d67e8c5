package io.ssmedge.agent.broker;

import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.api.core.TransportConfiguration;
import org.apache.activemq.artemis.core.config.WildcardConfiguration;
import org.apache.activemq.artemis.core.config.impl.ConfigurationImpl;
import org.apache.activemq.artemis.core.remoting.impl.netty.NettyAcceptorFactory;
import org.apache.activemq.artemis.core.remoting.impl.netty.TransportConstants;
import org.apache.activemq.artemis.core.server.JournalType;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.apache.activemq.artemis.core.settings.impl.AddressSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * An MQTT broker inside this JVM: Apache ActiveMQ Artemis with its MQTT protocol (MQTT 5 and 3.1.1, QoS 0/1/2,
 * persistent sessions, retained messages, wills, TLS with client certificates, password accounts). Start with
 * {@link #start(BrokerSettings)}, stop with {@link #close()}; {@link #restart()} stops and starts it on the same
 * ports (without a data folder, sessions are then forgotten, as after a broker reboot).
 */
public final class EmbeddedBroker implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EmbeddedBroker.class);

    private final BrokerSettings settings;
    private final Path workDir; // (private folder) key stores, and journal/paging when there is no data folder
    private EmbeddedActiveMQ server;

    private EmbeddedBroker(BrokerSettings settings, Path workDir) {
        this.settings = settings;
        this.workDir = workDir;
    }

    /** Starts the broker and returns once every listener accepts connections. */
    public static EmbeddedBroker start(BrokerSettings settings) {
        Path work;
        try {
            work = Files.createTempDirectory("ssm-edge-broker-");
        } catch (IOException e) {
            throw new BrokerException("embedded broker: cannot make a work folder: " + e.getMessage(), e);
        }
        EmbeddedBroker b = new EmbeddedBroker(settings, work);
        try {
            b.launch();
        } catch (RuntimeException e) {
            b.close();
            throw e;
        }
        return b;
    }

    private void launch() {
        long t0 = System.nanoTime();
        ConfigurationImpl c = new ConfigurationImpl();
        c.setName("ssm-edge-embedded");
        c.setJMXManagementEnabled(false);
        c.setCriticalAnalyzer(false); // its default policy may halt the JVM on a slow disk: not in a gateway
        c.setPersistenceEnabled(settings.dataDir() != null);
        c.setJournalType(JournalType.NIO);
        Path data = settings.dataDir() != null ? settings.dataDir() : workDir.resolve("data");
        c.setJournalDirectory(data.resolve("journal").toString());
        c.setBindingsDirectory(data.resolve("bindings").toString());
        c.setPagingDirectory(data.resolve("paging").toString());
        c.setLargeMessagesDirectory(data.resolve("large-messages").toString());
        c.setNodeManagerLockDirectory(data.resolve("lock").toString());
        // MQTT's own topic syntax for Artemis's addresses: '/' separates levels, so a '.' in a topic (a client id
        // like gateway-3.1.1 in ssm-edge/{client_id}/status) is an ordinary character, as MQTT 5 section 4.7 says
        c.setWildCardConfiguration(new WildcardConfiguration().setDelimiter('/').setAnyWords('#').setSingleWord('+'));
        c.addAddressSetting("#", new AddressSettings()
                .setDeadLetterAddress(SimpleString.of("DLQ")).setExpiryAddress(SimpleString.of("ExpiryQueue")));
        c.setSecurityEnabled(!settings.anonymous());
        for (Listener l : settings.listeners()) {
            c.addAcceptorConfiguration(acceptor(l));
        }
        EmbeddedActiveMQ s = new EmbeddedActiveMQ();
        s.setConfiguration(c);
        if (!settings.anonymous()) {
            s.setSecurityManager(new PasswordCheck(settings.users()));
        }
        try {
            s.start();
        } catch (Exception e) {
            throw new BrokerException("embedded broker did not start: " + e.getMessage(), e);
        }
        try {
            checkListening(s);
        } catch (BrokerException e) {
            try {
                s.stop();
            } catch (Exception stopFailed) {
                e.addSuppressed(stopFailed);
            }
            throw e;
        }
        server = s;
        log.info("embedded MQTT broker (MQTT 5 and 3.1.1, {}{}) listening on {} after {} ms",
                settings.anonymous() ? "anonymous" : settings.users().size() + " account(s)",
                settings.dataDir() == null ? ", sessions in memory" : ", sessions kept in " + settings.dataDir(),
                settings.listeners().stream().map(Listener::describe).collect(Collectors.joining(", ")),
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
    }

    private TransportConfiguration acceptor(Listener l) {
        Map<String, Object> p = new HashMap<>();
        p.put(TransportConstants.HOST_PROP_NAME, l.host());
        p.put(TransportConstants.PORT_PROP_NAME, l.port());
        p.put(TransportConstants.PROTOCOLS_PROP_NAME, "MQTT");
        p.put(TransportConstants.TCP_NODELAY_PROPNAME, true);
        String name = acceptorName(l);
        if (l.tls() != null) {
            KeyStoreFiles.Stores ks = KeyStoreFiles.write(l.tls(), workDir, name);
            p.put(TransportConstants.SSL_ENABLED_PROP_NAME, true);
            p.put(TransportConstants.KEYSTORE_TYPE_PROP_NAME, "PKCS12");
            p.put(TransportConstants.KEYSTORE_PATH_PROP_NAME, ks.keyStore().toString());
            p.put(TransportConstants.KEYSTORE_PASSWORD_PROP_NAME, ks.password());
            if (ks.trustStore() != null) {
                p.put(TransportConstants.TRUSTSTORE_TYPE_PROP_NAME, "PKCS12");
                p.put(TransportConstants.TRUSTSTORE_PATH_PROP_NAME, ks.trustStore().toString());
                p.put(TransportConstants.TRUSTSTORE_PASSWORD_PROP_NAME, ks.password());
                p.put(TransportConstants.NEED_CLIENT_AUTH_PROP_NAME, true);
            }
        }
        return new TransportConfiguration(NettyAcceptorFactory.class.getName(), p, name);
    }

    /**
     * Artemis logs rather than throws when a port cannot be bound (AMQ229230), and then never becomes active: check
     * that it is active and each listener's acceptor runs.
     */
    private void checkListening(EmbeddedActiveMQ s) {
        var server = s.getActiveMQServer();
        for (Listener l : settings.listeners()) {
            var acceptor = server.getRemotingService() == null ? null
                    : server.getRemotingService().getAcceptor(acceptorName(l));
            if (!server.isActive() || acceptor == null || !acceptor.isStarted()) {
                throw new BrokerException("embedded broker: cannot listen on " + settings.listeners().stream()
                        .map(Listener::describe).collect(Collectors.joining(" and ")) + " (port taken by another program, "
                        + "or an address this machine does not have? give another port or bind address)");
            }
        }
    }

    private static String acceptorName(Listener l) {
        return "mqtt-" + l.port();
    }

    /** The port of the first listener. */
    public int port() {
        return settings.listeners().get(0).port();
    }

    public BrokerSettings settings() {
        return settings;
    }

    public boolean isRunning() {
        return server != null;
    }

    /** Stops the broker (clients are disconnected); {@link #restart()} may start it again. */
    public synchronized void stop() {
        if (server == null) {
            return;
        }
        try {
            server.stop();
        } catch (Exception e) {
            log.warn("embedded broker: stop failed: {}", e.getMessage());
        }
        server = null;
    }

    /** Stops and starts again on the same ports. */
    public synchronized void restart() {
        stop();
        launch();
    }

    @Override
    public synchronized void close() {
        stop();
        try (Stream<Path> files = Files.walk(workDir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            log.warn("embedded broker: could not remove its work folder {}: {}", workDir, e.getMessage());
        }
    }
}
