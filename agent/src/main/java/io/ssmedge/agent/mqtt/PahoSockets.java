package io.ssmedge.agent.mqtt;

import javax.net.SocketFactory;
import javax.net.ssl.SSLSocketFactory;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
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
 * </ul>
 */
public final class PahoSockets {
    /** Bytes read ahead per system call: a few hundred small MQTT packets. */
    static final int READ_BUFFER = 64 * 1024;

    private PahoSockets() {
    }

    /** For tcp:// brokers: no delay, buffered reads. */
    public static SocketFactory plain() {
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

    /** A plain socket whose input stream is buffered (one buffer per socket, made on first use). */
    static final class BufferedReads extends Socket {
        private InputStream in;

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
    }

    private static final class Plain extends SocketFactory {
        @Override
        public Socket createSocket() throws IOException {
            return noDelay(new BufferedReads());
        }

        @Override
        public Socket createSocket(String host, int port) throws IOException {
            return noDelay(new BufferedReads(host, port));
        }

        @Override
        public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
            return noDelay(new BufferedReads(host, port, localHost, localPort));
        }

        @Override
        public Socket createSocket(InetAddress host, int port) throws IOException {
            return noDelay(new BufferedReads(host, port));
        }

        @Override
        public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort) throws IOException {
            return noDelay(new BufferedReads(address, port, localAddress, localPort));
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
