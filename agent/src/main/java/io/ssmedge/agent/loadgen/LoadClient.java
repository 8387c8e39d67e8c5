package io.ssmedge.agent.loadgen;

import javax.net.ssl.SSLSocketFactory;
import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Semaphore;
import java.util.function.Consumer;

/**
 * The load generator's own MQTT 3.1.1 client: just what a load generator needs, and cheap per message.
 * <ul>
 *   <li>{@link #publisher}: {@link #publish} encodes a PUBLISH (QoS 0 or 1) into a buffer; {@link #flush} writes
 *       all buffered packets in one system call and counts the PUBACKs that have arrived, to keep at most
 *       {@link #WINDOW} QoS 1 messages unconfirmed.</li>
 *   <li>{@link #subscriber}: subscribes at QoS 0 and hands each message's payload to a callback on its reader
 *       thread.</li>
 *   <li>No persistence, no reconnection, no keep-alive (keep alive 0): a load generator that loses its connection
 *       stops with an error instead of measuring something else.</li>
 * </ul>
 * Why not Paho: with Paho's {@code MqttAsyncClient} (a token, a persistence entry and a hand-off to its sender
 * thread per QoS 1 message) the load generator used 75–190 µs of CPU per message, as much as the agent and the
 * broker together; on the 2-core benchmark machine it was the load generator that limited the test (BENCHMARKS.md,
 * "QoS 1 intake"). The agent itself keeps Paho.
 * <p>Packets (MQTT 3.1.1, OASIS standard, section 3): fixed header byte (type &lt;&lt; 4 | flags), remaining length
 * as a base-128 varint (1–4 bytes), then the variable header and payload; strings are a 2-byte big-endian length
 * followed by UTF-8.
 */
final class LoadClient implements Closeable {
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(LoadClient.class);
    /** Unconfirmed QoS 1 messages at most. Below 65,535 packet ids, and a broker acknowledges in order, so ids cycled
     * in order are never reused while still unconfirmed. */
    static final int WINDOW = 30_000;
    private static final int CONNECT = 1;
    private static final int CONNACK = 2;
    private static final int PUBLISH = 3;
    private static final int PUBACK = 4;
    private static final int SUBSCRIBE = 8;
    private static final int SUBACK = 9;
    private static final int DISCONNECT = 14;

    private final Socket socket;
    private final OutputStream out;
    private final DataInputStream in;
    private final byte[] buf = new byte[64 * 1024]; // (bytes) packets not yet written; buf[0, pos)
    private int pos;
    private int nextId = 1;
    private final Semaphore window = new Semaphore(WINDOW);
    private final Semaphore subscribed = new Semaphore(0);
    private volatile Consumer<byte[]> onMessage = p -> { };
    private volatile IOException failure;
    private volatile boolean closing;
    private Thread reader; // a subscriber's; null on a publisher (which reads its PUBACKs itself)

    private LoadClient(Socket socket, String clientId) throws IOException {
        this.socket = socket;
        socket.setTcpNoDelay(true);
        this.out = socket.getOutputStream();
        this.in = new DataInputStream(new BufferedInputStream(socket.getInputStream(), 64 * 1024));
        connect(clientId);
    }

    /**
     * A client to publish on: the broker's PUBACKs are read by the publishing thread itself, in {@link #flush}
     * without blocking, and blocking only while the window is full. No reader thread: one that woke for every
     * PUBACK (the broker writes each on its own) cost more CPU than the publishing.
     */
    static LoadClient publisher(String broker, String clientId) throws IOException {
        return open(broker, clientId);
    }

    /** A client subscribed at QoS 0 to the filter; each message's payload goes to the callback, on its reader thread. */
    static LoadClient subscriber(String broker, String clientId, String filter, Consumer<byte[]> callback)
            throws IOException, InterruptedException {
        LoadClient c = open(broker, clientId);
        try {
            c.onMessage = callback;
            c.reader = new Thread(c::readLoop, "loadgen-read-" + clientId);
            c.reader.setDaemon(true);
            c.reader.start();
            c.subscribe(filter);
            return c;
        } catch (IOException | RuntimeException | InterruptedException e) {
            c.close();
            throw e;
        }
    }

