package io.ssmedge.agent.journal;

import io.ssmedge.agent.deploy.ModelVersion;
import io.ssmedge.agent.stream.PredictionSink;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BiFunction;

/**
 * The local journal of each stream's recent raw samples ({@code data_dir/journal/worker-N.log}, one file per
 * worker thread). {@link #open} reads what an earlier run left (the agent rebuilds the open windows from it and
 * recognises samples the broker delivers again); {@link #writer} gives each worker its file; one sync thread makes
 * the files durable every {@code syncIntervalMs} (group commit) and then runs the waiting acknowledgements and
 * hands the journaled predictions to the {@link Outbox} (which publishes each exactly once; the argument is there).
 */
public final class StreamJournal implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(StreamJournal.class);

    private final Path dir;
    private final Map<String, SampleRing> recovered;
    private final JournalWriter[] writers;
    private final DeliveredLog delivered;
    private final Outbox outbox;
    private final long maxFileBytes;
    /** Compactions asked of every writer; one is asked when delivered.log is rotated (see {@link DeliveredLog}). */
    private final AtomicLong compactionRequests;
    private long rotatedAt;                  // request made at the last rotation, 0 = none pending (sync thread)
    private final Thread syncer;
    private final Object syncLock = new Object();
    private volatile boolean closed;

    private StreamJournal(Path dir, Map<String, SampleRing> recovered, JournalWriter[] writers, DeliveredLog delivered,
                          Outbox outbox, AtomicLong compactionRequests, long maxFileBytes, long syncNanos) {
        this.dir = dir;
        this.recovered = recovered;
        this.writers = writers;
        this.delivered = delivered;
        this.outbox = outbox;
        this.compactionRequests = compactionRequests;
        this.maxFileBytes = maxFileBytes;
        this.syncer = new Thread(() -> syncLoop(syncNanos), "ssm-edge-journal-sync");
        this.syncer.setDaemon(true);
    }

    /**
     * Opens (creating) the journal folder, reads every journal file in it, and starts the sync thread.
     *
     * @param channels     the model's input channels (every record must have as many values)
     * @param ringCapacity samples kept per stream
     * @param workers      worker threads: one file each
     * @param versions     the model version a prediction journaled by an earlier run names (fingerprint, pruned ratio)
     */
    public static StreamJournal open(Path dir, int channels, int ringCapacity, int workers, int syncIntervalMs,
                                     long maxFileBytes, BiFunction<String, Double, ModelVersion> versions) {
        try {
            Files.createDirectories(dir);
            Recovery recovery = new Recovery(versions);
            Map<String, SampleRing> streams = recovery.rings();
            List<Path> files = new ArrayList<>();
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "worker-*.log")) {
                ds.forEach(files::add);
            }
            files.sort(null);
            for (Path f : files) {
                long clean = JournalRecords.read(f, channels, ringCapacity, recovery);
                long size = Files.size(f);
                if (clean < size) {
                    log.warn("journal {}: the last {} bytes were cut short by a crash and are ignored", f, size - clean);
                }
            }
            for (Path f : files) {
                if (index(f) >= workers) {
                    Files.delete(f); // from a run with more workers; its streams are now in `streams`
                }
            }
            DeliveredLog.read(dir, channels, ringCapacity, recovery);
            DeliveredLog delivered = new DeliveredLog(dir);
            Outbox outbox = new Outbox(delivered, recovery, workers);
            AtomicLong requests = new AtomicLong();
            JournalWriter[] ws = new JournalWriter[workers];
            for (int i = 0; i < workers; i++) {
                ws[i] = new JournalWriter(dir.resolve("worker-" + i + ".log"), i, channels, maxFileBytes, outbox, requests);
            }
            if (!files.isEmpty()) {
                log.info("journal {}: {} stream{} to rebuild, {} prediction{} not confirmed by the broker", dir,
                        streams.size(), streams.size() == 1 ? "" : "s", outbox.pending(),
                        outbox.pending() == 1 ? "" : "s");
            }
            StreamJournal j = new StreamJournal(dir, streams, ws, delivered, outbox, requests, maxFileBytes,
                    TimeUnit.MILLISECONDS.toNanos(syncIntervalMs));
            j.syncer.start();
            return j;
        } catch (IOException e) {
            throw new UncheckedIOException("journal: cannot use " + dir + ": " + e.getMessage()
                    + " (check data_dir, or set durability: processed)", e);
        }
    }

    private static int index(Path f) {
        String n = f.getFileName().toString();
        try {
            return Integer.parseInt(n.substring("worker-".length(), n.length() - ".log".length()));
        } catch (NumberFormatException e) {
            return Integer.MAX_VALUE;
        }
    }

    public Path dir() {
        return dir;
    }

    /** The streams an earlier run left, with their recent samples (taken over by the workers at start). */
    public Map<String, SampleRing> recovered() {
        return recovered;
    }

    public JournalWriter writer(int worker) {
        return writers[worker];
    }

    /**
     * Versions for predictions journaled by an earlier run: {@code serving} when the fingerprint is its own, else a
     * version with that fingerprint and ratio around the serving model (a recovered prediction is only published,
     * and publishing reads only the fingerprint and ratio).
     */
    public static BiFunction<String, Double, ModelVersion> versionsBesides(ModelVersion serving) {
        return (fingerprint, ratio) -> fingerprint.equals(serving.version()) ? serving
                : new ModelVersion(serving.model(), fingerprint, ratio, "recovered", null);
    }

    /** The predictions between their journal record and the broker's confirmation. */
    public Outbox outbox() {
        return outbox;
    }

    /**
     * Starts publishing predictions through {@code sink} (call once every worker has {@link JournalWriter#compact
     * compacted} its file after the restore, and the MQTT client has checked its own files against the marks of
     * the earlier run: the marks are then forgotten).
     */
    public void startPublishing(PredictionSink sink) {
        try {
            delivered.clear();
            outbox.clearMarks();
        } catch (IOException e) {
            throw new UncheckedIOException("journal: cannot reset " + dir.resolve("delivered.log") + ": "
                    + e.getMessage(), e);
        }
        outbox.start(sink);
    }

    /** Syncs now: sends the acknowledgements and hands the predictions waiting for a sync to the outbox (at stop). */
    public void flush() {
        syncAll();
    }

    /** Waits until the outbox handed every synced prediction to the MQTT client (at stop), at most {@code timeout}. */
    public boolean drainOutbox(Duration timeout) throws InterruptedException {
        return outbox.drain(timeout);
    }

    private void syncLoop(long nanos) {
        while (!closed) {
            LockSupport.parkNanos(nanos);
            syncAll();
        }
    }

    private void syncAll() {
        synchronized (syncLock) {
            syncAllLocked();
        }
    }

    private void syncAllLocked() {
        for (JournalWriter w : writers) {
            try {
                w.sync();
            } catch (IOException e) { // acknowledgements stay pending: the broker keeps the messages
                log.error("journal {}: sync failed: {}", w.file(), e.getMessage());
            }
        }
        try {
            delivered.sync();
            rotateDelivered();
        } catch (IOException e) {
            log.error("journal {}: sync of delivered.log failed: {}", dir, e.getMessage());
        }
    }

    /**
     * delivered.log is renamed to delivered.old when it exceeds journal.max_file_mb, and every writer is asked to
     * compact; the old file goes once all have. A mark in the old file was appended after its prediction left the
     * outbox ({@link Outbox#confirmed}), and the rotation happened before the request, so a compaction that saw the
     * request does not write that prediction again: no journal file needs the old marks any more.
     */
    private void rotateDelivered() throws IOException {
        if (rotatedAt == 0 && delivered.size() > maxFileBytes && delivered.rotate()) {
            rotatedAt = compactionRequests.incrementAndGet();
        }
        if (rotatedAt != 0) {
            for (JournalWriter w : writers) {
                if (w.compactedAt() < rotatedAt) {
                    return;
                }
            }
            delivered.deleteOld();
            rotatedAt = 0;
        }
    }

    /** Stops the sync thread after a last sync (runs the remaining acknowledgements) and closes the files. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        syncAll();
        try {
            outbox.drain(Duration.ofSeconds(2)); // hands the last predictions over; the rest go at the next start
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        closed = true;
        outbox.close();
        LockSupport.unpark(syncer);
        try {
            syncer.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (JournalWriter w : writers) {
            try {
                w.close();
            } catch (IOException e) {
                log.warn("journal {}: closing: {}", w.file(), e.getMessage());
            }
        }
        try {
            delivered.close();
        } catch (IOException e) {
            log.warn("journal {}: closing delivered.log: {}", dir, e.getMessage());
        }
    }
}
