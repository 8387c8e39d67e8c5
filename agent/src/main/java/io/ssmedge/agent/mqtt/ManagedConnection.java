package io.ssmedge.agent.mqtt;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * What every client of the agent shares: the background loop that makes the first connection (Paho's automatic
 * reconnect only takes over after one succeeded; {@link NettyConnection} runs it again after every loss),
 * re-subscribing on every connect, in-order manual acknowledgements, and waiting out a full in-flight window.
 */
abstract class ManagedConnection implements MqttConnection {
    protected static final Logger log = LoggerFactory.getLogger(MqttConnection.class);
    private static final long MAX_RETRY_MILLIS = 30_000;
    private static final long INFLIGHT_WAIT_NANOS = 30_000_000_000L;

    protected final ConnectionSpec spec;
    /** In-order manual acknowledgements of received QoS 1 messages (used when the spec asks for manual acks). */
    protected final AckSequencer acks;
    private final AtomicLong connects = new AtomicLong();
    private final Object connectedSignal = new Object();
    private volatile boolean closed;
    private volatile boolean subscribed;
    private volatile String lastError;
    private final Object connectorLock = new Object();
    private Thread connector; // guarded by connectorLock
    private final Object windowLock = new Object();

    ManagedConnection(ConnectionSpec spec) {
        this.spec = spec;
        this.acks = new AckSequencer(spec.name(), this::sendAck, this::writeAcks);
    }

    /** Sends the PUBACK of a received message (manual acknowledgements). */
    protected abstract void sendAck(int messageId, int qos) throws Exception;

    /**
     * Writes ready-made PUBACK packets (4 bytes each, in order) on the connection as one block, beside the client.
     *
     * @return false when this connection cannot (then each goes through {@link #sendAck})
     * @throws IOException the connection failed while writing
     */
    protected boolean writeAcks(byte[] packets, int len) throws IOException {
        return false;
    }

    /** Hands a received message to the handler with its acknowledgement (manual) or none (the client acks). */
    protected final void deliver(String topic, byte[] payload, int messageId, int qos) {
        if (spec.handler() == null) {
            return;
        }
        spec.handler().onMessage(topic, payload, ackOf(messageId, qos));
    }

    /**
     * A received message's acknowledgement: manual (registered now, so call it in arrival order: the PUBACKs go out
     * in that order) or none (the client acknowledges).
     */
    protected final Ack ackOf(int messageId, int qos) {
        return spec.manualAcks() ? acks.register(messageId, qos) : Ack.NONE;
    }

    /** Makes one connection attempt and waits for the broker's answer. */
    protected abstract void connectOnce() throws Exception;

    /** Subscribes to every filter of the spec without waiting (called on the client's callback thread). */
    protected abstract void subscribeAll();

    /** Hands one message to the client. */
    protected abstract void send(String topic, byte[] payload, int qos, boolean retained) throws Exception;

    /** True when the client refused a message because its in-flight window is full. */
    protected abstract boolean inflightFull(Exception e);

    /** Sends DISCONNECT after up to {@code millis} for in-flight work, and waits for it. */
    protected abstract void disconnect(long millis) throws Exception;

    /**
     * Gives up a connection attempt that failed or timed out. Paho keeps a timed-out attempt "in progress" while the
     * broker never answers, and refuses every later attempt with "Connect already in progress".
     */
    protected abstract void abandonAttempt();

    /** Drops the connection if still up and releases the client's threads. */
    protected abstract void forceClose() throws Exception;

    @Override
    public final void start() {
        connectInBackground();
    }

    /** Starts the loop that tries {@link #connectOnce} until it succeeds (with growing pauses) or the connection closes. */
    protected final void connectInBackground() {
        synchronized (connectorLock) { // not the monitor of close(): a client thread calls this
            if (closed) {
                return;
            }
            connector = new Thread(this::connectLoop, "ssm-edge-mqtt-connect-" + spec.clientId());
            connector.setDaemon(true);
            connector.start();
        }
    }

    protected final boolean closed() {
        return closed;
    }

    private void connectLoop() {
        long delay = 1000;
        while (!closed) {
            try {
                connectOnce();
                return; // from now on the client reconnects by itself
            } catch (Exception e) {
                if (closed) {
                    return;
                }
                abandonAttempt();
                String tls = TlsProblems.explain(e, spec.serverUri());
                lastError = tls != null ? tls : describe(e);
                log.warn("{}: cannot connect to {} as '{}': {}; trying again in {} s", spec.name(), spec.serverUri(),
                        spec.clientId(), lastError, delay / 1000);
                try {
                    Thread.sleep(delay);
                } catch (InterruptedException ie) {
                    return;
                }
                delay = Math.min(MAX_RETRY_MILLIS, delay * 2);
            }
        }
    }

    /** Called from the client's connectComplete callback: re-subscribe, announce, wake waiters. */
    protected final void connected(boolean reconnect) {
        subscribed = false;
        long n = connects.incrementAndGet();
        log.info("{}: connected to {} as '{}' (MQTT {}{})", spec.name(), spec.serverUri(), spec.clientId(),
                spec.version().key(), n > 1 || reconnect ? ", reconnect " + (n - 1) : "");
        if (!spec.subscriptions().isEmpty()) {
            subscribeAll();
        }
        if (spec.onConnected() != null) {
            try {
                spec.onConnected().run();
            } catch (RuntimeException e) {
                log.warn("{}: after connecting: {}", spec.name(), e.getMessage());
            }
        }
        synchronized (connectedSignal) {
            connectedSignal.notifyAll();
        }
    }