    /** Connects to tcp://host:port or ssl://host:port (the JVM's default TLS settings) with a clean session. */
    private static LoadClient open(String broker, String clientId) throws IOException {
        URI u = URI.create(broker);
        if (u.getHost() == null || u.getPort() < 0) {
            throw new IllegalArgumentException("--broker must look like tcp://host:port, got " + broker);
        }
        Socket s = switch (u.getScheme()) {
            case "tcp" -> new Socket(u.getHost(), u.getPort());
            case "ssl" -> SSLSocketFactory.getDefault().createSocket(u.getHost(), u.getPort());
            default -> throw new IllegalArgumentException("--broker must start with tcp:// or ssl://, got " + broker);
        };
        try {
            return new LoadClient(s, clientId);
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
    }

    private void connect(String clientId) throws IOException {
        byte[] id = clientId.getBytes(StandardCharsets.UTF_8);
        // variable header: protocol name "MQTT", level 4 (3.1.1), flags 0x02 (clean session), keep alive 0 (off)
        int remaining = 10 + 2 + id.length;
        header(CONNECT << 4, remaining);
        put((byte) 0, (byte) 4, (byte) 'M', (byte) 'Q', (byte) 'T', (byte) 'T', (byte) 4, (byte) 0x02, (byte) 0, (byte) 0);
        string(id);
        write();
        socket.setSoTimeout(10_000);
        int type;
        byte[] body;
        try {
            type = in.readUnsignedByte() >> 4;
            body = new byte[readLength()];
            in.readFully(body);
        } catch (java.net.SocketTimeoutException e) {
            throw new IOException("broker did not answer CONNECT within 10 s", e);
        }
        socket.setSoTimeout(0);
        if (type != CONNACK || body.length != 2) {
            throw new IOException("broker did not answer CONNECT with a CONNACK (packet type " + type + ")");
        }
        if (body[1] != 0) {
            throw new IOException("broker refused the connection, CONNACK return code " + body[1]);
        }
    }

    /**
     * Buffers one PUBLISH; blocks while {@link #WINDOW} QoS 1 messages are unconfirmed (after writing what is
     * buffered). Not thread-safe: one thread publishes on a client.
     */
    void publish(byte[] topic, byte[] payload, int qos) throws IOException, InterruptedException {
        check();
        if (reader != null) {
            throw new IllegalStateException("publish on a subscriber's connection");
        }
        if (qos == 1 && !window.tryAcquire()) {
            flush();
            while (!window.tryAcquire()) {
                readPacket(); // blocks until the broker confirms more
            }
        }
        int remaining = 2 + topic.length + (qos == 1 ? 2 : 0) + payload.length;
        if (pos + 5 + remaining > buf.length) {
            flush();
        }
        if (5 + remaining > buf.length) {
            throw new IllegalArgumentException("loadgen message of " + remaining + " bytes is larger than its buffer ("
                    + buf.length + ")");
        }
        header(PUBLISH << 4 | qos << 1, remaining);
        string(topic);
        if (qos == 1) {
            buf[pos++] = (byte) (nextId >> 8);
            buf[pos++] = (byte) nextId;
            nextId = nextId == 65_535 ? 1 : nextId + 1;
        }
        System.arraycopy(payload, 0, buf, pos, payload.length);
        pos += payload.length;
    }

    /**
     * Writes the buffered packets; on a {@link #publisher}, then reads the acknowledgements that have arrived,
     * without waiting for more.
     */
    void flush() throws IOException {
        check();
        write();
        while (reader == null && in.available() > 0) {
            readPacket();
        }
    }

    private void write() throws IOException {
        if (pos > 0) {
            out.write(buf, 0, pos);
            out.flush();
            pos = 0;
        }
    }

    private void subscribe(String filter) throws IOException, InterruptedException {
        byte[] f = filter.getBytes(StandardCharsets.UTF_8);
        header(SUBSCRIBE << 4 | 0x02, 2 + 2 + f.length + 1);
        put((byte) 0, (byte) 1);
        string(f);
        put((byte) 0);
        write();
        if (!subscribed.tryAcquire(10, java.util.concurrent.TimeUnit.SECONDS)) {
            check();
            throw new IOException("broker did not confirm the subscription to " + filter + " within 10 s");
        }
    }

    /** QoS 1 messages sent and not yet confirmed by the broker. */
    int unconfirmed() {
        return WINDOW - window.availablePermits();
    }

    private void check() throws IOException {
        if (failure != null) {
            throw new IOException("loadgen lost its broker connection: " + failure.getMessage(), failure);
        }
    }

    private void readLoop() {
        try {
            while (true) {
                readPacket();
            }
        } catch (IOException e) {
            if (!closing) {
                failure = e instanceof EOFException ? new IOException("the broker closed the connection", e) : e;
                log.warn("loadgen lost its subscription's connection, no more predictions will be counted: {}",
                        failure.getMessage());
            }
        }
    }

    /** Reads one packet from the broker (blocking): a PUBACK frees a place in the window, a PUBLISH goes to the
     * callback. */
    private void readPacket() throws IOException {
        int first = in.readUnsignedByte();
        int len = readLength();
        int type = first >> 4;
        if (type == PUBLISH) {
            int qos = (first >> 1) & 3;
            int topicLen = in.readUnsignedShort();
            in.skipNBytes(topicLen);
            int header = 2 + topicLen;
            if (qos > 0) {
                in.skipNBytes(2); // subscribed at QoS 0, the broker sends at QoS 0: never expected
                header += 2;
            }
            byte[] payload = new byte[len - header];
            in.readFully(payload);
            onMessage.accept(payload);
        } else {
            in.skipNBytes(len);
            if (type == PUBACK) {
                window.release();
            } else if (type == SUBACK) {
                subscribed.release();
            }
        }
    }

    private int readLength() throws IOException {
        return MqttBytes.readLength(in, "the broker");
    }

    private void header(int first, int remaining) {
        pos = MqttBytes.header(buf, pos, first, remaining);
    }

    private void string(byte[] s) {
        pos = MqttBytes.string(buf, pos, s);
    }

    private void put(byte... bytes) {
        System.arraycopy(bytes, 0, buf, pos, bytes.length);
        pos += bytes.length;
    }

    /** Sends DISCONNECT and closes the socket. */
    @Override
    public void close() throws IOException {
        closing = true;
        try {
            if (failure == null) {
                header(DISCONNECT << 4, 0);
                write();
            }
        } finally {
            socket.close();
        }
    }
}
