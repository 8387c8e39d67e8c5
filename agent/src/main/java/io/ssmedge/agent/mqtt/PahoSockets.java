package io.ssmedge.agent.mqtt;

import javax.net.SocketFactory;
import javax.net.ssl.SSLSocketFactory;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;

/**
 * Socket factories for Paho (both clients, v3 and v5):
 * <ul>
 *   <li>Nagle's algorithm off (TCP_NODELAY). MQTT messages are small: with Nagle on, a message can wait for the
 *       acknowledgement of the previous one, and with the peer's delayed acknowledgements that is up to 40 ms of
 *       added latency on an otherwise idle link.</li>
 *   <li>Buffered reads on plain TCP. Paho's receiver reads each packet through a {@code DataInputStream} over the
 *       socket's own stream: the fixed header byte, each byte of the remaining length, then the rest, i.e. three
 *       {@code read} system calls for a small PUBLISH or PUBACK (checked in Paho 1.2.5's {@code MqttInputStream}).
 *       Through a {@link BufferedInputStream} one system call fetches whatever the kernel holds, often hundreds of
 *       packets. TLS sockets already read whole records into a buffer and are left as they are.</li>
 *   <li>On plain TCP, {@link Plain#writePackets} writes ready-made packets (the agent's PUBACKs, many in one
 *       system call, see {@link AckSequencer}) between the client's own packets: the client's bytes are collected
 *       until it flushes (Paho flushes after every whole packet), so the two never interleave within a packet.</li>
 * </ul>
 */
public final class PahoSockets {
    /** Bytes read ahead per system call: a few hundred small MQTT packets. */
    static final int READ_BUFFER = 64 * 1024;

    private PahoSockets() {
    }

    /** For tcp:// brokers: no delay, buffered reads, and {@link Plain#writePackets} beside the client. */
    public static Plain plain() {
        return new Plain();
    }

    /** For ssl:// brokers: the given TLS factory with TCP_NODELAY on every socket. */
    public static SSLSocketFactory tls(SSLSocketFactory delegate) {
        return new Tls(delegate);
    }

    private static Socket noDelay(Socket s) throws IOException {
        s.setTcpNoDelay(true);
        return s;
    }

    /** A plain socket with a buffered input stream and a {@link PacketOutput} (made on first use). */
    static final class BufferedReads extends Socket {
        private InputStream in;
        private PacketOutput out;

        BufferedReads() {
        }

        BufferedReads(String host, int port) throws IOException {
            super(host, port);
        }

        BufferedReads(String host, int port, InetAddress localHost, int localPort) throws IOException {
            super(host, port, localHost, localPort);
        }

        BufferedReads(InetAddress host, int port) throws IOException {
            super(host, port);
        }

        BufferedReads(InetAddress host, int port, InetAddress localHost, int localPort) throws IOException {
            super(host, port, localHost, localPort);
        }

        @Override
        public synchronized InputStream getInputStream() throws IOException {
            if (in == null) {
                in = new BufferedInputStream(super.getInputStream(), READ_BUFFER);
            }
            return in;
        }

        @Override
        public synchronized OutputStream getOutputStream() throws IOException {
            if (out == null) {
                out = new PacketOutput(super.getOutputStream());
            }
            return out;
        }
    }

    /**
     * The socket's output as the client sees it: its bytes are kept until it flushes (after each whole packet), then
     * written together; {@link #writePackets} writes other whole packets in between, never inside a client's packet.
     */
    static final class PacketOutput extends OutputStream {
        private final OutputStream socket;
        private byte[] pending = new byte[1024]; // (client bytes since its last flush)
        private int count;

        PacketOutput(OutputStream socket) {
            this.socket = socket;
        }

        @Override
        public synchronized void write(int b) {
            ensure(1);
            pending[count++] = (byte) b;
        }

        @Override
        public synchronized void write(byte[] b, int off, int len) {
            java.util.Objects.checkFromIndexSize(off, len, b.length);
            ensure(len);
            System.arraycopy(b, off, pending, count, len);
            count += len;
        }

        private void ensure(int more) {
            if (count + more > pending.length) {
                pending = java.util.Arrays.copyOf(pending, Math.max(pending.length * 2, count + more));
            }
        }

        @Override
        public synchronized void flush() throws IOException {
            if (count > 0) {
                int n = count;
                count = 0; // a failed write loses the packet as a failed socket write would
                socket.write(pending, 0, n);
            }
            socket.flush();
        }

        /** Writes whole packets now, between the client's packets. */
        synchronized void writePackets(byte[] packets, int len) throws IOException {
            socket.write(packets, 0, len);
            socket.flush();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    /** The factory for tcp:// brokers; it remembers the socket of the client's current connection. */
    public static final class Plain extends SocketFactory {
        private volatile BufferedReads current;

        private Plain() {
        }

        private Socket made(BufferedReads s) throws IOException {
            current = s;
            return noDelay(s);
        }

        /**
         * Writes whole MQTT packets on the current connection, between the client's own packets.
         *
         * @return false when there is no connected socket (nothing written)
         * @throws IOException the connection failed while writing
         */
        boolean writePackets(byte[] packets, int len) throws IOException {
            BufferedReads s = current;
            if (s == null || !s.isConnected() || s.isClosed()) {
                return false;
            }
            ((PacketOutput) s.getOutputStream()).writePackets(packets, len);
            return true;
        }

        @Override
        public Socket createSocket() throws IOException {
            return made(new BufferedReads());
        }

        @Override
        public Socket createSocket(String host, int port) throws IOException {
            return made(new BufferedReads(host, port));
        }

        @Override
        public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
            return made(new BufferedReads(host, port, localHost, localPort));
        }

        @Override
        public Socket createSocket(InetAddress host, int port) throws IOException {
            return made(new BufferedReads(host, port));
        }

        @Override
        public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort) throws IOException {
            return made(new BufferedReads(address, port, localAddress, localPort));
        }
    }

    private static final class Tls extends SSLSocketFactory {
        private final SSLSocketFactory d;

        Tls(SSLSocketFactory d) {
            this.d = d;
        }

        @Override
        public String[] getDefaultCipherSuites() {
            return d.getDefaultCipherSuites();
        }

        @Override
        public String[] getSupportedCipherSuites() {
            return d.getSupportedCipherSuites();
        }

        @Override
        public Socket createSocket() throws IOException {
            return noDelay(d.createSocket());
        }

        @Override
        public Socket createSocket(Socket s, String host, int port, boolean autoClose) throws IOException {
            return noDelay(d.createSocket(s, host, port, autoClose));
        }

        @Override
        public Socket createSocket(String host, int port) throws IOException {
            return noDelay(d.createSocket(host, port));
        }

        @Override
        public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
            return noDelay(d.createSocket(host, port, localHost, localPort));
        }

        @Override
        public Socket createSocket(InetAddress host, int port) throws IOException {
            return noDelay(d.createSocket(host, port));
        }

        @Override
        public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort) throws IOException {
            return noDelay(d.createSocket(address, port, localAddress, localPort));
        }
    }
}
