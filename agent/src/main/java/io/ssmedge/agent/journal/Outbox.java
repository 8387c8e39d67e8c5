package io.ssmedge.agent.journal;

import io.ssmedge.agent.stream.Prediction;
import io.ssmedge.agent.stream.PredictionSink;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Predictions between their journal record and the broker's confirmation: every prediction is published exactly
 * once, across crashes. The argument (each step names what a {@code kill -9} at that point leaves behind):
 * <ol>
 *   <li>A worker writes a message's samples and the predictions they complete as ONE journal record (checksummed:
 *       a torn record is ignored as a whole). Killed before the write returns: nothing of the message is journaled,
 *       nothing was published, the message is not confirmed to the broker, which delivers it again; the agent
 *       computes the same windows again from the journaled samples before it. (Without the journal in one record,
 *       samples journaled but their prediction not yet handed to MQTT was the lost window of the first kill test.)</li>
 *   <li>After the sync that covers the record (group commit, {@code journal.sync_interval_ms}) the sensor message
 *       is confirmed to the broker and the predictions are handed to the MQTT client here, in order. Publishing
 *       only after the sync means a published prediction's samples are on disk even after a power cut, so the
 *       window is never computed and published a second time from samples the broker delivers again.</li>
 *   <li>The MQTT client (Paho, MQTT 3.1.1, files under {@code data_dir/mqtt-out}) stores a QoS 1/2 message under its
 *       packet id before sending it and deletes it when the broker confirms (PUBACK, PUBCOMP). Killed
 *       while the client holds it: at the next start the client sends it again with the same packet id; with
 *       {@code predictions_qos: 2} and the persistent session the broker recognises the packet id and does not
 *       forward it again (MQTT 3.1.1 §4.3.3: the receiver keeps the packet id until PUBREL). So at start the
 *       outbox does not publish what the client still holds ({@link #held}).</li>
 *   <li>The client's deletion of a confirmed message calls {@link #confirmed} first, which appends a mark to
 *       {@code delivered.log}; killed between the mark and the deletion, the next start deletes the client's stale
 *       copy (resending it under a packet id the broker has completed would be a new message).</li>
 *   <li>At start, a journaled prediction neither marked nor held by the client was never handed over: it is
 *       published now.</li>
 * </ol>
 * Limits: with {@code predictions_qos: 1} the broker cannot recognise a resend, so a prediction in flight at a crash
 * can arrive twice (at least once). With MQTT 5 the client keeps messages in memory only (Paho 1.2.5 resends
 * persisted MQTT 5 messages with stale topic aliases, eclipse-paho/paho.mqtt.java#1104): predictions in flight at
 * a crash are published again at the next start (at least once). After a power cut (not a process crash) a mark
 * written in the last sync interval, or the client's copy of a prediction (its files are not forced to disk, see
 * io.ssmedge.agent.mqtt.UnsyncedFilePersistence), can be lost, and that prediction published again.
 *
 * <p>Backpressure: at most {@value #MAX_PENDING} predictions wait for the broker; beyond that the workers wait
 * (their sensor messages stay unconfirmed at the broker). While the broker is unreachable predictions wait here,
 * not in the MQTT client's offline buffer (which drops its oldest messages when full).
 */
public final class Outbox {
    private static final Logger log = LoggerFactory.getLogger(Outbox.class);
    static final int MAX_PENDING = 100_000;
    private static final long RETRY_NANOS = 50_000_000L;

    /** A prediction's identity: stream and ts of the window's last sample. */
    public record Key(String stream, double ts) {
        static Key of(Prediction p) {
            return new Key(p.stream(), p.tsMillis());
        }
    }

    private static final class Entry {
        final Prediction prediction;
        final int worker;          // whose journal file holds it
        final long journaledNanos; // System.nanoTime() of its journal record, 0 when recovered from an earlier run
        volatile boolean handed;   // the MQTT client has it (it sends it again itself after a crash)

        Entry(Prediction prediction, int worker, long journaledNanos) {
            this.prediction = prediction;
            this.worker = worker;
            this.journaledNanos = journaledNanos;
        }
    }

    private final Map<Key, Entry> pending = new ConcurrentHashMap<>();
    /** µs from a prediction's journal record to its hand-over to the MQTT client: what publishing after the sync costs. */
    private final Recorder waits = new Recorder(60_000_000L, 2);
    private final LinkedBlockingQueue<Prediction> ready = new LinkedBlockingQueue<>();
    private final DeliveredLog delivered;
    private final java.util.Set<Key> confirmedBefore; // marks of earlier runs (until clearMarks)
    private volatile boolean confirmedByBroker;
    private volatile boolean closed;
    private volatile boolean busy;
    private Thread thread;

    Outbox(DeliveredLog delivered, Recovery recovered, int workers) {
        this.delivered = delivered;
        this.confirmedBefore = ConcurrentHashMap.newKeySet();
        this.confirmedBefore.addAll(recovered.delivered());
        recovered.unconfirmed().forEach((k, p) -> pending.put(k, new Entry(p, Math.floorMod(k.stream().hashCode(),
                workers), 0)));
    }

    /**
     * The broker's confirmations reach {@link #confirmed} (the MQTT client reports them); without this call a
     * prediction counts as delivered once handed to the client (QoS 0, or a client that cannot report them).
     */
    public void confirmedByBroker() {
        confirmedByBroker = true;
    }

    /** Unconfirmed predictions, journaled or recovered. */
    public int pending() {
        return pending.size();
    }

    /**
     * At start, for each prediction the MQTT client still holds from an earlier run: false when the broker had
     * confirmed it (the client's copy is stale and must be deleted), true when the client should send it again (the
     * outbox then does not publish it itself).
     */
    public boolean held(String stream, double ts) {
        Key k = new Key(stream, ts);
        if (confirmedBefore.contains(k)) {
            return false;
        }
        Entry e = pending.get(k);
        if (e != null) {
            e.handed = true;
        }
        return true;
    }

    /** The broker confirmed a prediction (called by the MQTT client's thread before it deletes its copy). */
    public void confirmed(String stream, double ts) {
        // first out of `pending` (a compaction from now on leaves it out), then the mark: see DeliveredLog
        if (pending.remove(new Key(stream, ts)) != null) {
            delivered.append(stream, ts);
        }
    }

    /** A worker journaled these predictions (waits while too many are unconfirmed). */
    void journaled(int worker, List<Prediction> ps) {
        while (pending.size() >= MAX_PENDING && !closed) {
            LockSupport.parkNanos(1_000_000);
        }
        long now = System.nanoTime();
        for (Prediction p : ps) {
            pending.put(Key.of(p), new Entry(p, worker, now));
        }
    }

    /** Their journal record is on disk: publish them (in this order). */
    void synced(List<Prediction> ps) {
        ready.addAll(ps);
    }

    /** The unconfirmed predictions in worker {@code worker}'s journal file (for its compaction). */
    List<Prediction> pendingOf(int worker) {
        List<Prediction> out = new ArrayList<>();
        for (Entry e : pending.values()) {
            if (e.worker == worker) {
                out.add(e.prediction);
            }
        }
        return out;
    }

    /**
     * Starts publishing through {@code sink}: first what an earlier run journaled and neither the broker confirmed
     * nor the MQTT client holds, then what the workers journal.
     */
    synchronized void start(PredictionSink sink) {
        if (thread != null) {
            return;
        }
        List<Prediction> again = new ArrayList<>();
        for (Entry e : pending.values()) {
            if (!e.handed) {
                again.add(e.prediction);
            }
        }
        again.sort(Comparator.comparingDouble(Prediction::tsMillis));
        if (!again.isEmpty()) {
            log.info("journal: {} prediction{} of the last run not yet published; publishing them now", again.size(),
                    again.size() == 1 ? "" : "s");
        }
        List<Prediction> queued = new ArrayList<>();
        ready.drainTo(queued);
        ready.addAll(again);
        ready.addAll(queued);
        thread = new Thread(() -> publishLoop(sink), "ssm-edge-outbox");
        thread.setDaemon(true);
        thread.start();
    }

    /** Marks of earlier runs are no longer needed (every journal file was compacted, the client's files checked). */
    void clearMarks() {
        confirmedBefore.clear();
    }

    private void publishLoop(PredictionSink sink) {
        Prediction p = null;
        while (!closed) {
            try {
                if (p == null) {
                    busy = false;
                    p = ready.poll(100, TimeUnit.MILLISECONDS);
                    if (p == null) {
                        continue;
                    }
                    busy = true;
                }
                Key k = Key.of(p);
                Entry e = pending.get(k);
                if (e == null) { // confirmed meanwhile (the client had it after all)
                    p = null;
                } else if (sink.offer(p)) {
                    if (e.journaledNanos != 0) {
                        waits.recordValue(Math.min(60_000_000L, (System.nanoTime() - e.journaledNanos) / 1000));
                    }
                    if (!confirmedByBroker) {
                        confirmed(k.stream(), k.ts());
                    }
                    p = null;
                } else {
                    LockSupport.parkNanos(RETRY_NANOS); // not connected: keep it, in order
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                log.error("journal: publishing prediction of stream '{}' failed (tried again): {}", p == null ? "?"
                        : p.stream(), e.toString());
                LockSupport.parkNanos(RETRY_NANOS);
            }
        }
    }

    /** Waits until every synced prediction was handed to the MQTT client (at stop), at most {@code timeout}. */
    boolean drain(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while ((!ready.isEmpty() || busy) && thread != null && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        return ready.isEmpty() && !busy;
    }

    /** Since start: how long predictions waited from their journal record to the MQTT client (see {@link #waits}). */
    Histogram waits() {
        return waits.getIntervalHistogram();
    }

    void close() {
        Histogram h = waits();
        if (h.getTotalCount() > 0) {
            log.info("journal: {} predictions published after their sync; from journal record to the MQTT client "
                            + "p50 {} ms, p99 {} ms, max {} ms", h.getTotalCount(),
                    String.format(java.util.Locale.ROOT, "%.2f", h.getValueAtPercentile(50) / 1000.0),
                    String.format(java.util.Locale.ROOT, "%.2f", h.getValueAtPercentile(99) / 1000.0),
                    String.format(java.util.Locale.ROOT, "%.2f", h.getMaxValue() / 1000.0));
        }
        closed = true;
        if (thread != null) {
            thread.interrupt();
            try {
                thread.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
