package io.ssmedge.agent.mqtt;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.SingleThreadEventLoop;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.mqtt.MqttConnAckMessage;
import io.netty.handler.codec.mqtt.MqttConnectMessage;
import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import io.netty.handler.codec.mqtt.MqttDecoder;
import io.netty.handler.codec.mqtt.MqttEncoder;
import io.netty.handler.codec.mqtt.MqttFixedHeader;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttMessageIdVariableHeader;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttPubReplyMessageVariableHeader;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttPublishVariableHeader;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttSubAckMessage;
import io.netty.handler.timeout.IdleState;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.ReferenceCountUtil;
import io.ssmedge.agent.logging.LogThrottle;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * The agent's MQTT connections on Netty's MQTT codec (netty-codec-mqtt) instead of Paho: the sensor input (an
 * event-loop thread reads, decodes and hands each message to the handler, and writes the PUBACKs) and the
 * prediction output (a second connection: the event loop writes what {@link #publish} queued and reads the broker's
 * PUBACKs). Each connection has an event-loop thread of its own, or the input runs on the output's
 * ({@link MqttEventLoop}, {@link MqttConnections#subscriber(ConnectionSpec, MqttConnection)}).
 *
 * <p>Why: under load Paho's receive path cost as much CPU as inference. Its receiver thread decodes each packet
 * and queues it for a second (callback) thread, which wakes for it: two threads and a hand-off per message
 * (issue #12: 1000 streams × 10 Hz, Paho's receiver 9.5 s and callback 4.1 s of the agent's 41 s of CPU, the
 * worker 11 s). Here one thread decodes everything one read returned and calls the handler directly. That alone
 * saved nothing (this thread took 13.2 s): on the test machine each sleep and wake-up of a thread cost more than
 * decoding, and the thread still woke for nearly every message. What saved a quarter of the agent's CPU is fewer
 * wake-ups: reads coalesced under load ({@link Session#channelReadComplete}) and PUBACK blocks queued without
 * waking the loop ({@link #writeAcks}); BENCHMARKS.md, "Agent at the defaults", fifth session.
 *
 * <p>What it does, as the Paho clients do for this connection: MQTT 5 or 3.1.1 with a persistent session (clean
 * start off, MQTT 5 session expiry and Receive Maximum = max_inflight), keep-alive pings (the broker's Server Keep
 * Alive wins, MQTT 5 §3.2.2.3.14), subscribing again on every connect, reconnecting after a loss with growing pauses
 * (1 s to 30 s, {@link ManagedConnection}), PUBACKs in arrival order and, with manual acknowledgements, only after
 * {@link Ack#done()} (written in blocks: {@link AckSequencer}). Without manual acknowledgements each QoS 1 message
 * is confirmed right after the handler took it, as Paho does. A handler without room (overflow block, a full worker
 * queue) is never waited for on the event loop: the message is kept, reading pauses until the handler signals room,
 * and the rest waits in the socket and at the broker ({@link MessageHandler#offer}). Publishing (QoS 0 and 1): a will
 * in CONNECT; at most max_inflight (or the broker's Receive Maximum) QoS 1 messages unconfirmed and up to
 * {@value MqttConnection#WAITING_BEYOND_WINDOW} (or offline_buffer) more queued, the caller waiting beyond that while
 * connected; while disconnected up to max_inflight +
 * offline_buffer kept in memory, the oldest dropped beyond; after a reconnect the unconfirmed ones first, again, with
 * DUP and their packet ids (MQTT §4.4), then the rest in order. Paho's output used three threads (sender,
 * receiver, callback) with a hand-off per message: 36.6 % of the agent's CPU at 1,250 predictions/s (issue #12,
 * BENCHMARKS.md "seventh session").
 *
 * <p>Used only where it covers everything the connection needs ({@link #supports}, {@link MqttConnections}): plain
 * TCP (TLS stays with Paho), subscriptions and publishing at QoS 0 or 1, messages kept in memory only (the journal's
 * exactly-once output keeps Paho and its files). {@code -Dssmedge.mqtt.input=paho} and
 * {@code -Dssmedge.mqtt.output=paho} use Paho.
 */
final class NettyConnection extends ManagedConnection {
    /** Refusal of a message while the in-flight window is full: the caller waits ({@link ManagedConnection}). */
    private static final MqttException WINDOW_FULL = new MqttException("in-flight window full");
    /** MQTT's own packet size limit (remaining length of at most 4 bytes): the same as Paho accepts. */
    private static final int MAX_PACKET = 268_435_455;
    private static final int CONNECT_TIMEOUT_MILLIS = 10_000;
    private static final long CONNACK_TIMEOUT_MILLIS = 15_000;
    /** Longest a PUBACK block waits in the event loop's queue when no read wakes it earlier. */
    static final long ACK_DELAY_MILLIS = 2;
    /**
     * After a read that came less than {@link #BUSY_NANOS} after the previous one, the event loop waits this long
     * before reading again ({@code -Dssmedge.mqtt.coalesceMicros}, 0 = never). See {@link Session#channelReadComplete}.
     */
    static final long COALESCE_NANOS = Long.getLong("ssmedge.mqtt.coalesceMicros", 200) * 1000;
    static final long BUSY_NANOS = 1_000_000;
    private final String host;
    private final int port;
    private final MqttEventLoop loop;
    private volatile Channel channel;    // the current (or last) connection
    private volatile boolean connected;  // the broker accepted CONNECT on `channel` and it is not lost yet
    private final AtomicBoolean ackTimerArmed = new AtomicBoolean();
    private volatile int heldHighWater;  // most messages held at once for a handler without room (tests)
    private int nextPacketId;            // event loop only
    private int subscribeId = -1;        // event loop only: packet id of the SUBSCRIBE waiting for its SUBACK
    /** Messages {@link #publish} handed over and not written yet: any thread adds, the event loop takes. */
    private final ConcurrentLinkedQueue<Outgoing> queued = new ConcurrentLinkedQueue<>();
    /** Messages queued or in flight (QoS 1 written, no PUBACK yet): bounds the window and the offline buffer. */
    private final AtomicInteger pending = new AtomicInteger();
    private final AtomicBoolean drainScheduled = new AtomicBoolean();
    private final AtomicInteger droppedOffline = new AtomicInteger(); // oldest buffered messages dropped while offline
    private final LogThrottle droppedLog = new LogThrottle(Duration.ofSeconds(60));
    private final AtomicInteger refused = new AtomicInteger(); // messages the broker refused (MQTT 5 PUBACK >= 0x80)
    private final LogThrottle refusedLog = new LogThrottle(Duration.ofSeconds(60));
    /** QoS 1 messages written and not confirmed yet, by packet id in the order written (event loop only). */
    private final Map<Integer, Outgoing> inflight = new LinkedHashMap<>();
    private int window = 1;              // event loop only: max_inflight, or the broker's Receive Maximum if smaller

    /** A connection with an event-loop thread of its own. */
    NettyConnection(ConnectionSpec spec) {
        this(spec, null);
    }

    /**
     * A connection on {@code shareWith}'s event-loop thread (null: a thread of its own); see {@link MqttEventLoop}
     * for when that is safe.
     */
    NettyConnection(ConnectionSpec spec, NettyConnection shareWith) {
        super(spec);
        if (!supports(spec)) {
            throw new IllegalArgumentException(spec.name() + ": needs Paho (TLS, QoS 2 subscriptions or files)");
        }
        URI uri = URI.create(spec.serverUri());
        if (uri.getHost() == null) {
            throw new MqttException(spec.name() + ": invalid broker address " + spec.serverUri()
                    + " (expected tcp://host:port)");
        }
        this.host = uri.getHost();
        this.port = uri.getPort() < 0 ? 1883 : uri.getPort();
        this.loop = shareWith != null ? shareWith.loop.join("ssm-edge-mqtt")
                : new MqttEventLoop(spec.handler() != null ? "ssm-edge-mqtt-in" : "ssm-edge-mqtt-out");
    }

    /**
     * True when this client covers everything {@code spec} asks for: plain TCP, subscriptions at QoS 0/1 with a
     * handler (or none), messages kept in memory only (no persistence folder, no delivery listener). Publishing is
     * at QoS 0 and 1 ({@link MqttConnections#publisher} checks the QoS the caller will use).
     */
    static boolean supports(ConnectionSpec spec) {
        return (spec.handler() != null || spec.subscriptions().isEmpty())
                && spec.subscriptions().stream().allMatch(s -> s.qos() <= 1)
                && spec.persistence() == null && spec.delivery() == null
                && spec.sslSocketFactory() == null && spec.serverUri().startsWith("tcp://");
    }

    private boolean v5() {
        return spec.version() == io.ssmedge.agent.config.MqttVersion.V5;
    }

    @Override
    protected void connectOnce() throws Exception {
        Session session = new Session();
        Bootstrap b = new Bootstrap().group(loop.group()).channel(NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, CONNECT_TIMEOUT_MILLIS)
                .option(ChannelOption.ALLOCATOR, UnpooledByteBufAllocator.DEFAULT)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        int keepAlive = spec.keepAliveSeconds();
                        ch.pipeline().addLast("pause", session.readGate)
                                .addLast("idle", idleHandler(keepAlive))
                                .addLast("publish", new PublishDecoder(v5(), MAX_PACKET, session))
                                .addLast("decoder", new MqttDecoder(MAX_PACKET))
                                .addLast("encoder", MqttEncoder.INSTANCE)
                                .addLast("session", session);
                    }
                });
        ChannelFuture f = b.connect(host, port);
        if (!f.await(CONNECT_TIMEOUT_MILLIS + 1000L)) {
            f.channel().close();
            throw new IOException("no TCP connection to " + host + ":" + port + " within "
                    + CONNECT_TIMEOUT_MILLIS / 1000 + " s");
        }
        if (!f.isSuccess()) {
            throw f.cause() instanceof Exception e ? e : new IOException(f.cause());
        }
        channel = f.channel();
        channel.writeAndFlush(connectMessage());
        try {
            session.accepted.get(CONNACK_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception x ? x : e;
        } catch (TimeoutException e) {
            throw new IOException("the broker did not answer CONNECT within " + CONNACK_TIMEOUT_MILLIS / 1000 + " s");
        }
    }

    /** Pings after {@code keepAlive} s without writing; gives the connection up after 1.5 × that without reading. */
    private static IdleStateHandler idleHandler(int keepAlive) {
        return keepAlive <= 0 ? new IdleStateHandler(0, 0, 0)
                : new IdleStateHandler(keepAlive * 1500L, keepAlive * 1000L, 0, TimeUnit.MILLISECONDS);
    }

    private MqttConnectMessage connectMessage() {
        MqttMessageBuilders.ConnectBuilder c = MqttMessageBuilders.connect()
                .protocolVersion(v5() ? io.netty.handler.codec.mqtt.MqttVersion.MQTT_5
                        : io.netty.handler.codec.mqtt.MqttVersion.MQTT_3_1_1)
                .clientId(spec.clientId())
                .cleanSession(false) // persistent session: the broker keeps subscriptions and QoS 1 messages
                .keepAlive(spec.keepAliveSeconds());
        if (spec.username() != null) {
            c.hasUser(true).username(spec.username());
        }
        if (spec.password() != null) {
            c.hasPassword(true).password(spec.password());
        }
        if (spec.will() != null) {
            Will w = spec.will();
            c.willFlag(true).willTopic(w.topic()).willMessage(w.payload()).willQoS(MqttQoS.valueOf(w.qos()))
                    .willRetain(w.retained());
            if (v5()) { // at once when the connection vanishes (MQTT 5 §3.1.3.2.2; the default, said explicitly)
                MqttProperties wp = new MqttProperties();
                wp.add(new MqttProperties.IntegerProperty(MqttProperties.MqttPropertyType.WILL_DELAY_INTERVAL.value(), 0));
                c.willProperties(wp);
            }
        }
        if (v5()) {
            MqttProperties p = new MqttProperties();
            // a 4-byte unsigned integer on the wire: the cast keeps the bits of values above Integer.MAX_VALUE
            p.add(new MqttProperties.IntegerProperty(MqttProperties.MqttPropertyType.SESSION_EXPIRY_INTERVAL.value(),
                    (int) Math.min(spec.sessionExpirySeconds(), 0xFFFF_FFFFL)));
            p.add(new MqttProperties.IntegerProperty(MqttProperties.MqttPropertyType.RECEIVE_MAXIMUM.value(),
                    Math.min(65535, Math.max(spec.maxInflight(), 1))));
            c.properties(p);
        }
        return c.build();
    }

    @Override
    protected void subscribeAll() {
        Channel ch = channel;
        if (ch == null) {
            return;
        }
        MqttMessageBuilders.SubscribeBuilder s = MqttMessageBuilders.subscribe().messageId(subscribeId = freePacketId());
        for (Subscription sub : spec.subscriptions()) {
            s.addSubscription(MqttQoS.valueOf(sub.qos()), sub.filter());
        }
        ch.writeAndFlush(s.build());
    }

    private int nextPacketId() {
        nextPacketId = nextPacketId % 65535 + 1; // 1..65535
        return nextPacketId;
    }

    @Override
    protected void sendAck(int messageId, int qos) throws IOException {
        byte[] p = new byte[AckSequencer.PUBACK_BYTES];
        AckSequencer.puback(p, 0, messageId);
        if (!writeAcks(p, p.length)) {
            throw new IOException("not connected");
        }
    }

    /**
     * Writes PUBACKs as one block, through the event loop's task queue without waking it ({@code lazyExecute}):
     * under load it wakes for the next read within a millisecond anyway and writes every block queued meanwhile;
     * otherwise a timer wakes it after at most {@link #ACK_DELAY_MILLIS} ms. Waking it for each block had cost one
     * sleep and wake-up of the event loop per worker batch (issue #12: on the test machine a wake-up costs more CPU
     * than decoding a message). A later PUBACK only means the broker keeps the message a little longer.
     *
     * <p>Also called on the event loop (a message the handler confirms at once), and then queued as well: blocks
     * queued earlier by workers go out first, so the broker gets every PUBACK in arrival order.
     */
    @Override
    protected boolean writeAcks(byte[] packets, int len) {
        Channel ch = channel;
        if (ch == null || !connected || !ch.isActive()) {
            return false;
        }
        ByteBuf block = Unpooled.wrappedBuffer(java.util.Arrays.copyOf(packets, len)); // the caller reuses packets
        SingleThreadEventLoop loop = (SingleThreadEventLoop) ch.eventLoop();
        loop.lazyExecute(() -> ch.writeAndFlush(block, ch.voidPromise()));
        if (ackTimerArmed.compareAndSet(false, true)) {
            loop.schedule(() -> ackTimerArmed.set(false), ACK_DELAY_MILLIS, TimeUnit.MILLISECONDS);
        }
        return true;
    }

    /**
     * Queues a message for the event loop (it writes it at once when connected and the window has room). At most
     * max_inflight QoS 1 messages are unconfirmed. While connected up to {@link #WAITING_BEYOND_WINDOW} (or
     * offline_buffer, if smaller) more wait in the queue, and beyond that the caller waits ({@link #inflightFull}): a
     * worker publishing its predictions itself ({@link #publishOnlyQueues}) is thus held up only by a broker that confirms
     * nothing for a while. While disconnected up to max_inflight + offline_buffer are kept, the oldest queued one
     * dropped (and counted in the log) for each beyond, as Paho's buffer; everything kept goes out after
     * reconnecting, unconfirmed QoS 1 messages first and again (DUP). Any thread.
     */
    @Override
    protected void send(String topic, byte[] payload, int qos, boolean retained) {
        if (qos < 0 || qos > 1) {
            throw new MqttException(spec.name() + ": QoS " + qos + " is not supported by this client; message to "
                    + topic + " not sent"); // MqttConnections.publisher uses Paho for QoS 2
        }
        Channel current = channel;
        // the event loop itself (onConnected publishing "online" right after CONNACK) never waits for the window:
        // only it reads the PUBACKs that would make room
        boolean onLoop = current != null && current.eventLoop().inEventLoop();
        while (true) {
            int p = pending.get();
            if (connected && p >= waitLimit() && !onLoop) {
                throw WINDOW_FULL; // the caller waits for room (ManagedConnection.publish)
            }
            if (!connected && p >= spec.maxInflight() + spec.offlineBuffer() && !onLoop) {
                if (queued.poll() == null) { // all of them written and unconfirmed: nothing older to drop
                    throw new MqttException(spec.name() + ": not connected, and " + p + " messages wait for the "
                            + "broker's confirmation; message to " + topic + " not kept");
                }
                pending.decrementAndGet(); // the oldest not yet written went: as Paho's buffer (deleteOldestMessages)
                int dropped = droppedOffline.incrementAndGet();
                long n = droppedLog.due();
                if (n > 0) {
                    log.warn("{}: not connected and the offline buffer ({} messages) is full: oldest dropped ({} since "
                            + "the previous warning, {} in all)", spec.name(), spec.offlineBuffer(), n, dropped);
                }
                continue;
            }
            if (pending.compareAndSet(p, p + 1)) {
                break;
            }
        }
        queued.add(new Outgoing(topic, payload, qos, retained));
        if (current != null && drainScheduled.compareAndSet(false, true)) {
            current.eventLoop().execute(this::drain);
        }
    }

    /** The most received messages this connection held at once because its handler had no room (for tests). */
    int heldHighWater() {
        return heldHighWater;
    }

    @Override
    protected int waitLimit() {
        return spec.maxInflight() + Math.min(spec.offlineBuffer(), WAITING_BEYOND_WINDOW);
    }

    /**
     * {@link #publish} queues for the event loop: the caller waits only when {@link #WAITING_BEYOND_WINDOW} more wait.
     */
    @Override
    public boolean publishOnlyQueues() {
        return true;
    }

    /** The event-loop thread this connection runs on. */
    MqttEventLoop loop() {
        return loop;
    }

    /** Messages queued or unconfirmed (tests). */
    int pendingMessages() {
        return pending.get();
    }

    /** Writes queued messages while the window has room (event loop). */
    private void drain() {
        drainScheduled.set(false); // a message queued from now on schedules another drain
        Channel ch = channel;
        if (!connected || ch == null || !ch.isActive()) {
            return; // written after (re)connecting
        }
        boolean wrote = false;
        Outgoing m;
        while (inflight.size() < window && (m = queued.poll()) != null) {
            int id = -1;
            if (m.qos() == 1) {
                id = freePacketId();
                inflight.put(id, m);
            } else {
                pending.decrementAndGet(); // QoS 0: nothing to wait for
            }
            write(ch, m, id, false);
            wrote = true;
        }
        if (wrote) {
            ch.flush();
        }
    }

    /** Writes one PUBLISH without flushing ({@code id} -1 at QoS 0; {@code again}: the DUP flag of a resend). */
    private static void write(Channel ch, Outgoing m, int id, boolean again) {
        MqttFixedHeader h = new MqttFixedHeader(MqttMessageType.PUBLISH, again, MqttQoS.valueOf(m.qos()), m.retained(),
                0);
        ch.write(new MqttPublishMessage(h, new MqttPublishVariableHeader(m.topic(), id),
                Unpooled.wrappedBuffer(m.payload())), ch.voidPromise());
    }

    /** A packet id used by no unconfirmed message and not by the SUBSCRIBE waiting for its SUBACK (event loop). */
    private int freePacketId() {
        int id;
        do {
            id = nextPacketId();
        } while (inflight.containsKey(id) || id == subscribeId);
        return id;
    }

    /** The broker confirmed a QoS 1 message (event loop): its place in the window goes to the next queued. */
    private void confirmed(MqttMessage m) {
        if (!(m.variableHeader() instanceof MqttMessageIdVariableHeader v)) {
            return;
        }
        Outgoing o = inflight.remove(v.messageId());
        if (o == null) {
            return; // not ours (a duplicate PUBACK)
        }
        pending.decrementAndGet();
        if (v instanceof MqttPubReplyMessageVariableHeader r && (r.reasonCode() & 0xff) >= 0x80) {
            int total = refused.incrementAndGet();
            long n = refusedLog.due();
            if (n > 0) {
                log.warn("{}: the broker refused the message to {} (reason code 0x{}; {} refused since the "
                        + "previous warning, {} in all): check its ACL", spec.name(), o.topic(),
                        Integer.toHexString(r.reasonCode() & 0xff), n, total);
            }
        }
        drain();
    }

    /** A message handed to {@link #publish}; at QoS 1 its packet id is its key in {@link #inflight}. */
    private record Outgoing(String topic, byte[] payload, int qos, boolean retained) {
    }

    @Override
    protected boolean inflightFull(Exception e) {
        return e == WINDOW_FULL;
    }

    @Override
    public boolean isConnected() {
        Channel ch = channel;
        return connected && ch != null && ch.isActive();
    }

    @Override
    protected void disconnect(long millis) throws InterruptedException {
        Channel ch = channel;
        if (ch != null && ch.isActive()) {
            long deadline = System.nanoTime() + millis * 1_000_000;
            while (pending.get() > 0 && connected && System.nanoTime() < deadline) { // what is queued goes first
                Thread.sleep(5);
            }
            connected = false;
            ch.writeAndFlush(MqttMessage.DISCONNECT).await(Math.max(millis, 100));
            ch.close().await(1000);
        }
    }

    @Override
    protected void abandonAttempt() {
        Channel ch = channel;
        if (ch != null && !connected) {
            ch.close();
        }
    }

    @Override
    protected void forceClose() {
        Channel ch = channel;
        if (ch != null) {
            ch.close().awaitUninterruptibly(1000);
        }
        loop.leave(); // the thread stops with the last connection on it
    }

    /** One TCP connection's MQTT conversation, on the event loop. */
    private final class Session extends ChannelInboundHandlerAdapter implements PublishDecoder.Sink {
        final CompletableFuture<Void> accepted = new CompletableFuture<>();
        private boolean open;        // the broker accepted this session's CONNECT
        private Throwable failure;   // why this connection ends, when known
        private boolean pendingAcks; // auto-acknowledged PUBACKs written but not flushed
        private long lastRead = Long.MIN_VALUE / 2; // System.nanoTime() at the end of the previous read
        private ChannelHandlerContext ctx;  // this handler's place in the pipeline
        /** Messages the handler had no room for, oldest first; while any wait, reading is paused (autoRead off). */
        private final java.util.ArrayDeque<Held> held = new java.util.ArrayDeque<>();
        /**
         * Lets no read through while messages are held. autoRead off alone does not pause: ByteToMessageDecoder
         * asks for another read whenever a read passed nothing on, taking it for a partial packet, and
         * {@link PublishDecoder} hands PUBLISH packets to this session instead of passing them on.
         */
        final io.netty.channel.ChannelOutboundHandlerAdapter readGate = new io.netty.channel.ChannelOutboundHandlerAdapter() {
            @Override
            public void read(ChannelHandlerContext c) {
                if (held.isEmpty()) {
                    c.read();
                }
            }
        };
        /** The handler's signal that it has room again: resumes on the event loop ({@link #resume}). */
        private final Runnable whenRoom = () -> {
            ChannelHandlerContext c = ctx;
            if (c != null) {
                c.executor().execute(this::resume);
            }
        };

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                MqttMessage m = (MqttMessage) msg;
                if (m.decoderResult().isFailure()) {
                    fail(ctx, new IOException("malformed packet from the broker: " + describe(m.decoderResult().cause())));
                    return;
                }
                switch (m.fixedHeader().messageType()) {
                    case CONNACK -> connAck(ctx, (MqttConnAckMessage) m);
                    case PUBLISH -> fail(ctx, new IOException("PUBLISH past PublishDecoder")); // cannot happen
                    case SUBACK -> subAck((MqttSubAckMessage) m);
                    case PUBACK -> confirmed(m);
                    case PINGRESP -> {
                    }
                    case DISCONNECT -> fail(ctx, new IOException("the broker disconnected"
                            + (m.variableHeader() instanceof io.netty.handler.codec.mqtt.MqttReasonCodeAndPropertiesVariableHeader h
                            ? " (reason code 0x" + Integer.toHexString(h.reasonCode() & 0xff) + ")" : "")));
                    default -> log.debug("{}: ignored {} from the broker", spec.name(), m.fixedHeader().messageType());
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }

        private void connAck(ChannelHandlerContext ctx, MqttConnAckMessage m) {
            MqttConnectReturnCode code = m.variableHeader().connectReturnCode();
            if (code != MqttConnectReturnCode.CONNECTION_ACCEPTED) {
                IOException e = new IOException("the broker refused the connection: " + refusal(code, spec.clientId()));
                accepted.completeExceptionally(e);
                fail(ctx, e);
                return;
            }
            if (m.variableHeader().properties().getProperty(MqttProperties.MqttPropertyType.SERVER_KEEP_ALIVE.value())
                    instanceof MqttProperties.IntegerProperty keep && keep.value() != spec.keepAliveSeconds()) {
                ctx.pipeline().replace("idle", "idle", idleHandler(keep.value())); // the broker's value wins
            }
            window = Math.max(1, Math.min(spec.maxInflight(), 65534)); // a packet id stays free (freePacketId)
            if (m.variableHeader().properties().getProperty(MqttProperties.MqttPropertyType.RECEIVE_MAXIMUM.value())
                    instanceof MqttProperties.IntegerProperty max && max.value() > 0) {
                window = Math.min(window, max.value()); // the broker takes no more unconfirmed QoS 1 messages
            }
            open = true;
            connected = true;
            // unconfirmed messages again, first and in their order (MQTT 5 §4.4, 3.1.1 §4.4: resent with DUP)
            for (Map.Entry<Integer, Outgoing> e : inflight.entrySet()) {
                write(ctx.channel(), e.getValue(), e.getKey(), true);
            }
            ctx.flush();
            connected(false); // subscribes, runs onConnected; ManagedConnection counts the connects
            drain();
            accepted.complete(null);
        }

        @Override
        public void handlerAdded(ChannelHandlerContext ctx) {
            this.ctx = ctx;
        }

        /** A PUBLISH, decoded by {@link PublishDecoder}; this connection subscribed at QoS 1 at most. */
        @Override
        public void publish(String topic, byte[] payload, int id, int qos) {
            if (qos > 1) { // never subscribed above QoS 1: the broker may not send more (MQTT §3.8.4)
                fail(ctx, new IOException("the broker sent a QoS " + qos + " message; subscribed at QoS 1 at most"));
                return;
            }
            if (failure != null) {
                return; // the connection is closing: the broker delivers the message again
            }
            MessageHandler handler = spec.handler();
            if (handler == null) {
                return;
            }
            Held m = new Held(topic, payload, id, qos, ackOf(id, qos));
            // backpressure without blocking this thread (it also reads the PUBACKs of the output a worker may wait
            // for): a message the handler has no room for waits here with all later ones, and reading pauses, so
            // the rest waits in the socket and then at the broker (at most its receive maximum unconfirmed)
            if (!held.isEmpty() || !handler.offer(m.topic, m.payload, m.ack, whenRoom)) {
                held.add(m);
                heldHighWater = Math.max(heldHighWater, held.size());
                ctx.channel().config().setAutoRead(false);
                return;
            }
            taken(m);
        }

        /** On the event loop, after the handler signalled room: offers the held messages again, in order. */
        private void resume() {
            if (failure != null || !ctx.channel().isActive()) {
                held.clear(); // not confirmed: the broker delivers them again
                return;
            }
            while (!held.isEmpty()) {
                Held m = held.peek();
                if (!spec.handler().offer(m.topic, m.payload, m.ack, whenRoom)) {
                    break; // still full: whenRoom runs again
                }
                held.poll();
                taken(m);
            }
            if (pendingAcks) {
                pendingAcks = false;
                ctx.flush();
            }
            if (held.isEmpty()) {
                ctx.channel().config().setAutoRead(true); // reads again (Netty starts a read when this turns on)
            }
        }

        private void taken(Held m) {
            if (m.qos == 1 && !spec.manualAcks()) { // confirmed as soon as the handler took it; flushed per read
                byte[] p = new byte[AckSequencer.PUBACK_BYTES];
                AckSequencer.puback(p, 0, m.id);
                ctx.write(Unpooled.wrappedBuffer(p), ctx.voidPromise());
                pendingAcks = true;
            }
        }

        private void subAck(MqttSubAckMessage m) {
            if (m.variableHeader().messageId() != subscribeId) {
                return;
            }
            subscriptionsAnswered(m.payload().reasonCodes().stream().mapToInt(Integer::intValue).toArray());
        }

        /**
         * Read coalescing (as a network card's interrupt moderation): a broker writes each message on its own, so
         * under load the event loop would sleep and wake for nearly every message (issue #12: 7,900 wake-ups per
         * second at 10,000 messages/s, and the worker it hands to about as often; on the test machine the wake-ups
         * cost more CPU than the decoding). While messages come close together (the previous read less than
         * {@link #BUSY_NANOS} ago) the loop waits {@link #COALESCE_NANOS} before reading again, so one read takes
         * what arrived meanwhile and the worker gets it in one hand-off. It delays only messages that arrive in
         * that pause, by less than the pause; a single message after a quiet spell is read at once.
         */
        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            if (pendingAcks) {
                pendingAcks = false;
                ctx.flush();
            }
            if (spec.handler() == null && loop.shared()) {
                return; // the PUBACKs of a publishing connection on a shared loop: the input's reads pause for both
            }
            long now = System.nanoTime();
            boolean busy = now - lastRead < BUSY_NANOS;
            lastRead = now;
            if (busy && COALESCE_NANOS > 0) {
                LockSupport.parkNanos(COALESCE_NANOS);
            }
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof IdleStateEvent e) {
                if (e.state() == IdleState.WRITER_IDLE) {
                    ctx.writeAndFlush(MqttMessage.PINGREQ, ctx.voidPromise());
                } else if (e.state() == IdleState.READER_IDLE && held.isEmpty()) { // not while we paused reading
                    fail(ctx, new IOException("no answer from the broker for 1.5 keep-alive intervals"));
                }
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            fail(ctx, cause);
        }

        private void fail(ChannelHandlerContext ctx, Throwable cause) {
            if (failure == null) {
                failure = cause;
            }
            ctx.close();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            held.clear(); // not confirmed: the broker delivers them again on the next connection
            Throwable why = failure != null ? failure : new IOException("the broker closed the connection");
            accepted.completeExceptionally(why); // no effect once accepted
            if (open) {
                open = false;
                connected = false;
                if (!closed()) {
                    lost(why);
                    connectInBackground();
                }
            }
        }
    }

    private static String refusal(MqttConnectReturnCode code, String clientId) {
        return switch (code) {
            case CONNECTION_REFUSED_BAD_USER_NAME_OR_PASSWORD, CONNECTION_REFUSED_BAD_USERNAME_OR_PASSWORD ->
                    "bad user name or password (check mqtt.username / password_file)";
            case CONNECTION_REFUSED_NOT_AUTHORIZED, CONNECTION_REFUSED_NOT_AUTHORIZED_5 -> "not authorized";
            case CONNECTION_REFUSED_IDENTIFIER_REJECTED, CONNECTION_REFUSED_CLIENT_IDENTIFIER_NOT_VALID ->
                    "client id '" + clientId + "' rejected";
            case CONNECTION_REFUSED_UNACCEPTABLE_PROTOCOL_VERSION, CONNECTION_REFUSED_UNSUPPORTED_PROTOCOL_VERSION ->
                    "it does not speak this MQTT version (set mqtt.version)";
            default -> code.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ') + " (0x"
                    + Integer.toHexString(code.byteValue() & 0xff) + ")";
        };
    }

    /** A received message waiting for room in the handler ({@link Session#held}). */
    private record Held(String topic, byte[] payload, int id, int qos, Ack ack) {
    }
}
