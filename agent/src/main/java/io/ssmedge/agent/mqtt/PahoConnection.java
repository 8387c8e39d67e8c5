package io.ssmedge.agent.mqtt;

import java.io.IOException;

/**
 * What both Paho clients share beyond {@link ManagedConnection}: their sockets ({@link PahoSockets}), through which
 * the agent's PUBACKs are written in blocks on a tcp:// connection.
 */
abstract class PahoConnection extends ManagedConnection {
    /** The socket factory of a tcp:// connection (null with TLS): PUBACKs are written through it in blocks. */
    protected final PahoSockets.Plain plainSockets;
    private final boolean rawAcks;

    PahoConnection(ConnectionSpec spec) {
        super(spec);
        this.plainSockets = spec.sslSocketFactory() == null ? PahoSockets.plain() : null;
        this.rawAcks = plainSockets != null && spec.serverUri().startsWith("tcp://"); // MQTT straight on TCP
    }

    @Override
    protected final boolean writeAcks(byte[] packets, int len) throws IOException {
        return rawAcks && plainSockets.writePackets(packets, len);
    }
}
