package io.ssmedge.agent.journal;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The local journal of each stream's recent raw samples ({@code data_dir/journal/worker-N.log}, one file per
 * worker thread). {@link #open} reads what an earlier run left (the agent rebuilds the open windows from it and
 * recognises samples the broker delivers again); {@link #writer} gives each worker its file; one sync thread makes
 * the files durable every {@code syncIntervalMs} (group commit) and then runs the waiting acknowledgements.
 */
public final class StreamJournal implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(StreamJournal.class);

    private final Path dir;
    private final Map<String, SampleRing> recovered;
    private final JournalWriter[] writers;
    private final Thread syncer;
    private volatile boolean closed;

    private StreamJournal(Path dir, Map<String, SampleRing> recovered, JournalWriter[] writers, long syncNanos) {
        this.dir = dir;
        this.recovered = recovered;
        this.writers = writers;
        this.syncer = new Thread(() -> syncLoop(syncNanos), "ssm-edge-journal-sync");
        this.syncer.setDaemon(true);
    }

    /**
     * Opens (creating) the journal folder, reads every journal file in it, and starts the sync thread.
     *
     * @param channels     the model's input channels (every record must have as many values)
     * @param ringCapacity samples kept per stream
     * @param workers      worker threads: one file each
     */
    public static StreamJournal open(Path dir, int channels, int ringCapacity, int workers, int syncIntervalMs,
                                     long maxFileBytes) {
        try {
            Files.createDirectories(dir);
            Map<String, SampleRing> streams = new HashMap<>();
            List<Path> files = new ArrayList<>();
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "worker-*.log")) {
                ds.forEach(files::add);
            }
            files.sort(null);
            for (Path f : files) {
                long clean = JournalRecords.read(f, channels, ringCapacity, streams);
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
            JournalWriter[] ws = new JournalWriter[workers];
            for (int i = 0; i < workers; i++) {
                ws[i] = new JournalWriter(dir.resolve("worker-" + i + ".log"), channels, maxFileBytes);
            }
            if (!files.isEmpty()) {
                log.info("journal {}: {} stream{} to rebuild", dir, streams.size(), streams.size() == 1 ? "" : "s");
            }
            StreamJournal j = new StreamJournal(dir, streams, ws, TimeUnit.MILLISECONDS.toNanos(syncIntervalMs));
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

    private void syncLoop(long nanos) {
        while (!closed) {
            LockSupport.parkNanos(nanos);
            syncAll();
        }
    }

    private void syncAll() {
        for (JournalWriter w : writers) {
            try {
                w.sync();
            } catch (IOException e) { // acknowledgements stay pending: the broker keeps the messages
                log.error("journal {}: sync failed: {}", w.file(), e.getMessage());
            }
        }
    }

    /** Stops the sync thread after a last sync (runs the remaining acknowledgements) and closes the files. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
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
    }
}
