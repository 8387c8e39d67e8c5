package io.ssmedge.agent.loadgen;

import org.eclipse.paho.client.mqttv3.MqttTopic;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A stand-in broker that measures the agent alone: the agent connects to it as to its broker, and it feeds the
 * agent's sensor subscription QoS 1 messages as fast as the agent confirms them (at most the agent's receive maximum
 * unconfirmed), confirms the agent's own publishes, and counts both. No routing, no queues, no second client: on the
 * 2-core benchmark machine Mosquitto fills its core at 24,000–30,000 QoS 1 messages/s with no agent behind it
 * (BENCHMARKS.md, "What the broker carries with no agent at all"), so what the agent itself can take is measured
 * here. The agent confirms a sensor message only once its worker has processed it, so the confirmations per second
 * are the samples it processed per second (× samples per message).
 * <p>Only what the agent uses: MQTT 3.1.1 and 5 (OASIS standards, section 3), CONNECT/CONNACK, SUBSCRIBE/SUBACK,
 * PUBLISH at QoS 0 and 1 both ways, PUBACK, UNSUBSCRIBE/UNSUBACK, PINGREQ/PINGRESP, DISCONNECT; no TLS, no QoS 2,
 * no retained messages, no will. Loopback only; a benchmark tool, not a broker.
 */
public final class FeedBroker implements Closeable {
    private static final Logger log = LoggerFactory.getLogger(FeedBroker.class);
    private static final int CONNECT = 1, CONNACK = 2, PUBLISH = 3, PUBACK = 4, SUBSCRIBE = 8, SUBACK = 9,
            UNSUBSCRIBE = 10, UNSUBACK = 11, PINGREQ = 12, PINGRESP = 13, DISCONNECT = 14;
    /** Unconfirmed messages when the agent does not say (MQTT 3.1.1): the agent's default mqtt.max_inflight. */
    static final int DEFAULT_WINDOW = 1000;

    private final LoadSettings s;
    private final ServerSocket server;
    private final List<Session> sessions = new CopyOnWriteArrayList<>();
    private final CountDownLatch feeding = new CountDownLatch(1);
    private final AtomicLong confirmed = new AtomicLong();   // sensor messages the agent confirmed
    private final AtomicLong predictions = new AtomicLong(); // agent publishes on a topic ending in /predictions
    private final byte[][] topics;  // (streams) sensor topic of each stream, UTF-8
    private final String rowText;   // ",v1,…,vC": the values of every sample (the agent's work does not depend on them)
    private volatile boolean closed;

