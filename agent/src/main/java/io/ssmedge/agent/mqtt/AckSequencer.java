package io.ssmedge.agent.mqtt;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.ArrayDeque;

/**
 * Manual acknowledgement of received QoS 1 messages, in the order they arrived. Workers finish messages out of
 * order (several threads, one journal sync each few ms), but MQTT wants PUBACKs in the order of the PUBLISH packets
 * (MQTT 3.1.1 §4.6, MQTT 5 §4.6: "MUST send PUBACK packets in the order in which the corresponding PUBLISH packets
 * were received"), so a finished message waits until every earlier one is finished too.
 *
 * <p>Batches: inside {@link Ack#batch} (a worker confirming the messages of one flush, the journal running the
 * confirmations of one sync) finished messages are only marked; at the end of the batch every PUBACK that became
 * ready goes out at once, still in order. On plain TCP they are written as one block of 4-byte PUBACK packets
 * beside the client ({@link RawSender}: one system call instead of one per message); otherwise, or for QoS 2, one by
 * one through the client.
 *
 * <p>Acks belong to one connection: after the connection drops, message ids of the old connection mean nothing
 * (the broker delivers those messages again), so {@link #reset()} forgets them and their late {@code done()} calls.
 */
final class AckSequencer {
    private static final Logger log = LoggerFactory.getLogger(AckSequencer.class);

    /** Sends one PUBACK (PUBREC for QoS 2) through the MQTT client. */
    @FunctionalInterface
    interface Sender {
        void ack(int messageId, int qos) throws Exception;
    }

    /** Writes ready-made packets on the connection beside the client; false when it cannot (no plain socket). */
    @FunctionalInterface
    interface RawSender {
        boolean write(byte[] packets, int len) throws IOException;
    }

    private final String name;
    private final Sender sender;
    private final RawSender raw; // null: always through the client
    private final ArrayDeque<Entry> pending = new ArrayDeque<>();
    private final Object sendLock = new Object();
    private Entry[] ready = new Entry[64];   // (ready entries) guarded by sendLock
    private byte[] wire = new byte[4 * 64];  // (4 bytes per PUBACK) guarded by sendLock
    private long generation;

    AckSequencer(String name, Sender sender) {
        this(name, sender, null);
    }

    AckSequencer(String name, Sender sender, RawSender raw) {
        this.name = name;
        this.sender = sender;
        this.raw = raw;
    }

    private final class Entry implements Ack {
        final int id;
        final int qos;
        final long gen;
        boolean done;

        Entry(int id, int qos, long gen) {
            this.id = id;
            this.qos = qos;
            this.gen = gen;
        }

        @Override
        public void done() {
            finished(this);
        }
    }

    /** Called on the client's callback thread, in arrival order. QoS 0 needs no acknowledgement. */
    Ack register(int messageId, int qos) {
        if (qos == 0) {
            return Ack.NONE;
        }
        synchronized (this) {
            Entry e = new Entry(messageId, qos, generation);
            pending.add(e);
            return e;
        }
    }

    /** Messages received but not yet acknowledged. */
    synchronized int pending() {
        return pending.size();
    }

    /** The connection dropped: the broker will deliver the unacknowledged messages again. */
    synchronized void reset() {
        generation++;
        pending.clear();
    }

    private void finished(Entry e) {
        synchronized (this) {
            e.done = true;
            if (e.gen != generation) {
                return;
            }
        }
        if (!AckBatch.defer(this)) {
            sendReady();
        }
    }

    /** Sends the PUBACK of every finished message that has no unfinished one before it. */
    void sendReady() {
        // sendLock keeps two threads that release at the same time from interleaving their PUBACKs
        synchronized (sendLock) {
            int n = 0;
            synchronized (this) {
                for (Entry p : pending) {
                    if (!p.done) {
                        break;
                    }
                    n++;
                }
                if (n == 0) {
                    return;
                }
                if (ready.length < n) {
                    ready = new Entry[Math.max(n, 2 * ready.length)];
                }
                for (int i = 0; i < n; i++) {
                    ready[i] = pending.poll();
                }
            }
            try {
                if (!sendRaw(n)) {
                    for (int i = 0; i < n; i++) {
                        try {
                            sender.ack(ready[i].id, ready[i].qos);
                        } catch (Exception ex) { // disconnected meanwhile: the broker delivers the message again
                            log.debug("{}: acknowledgement of message {} not sent: {}", name, ready[i].id, ex.toString());
                        }
                    }
                }
            } finally {
                java.util.Arrays.fill(ready, 0, n, null);
            }
        }
    }

    /** Bytes of a PUBACK without reason code and properties. */
    static final int PUBACK_BYTES = 4;

    /**
     * Encodes the PUBACK of packet {@code id} at {@code wire[at..at+4)}: 0x40 (PUBACK), remaining length 2, the
     * packet id (MQTT 3.1.1 §3.4; MQTT 5 §3.4.2.1: reason code and properties may be left out for Success).
     */
    static void puback(byte[] wire, int at, int id) {
        wire[at] = 0x40;
        wire[at + 1] = 2;
        wire[at + 2] = (byte) (id >>> 8);
        wire[at + 3] = (byte) id;
    }

    /**
     * Writes the PUBACKs of ready[0..n) as one block ({@link #puback} each).
     *
     * @return false when they must go through the client (no raw sender or socket, or a QoS 2 message among them)
     */
    private boolean sendRaw(int n) {
        if (raw == null) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            if (ready[i].qos != 1) {
                return false;
            }
        }
        if (wire.length < PUBACK_BYTES * n) {
            wire = new byte[Math.max(PUBACK_BYTES * n, 2 * wire.length)];
        }
        for (int i = 0; i < n; i++) {
            puback(wire, PUBACK_BYTES * i, ready[i].id);
        }
        try {
            return raw.write(wire, PUBACK_BYTES * n);
        } catch (IOException ex) { // the connection failed: the broker delivers these messages again
            log.debug("{}: {} acknowledgements not sent: {}", name, n, ex.toString());
            return true;
        }
    }
}
