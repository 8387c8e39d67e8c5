package io.ssmedge.agent.mqtt;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;

/**
 * Manual acknowledgement of received QoS 1 messages, in the order they arrived. Workers finish messages out of
 * order (several threads, one journal sync each few ms), but MQTT wants PUBACKs in the order of the PUBLISH packets
 * (MQTT 3.1.1 §4.6, MQTT 5 §4.6: "MUST send PUBACK packets in the order in which the corresponding PUBLISH packets
 * were received"), so a finished message waits until every earlier one is finished too.
 *
 * <p>Acks belong to one connection: after the connection drops, message ids of the old connection mean nothing
 * (the broker delivers those messages again), so {@link #reset()} forgets them and their late {@code done()} calls.
 */
final class AckSequencer {
    private static final Logger log = LoggerFactory.getLogger(AckSequencer.class);

    /** Sends one PUBACK through the MQTT client. */
    @FunctionalInterface
    interface Sender {
        void ack(int messageId, int qos) throws Exception;
    }

    private final String name;
    private final Sender sender;
    private final ArrayDeque<Entry> pending = new ArrayDeque<>();
    private final Object sendLock = new Object();
    private long generation;

    AckSequencer(String name, Sender sender) {
        this.name = name;
        this.sender = sender;
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
        // sendLock keeps two threads that release at the same time from interleaving their PUBACKs
        synchronized (sendLock) {
            Entry[] ready;
            synchronized (this) {
                e.done = true;
                if (e.gen != generation) {
                    return;
                }
                int n = 0;
                for (Entry p : pending) {
                    if (!p.done) {
                        break;
                    }
                    n++;
                }
                if (n == 0) {
                    return;
                }
                ready = new Entry[n];
                for (int i = 0; i < n; i++) {
                    ready[i] = pending.poll();
                }
            }
            for (Entry r : ready) {
                try {
                    sender.ack(r.id, r.qos);
                } catch (Exception ex) { // disconnected meanwhile: the broker delivers the message again
                    log.debug("{}: acknowledgement of message {} not sent: {}", name, r.id, ex.toString());
                }
            }
        }
    }
}