    /** Listens on 127.0.0.1:port (0 = any free port, see {@link #port()}). */
    public FeedBroker(LoadSettings settings, int port) throws IOException {
        this.s = settings;
        this.server = new ServerSocket(port, 16, InetAddress.getLoopbackAddress());
        this.topics = settings.sensorTopics();
        this.rowText = LoadGenerator.rowText(LoadGenerator.syntheticRows(settings.channels().size())[0]);
        Thread acceptor = new Thread(this::acceptLoop, "feed-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public int port() {
        return server.getLocalPort();
    }

    /** Result of a run: sensor messages the agent confirmed and predictions it published, per measured second. */
    public record Result(double messagesPerSecond, double samplesPerSecond, double predictionsPerSecond, int window) {
    }

    /**
     * Waits up to {@code waitSeconds} for the agent to subscribe to the sensor topics, feeds it for the warm-up, then
     * counts over the measured seconds.
     */
    public Result run(int waitSeconds) throws IOException, InterruptedException {
        if (!feeding.await(waitSeconds, TimeUnit.SECONDS)) {
            throw new IOException("no agent subscribed to " + s.sensorTopic().replace("{stream}", "+") + " on 127.0.0.1:"
                    + port() + " within " + waitSeconds + " s (is the agent's mqtt.port " + port() + "?)");
        }
        log.info("agent subscribed; warming up for {} s", s.warmupSeconds());
        Thread.sleep(s.warmupSeconds() * 1000L);
        long c0 = confirmed.get(), p0 = predictions.get(), t0 = System.nanoTime();
        Thread.sleep(s.seconds() * 1000L);
        long c1 = confirmed.get(), p1 = predictions.get(), t1 = System.nanoTime();
        double secs = (t1 - t0) / 1e9;
        int window = sessions.stream().filter(x -> x.feeds).mapToInt(x -> x.window).findFirst().orElse(0);
        return new Result((c1 - c0) / secs, (c1 - c0) * (double) s.batch() / secs, (p1 - p0) / secs, window);
    }

    /** Sensor messages confirmed and predictions received since start (for tests). */
    long confirmedTotal() {
        return confirmed.get();
    }

    long predictionsTotal() {
        return predictions.get();
    }

    public void print(PrintWriter out, Result r) {
        out.printf(Locale.ROOT, "Direct        %d streams, %d sample(s) per message, QoS 1, no broker: fed as fast as the "
                + "agent confirms (%d unconfirmed at most)%n", s.streams(), s.batch(), r.window());
        out.printf(Locale.ROOT, "Processed     %.0f samples/s (%.0f messages/s confirmed by the agent)%n",
                r.samplesPerSecond(), r.messagesPerSecond());
        out.printf(Locale.ROOT, "Predictions   %.1f per second received%n", r.predictionsPerSecond());
        out.flush();
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                Socket socket = server.accept();
                Session session = new Session(socket);
                sessions.add(session);
                Thread t = new Thread(session, "feed-session-" + sessions.size());
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                if (!closed) {
                    log.warn("stand-in broker stopped accepting: {}", e.getMessage());
                }
                return;
            }
        }
    }

    @Override
    public void close() throws IOException {
        closed = true;
        server.close();
        for (Session x : sessions) {
            x.socket.close();
        }
    }

    /** Whether the topic filter matches the topic (MQTT 3.1.1 §4.7, Paho's {@code MqttTopic.isMatched}); an invalid
     * filter matches nothing. */
    static boolean matches(String filter, String topic) {
        try {
            return MqttTopic.isMatched(filter, topic);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** One client connection, on its own thread: reads its packets and, once it subscribed to the sensors, feeds it. */
    private final class Session implements Runnable {
        final Socket socket;
        private final DataInputStream in;
        private final OutputStream out;
        private final byte[] buf = new byte[256 * 1024]; // (bytes) packets not yet written: buf[0, pos)
        private int pos;
        private int version = 4;
        volatile int window = DEFAULT_WINDOW;
        volatile boolean feeds;
        private int inflight;
        private int nextId = 1;
        private int nextStream;
        private final double[] lastTs = new double[s.streams()]; // (streams) last sample ts sent, ms
        private final StringBuilder payload = new StringBuilder(256);

        Session(Socket socket) throws IOException {
            this.socket = socket;
            socket.setTcpNoDelay(true);
            this.in = new DataInputStream(new BufferedInputStream(socket.getInputStream(), 64 * 1024));
            this.out = socket.getOutputStream();
        }

        @Override
        public void run() {
            try {
                while (!closed) {
                    if (feeds) {
                        while (inflight < window) {
                            feedOne();
                        }
                    }
                    write();
                    // read what has come; wait for more only when nothing more may be sent
                    do {
                        readPacket();
                    } while (in.available() > 0 || (feeds && inflight >= window) || (!feeds && pos == 0));
                }
            } catch (EOFException | SocketException e) {
                log.debug("stand-in broker: a client left: {}", e.getMessage());
            } catch (IOException | RuntimeException e) {
                if (!closed) {
                    log.warn("stand-in broker: a client's connection failed: {}", e.toString());
                }
            } finally {
                try {
                    socket.close();
                } catch (IOException ignored) {
                    // closing anyway
                }
            }
        }

        /** One sensor message, QoS 1, to the next stream in turn; its samples' ts are now (ms), later than the last. */
        private void feedOne() throws IOException {
            int st = nextStream;
            nextStream = nextStream + 1 == topics.length ? 0 : nextStream + 1;
            payload.setLength(0);
            double ts = Math.max(System.currentTimeMillis(), lastTs[st] + 0.01);
            for (int k = 0; k < s.batch(); k++, ts += 0.01) {
                LoadGenerator.appendTs(payload, ts);
                payload.append(rowText).append('\n');
            }
            lastTs[st] = ts - 0.01;
            byte[] p = payload.toString().getBytes(StandardCharsets.US_ASCII);
            byte[] topic = topics[st];
            int remaining = 2 + topic.length + 2 + (version == 5 ? 1 : 0) + p.length;
            if (pos + 5 + remaining > buf.length) {
                write();
            }
            if (5 + remaining > buf.length) {
                throw new IOException("stand-in broker: a message of " + remaining + " bytes is larger than its buffer");
            }
            header(PUBLISH << 4 | 1 << 1, remaining);
            string(topic);
            buf[pos++] = (byte) (nextId >> 8);
            buf[pos++] = (byte) nextId;
            nextId = nextId == 65_535 ? 1 : nextId + 1; // in-order confirmations: ids cycled in order are never reused
            if (version == 5) {
                buf[pos++] = 0; // no properties
            }
            System.arraycopy(p, 0, buf, pos, p.length);
            pos += p.length;
            inflight++;
        }

        private void readPacket() throws IOException {
            int first = in.readUnsignedByte();
            int len = readLength();
            byte[] body = new byte[len];
            in.readFully(body);
            switch (first >> 4) {
                case CONNECT -> connect(body);
                case SUBSCRIBE -> subscribe(body);
                case UNSUBSCRIBE -> unsubscribe(body);
                case PUBLISH -> publish(first, body);
                case PUBACK -> {
                    inflight--;
                    confirmed.incrementAndGet();
                }
                case PINGREQ -> put((byte) (PINGRESP << 4), (byte) 0);
                case DISCONNECT -> throw new EOFException("DISCONNECT");
                default -> throw new IOException("stand-in broker: packet type " + (first >> 4) + " is not supported");
            }
        }

        /** CONNECT: protocol name, level, flags, keep alive, (5:) properties, of which Receive Maximum (0x21) is the
         * window; answered with CONNACK, accepted, no session (and no properties). */
        private void connect(byte[] b) {
            int i = 2 + MqttBytes.u16(b, 0);
            version = b[i];
            i += 4; // level, flags, keep alive
            if (version == 5) {
                int end = propertiesEnd(b, i);
                for (int p = i + MqttBytes.varintSize(b, i); p < end; ) {
                    int id = b[p++];
                    switch (id) {
                        case 0x21 -> {
                            window = MqttBytes.u16(b, p);
                            p += 2;
                        }
                        case 0x22 -> p += 2;
                        case 0x11, 0x27 -> p += 4;
                        case 0x17, 0x19 -> p += 1;
                        case 0x15, 0x16 -> p += 2 + MqttBytes.u16(b, p);
                        case 0x26 -> {
                            p += 2 + MqttBytes.u16(b, p);
                            p += 2 + MqttBytes.u16(b, p);
                        }
                        default -> p = end; // unknown: keep the default window
                    }
                }
                header(CONNACK << 4, 3);
                put((byte) 0, (byte) 0, (byte) 0);
            } else {
                header(CONNACK << 4, 2);
                put((byte) 0, (byte) 0);
            }
        }

        /** SUBSCRIBE: packet id, (5:) properties, then filter + options pairs; granted QoS min(asked, 1). A filter that
         * matches the sensor topics starts the feed on this connection. */
        private void subscribe(byte[] b) {
            StringBuilder codes = new StringBuilder();
            for (int i = version == 5 ? propertiesEnd(b, 2) : 2; i < b.length; ) {
                int n = MqttBytes.u16(b, i);
                String filter = new String(b, i + 2, n, StandardCharsets.UTF_8);
                int qos = Math.min(b[i + 2 + n] & 3, 1);
                codes.append((char) qos);
                i += 3 + n;
                if (matches(filter, new String(topics[0], StandardCharsets.UTF_8))) {
                    feeds = true;
                    feeding.countDown();
                }
            }
            header(SUBACK << 4, 2 + (version == 5 ? 1 : 0) + codes.length());
            put(b[0], b[1]);
            if (version == 5) {
                put((byte) 0);
            }
            for (int i = 0; i < codes.length(); i++) {
                put((byte) codes.charAt(i));
            }
        }

        private void unsubscribe(byte[] b) {
            int count = 0;
            for (int i = version == 5 ? propertiesEnd(b, 2) : 2; i < b.length; count++) {
                i += 2 + MqttBytes.u16(b, i);
            }
            header(UNSUBACK << 4, 2 + (version == 5 ? 1 + count : 0));
            put(b[0], b[1]);
            if (version == 5) {
                put((byte) 0);
                for (int i = 0; i < count; i++) {
                    put((byte) 0);
                }
            }
        }

        /** The agent's publish (predictions, status): counted, confirmed at QoS 1, otherwise dropped. */
        private void publish(int first, byte[] b) throws IOException {
            int qos = (first >> 1) & 3;
            int n = MqttBytes.u16(b, 0);
            if (endsWith(b, 2 + n, "/predictions")) {
                predictions.incrementAndGet();
            }
            if (qos == 1) {
                header(PUBACK << 4, 2);
                put(b[2 + n], b[3 + n]);
            } else if (qos == 2) {
                throw new IOException("stand-in broker: QoS 2 publishes are not supported (topics.predictions_qos 0 or 1)");
            }
        }

        private boolean endsWith(byte[] b, int end, String suffix) {
            int k = suffix.length();
            if (end - 2 < k) {
                return false;
            }
            for (int i = 0; i < k; i++) {
                if (b[end - k + i] != suffix.charAt(i)) {
                    return false;
                }
            }
            return true;
        }

        private void write() throws IOException {
            if (pos > 0) {
                out.write(buf, 0, pos);
                out.flush();
                pos = 0;
            }
        }

        private int readLength() throws IOException {
            return MqttBytes.readLength(in, "a client");
        }

        /** End of an MQTT 5 property block at b[i]: its length (a variable byte integer), then the properties. */
        private int propertiesEnd(byte[] b, int i) {
            return i + MqttBytes.varintSize(b, i) + MqttBytes.varint(b, i);
        }

        private void header(int firstByte, int remaining) {
            pos = MqttBytes.header(buf, pos, firstByte, remaining);
        }

        private void string(byte[] str) {
            pos = MqttBytes.string(buf, pos, str);
        }

        private void put(byte... bytes) {
            System.arraycopy(bytes, 0, buf, pos, bytes.length);
            pos += bytes.length;
        }
    }
}
