package io.ssmedge.agent.testing;

import io.ssmedge.agent.broker.BrokerSettings;
import io.ssmedge.agent.broker.EmbeddedBroker;
import io.ssmedge.agent.broker.Listener;
import io.ssmedge.agent.broker.ServerTls;

import java.util.List;
import java.util.Map;

/** The product's embedded broker ({@link EmbeddedBroker}) as a test broker: in memory, on free loopback ports. */
final class EmbeddedTestBroker implements TestBroker {
    private final EmbeddedBroker broker;

    private EmbeddedTestBroker(EmbeddedBroker broker) {
        this.broker = broker;
    }

    static EmbeddedTestBroker start(Secured secured) {
        Listener plain = Listener.plain("127.0.0.1", TestBroker.freePort());
        if (secured == null) {
            return new EmbeddedTestBroker(EmbeddedBroker.start(new BrokerSettings(List.of(plain), null, null)));
        }
        Listener tls = new Listener("127.0.0.1", secured.tlsPort(),
                new ServerTls(secured.certFile(), secured.keyFile(), secured.caFile()));
        return new EmbeddedTestBroker(EmbeddedBroker.start(new BrokerSettings(List.of(plain, tls),
                Map.of(secured.user(), secured.password()), null)));
    }

    @Override
    public int port() {
        return broker.port();
    }

    @Override
    public void restart() {
        broker.restart();
    }

    @Override
    public void stop() {
        broker.stop();
    }

    @Override
    public void close() {
        broker.close();
    }
}