    /**
     * The broker's answer to the subscriptions (SUBACK): a code of 0x80 or more refuses one (MQTT 3.1.1 §3.9.3,
     * MQTT 5 §3.9.3); null when the client gives none. Logs the outcome; on success the connection is ready.
     */
    protected final void subscriptionsAnswered(int[] codes) {
        String names = String.join(", ", spec.subscriptions().stream().map(Subscription::filter).toList());
        if (codes != null) {
            for (int c : codes) {
                if (c >= 0x80) {
                    log.error("{}: the broker refused a subscription to {} (reason code {}): check its ACL",
                            spec.name(), names, c);
                    return;
                }
            }
        }
        log.info("{}: subscribed to {}", spec.name(), names);
        subscribed();
    }

    /** Called when the broker confirmed the subscriptions. */
    private void subscribed() {
        subscribed = true;
        synchronized (connectedSignal) {
            connectedSignal.notifyAll();
        }
    }

    @Override
    public final boolean isReady() {
        return isConnected() && (subscribed || spec.subscriptions().isEmpty());
    }

    protected final void lost(Throwable cause) {
        subscribed = false;
        acks.reset(); // the broker delivers every unacknowledged message again
        // never exit or block here: the client reconnects by itself
        log.warn("{}: connection to {} lost: {}; reconnecting", spec.name(), spec.serverUri(), describe(cause));
    }

    @Override
    public final boolean awaitReady(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (connectedSignal) {
            while (!isReady()) {
                long left = (deadline - System.nanoTime()) / 1_000_000;
                if (left <= 0) {
                    return false;
                }
                connectedSignal.wait(Math.min(left, 100));
            }
        }
        return true;
    }

    @Override
    public final String lastError() {
        return lastError;
    }

    @Override
    public final long reconnects() {
        return Math.max(0, connects.get() - 1);
    }

    @Override
    public final void publish(String topic, byte[] payload, int qos, boolean retained) {
        if (closed) {
            throw new MqttException(spec.name() + ": connection closed");
        }
        long start = System.nanoTime();
        while (!tryPublish(topic, payload, qos, retained)) { // wait while the in-flight window is full
            if (System.nanoTime() - start > INFLIGHT_WAIT_NANOS || closed) {
                throw new MqttException(spec.name() + ": the broker confirmed none of the " + waitLimit()
                        + " messages in flight or queued for 30 s (mqtt.max_inflight " + spec.maxInflight()
                        + "); message to " + topic + " not sent");
            }
            LockSupport.parkNanos(100_000);
        }
    }

    /** How many messages may be unconfirmed or queued before {@link #publish} waits (for its 30-s message). */
    protected int waitLimit() {
        return spec.maxInflight();
    }

    /**
     * QoS 1/2 messages the client holds that the broker has not completed, counting those restored from an earlier
     * run's files; -1 when the client does not track them (no delivery listener).
     */
    protected int outstanding() {
        return -1;
    }

    /**
     * Hands one message to the client unless the window is full. Paho's own window (max_inflight) does not count
     * the messages it restored from its files after a crash, so with a tracked client the window is checked here
     * against every message the client holds: an MQTT 3.1.1 broker that gets more QoS 2 messages than its limit
     * (Mosquitto's max_inflight_messages) drops the excess yet answers PUBREC, and a prediction would be lost.
     */
    private boolean tryPublish(String topic, byte[] payload, int qos, boolean retained) {
        try {
            if (qos > 0 && outstanding() >= 0) {
                synchronized (windowLock) { // check and send as one step: several threads publish
                    if (outstanding() >= spec.maxInflight()) {
                        return false;
                    }
                    send(topic, payload, qos, retained);
                }
                return true;
            }
            send(topic, payload, qos, retained);
            return true;
        } catch (Exception e) {
            if (inflightFull(e)) {
                return false;
            }
            throw new MqttException(spec.name() + ": publishing to " + topic + " failed: " + describe(e), e);
        }
    }

    @Override
    public final synchronized void close(Duration timeout) {
        if (closed) {
            return;
        }
        synchronized (connectorLock) {
            closed = true;
            if (connector != null) {
                connector.interrupt();
            }
        }
        try {
            if (isConnected()) {
                disconnect(timeout.toMillis());
            }
        } catch (Exception e) {
            log.warn("{}: clean disconnect failed: {}", spec.name(), describe(e));
        }
        try {
            forceClose();
        } catch (Exception e) {
            log.debug("{}: closing the client: {}", spec.name(), describe(e));
        }
        log.info("{}: disconnected from {}", spec.name(), spec.serverUri());
    }

    static String describe(Throwable e) {
        if (e == null) {
            return "no reason given";
        }
        String m = e.getMessage();
        Throwable c = e.getCause();
        if (c != null && c != e && c.getMessage() != null && (m == null || !m.contains(c.getMessage()))) {
            m = (m == null ? "" : m + ": ") + c.getMessage();
        }
        return m == null ? e.getClass().getSimpleName() : m;
    }
}
