package io.ssmedge.agent.journal;

import io.ssmedge.agent.stream.Prediction;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One worker's journal file. The worker appends a record per accepted message (written to the file at once, so a
 * killed process loses nothing the call returned for) and registers what to do once the record is on disk
 * ({@link #afterSync}); the journal's sync thread makes the data durable with one {@code force} per interval for
 * all records written meanwhile (group commit) and then runs those actions (the MQTT acknowledgements) and hands
 * the predictions journaled with the samples to the {@link Outbox}, which publishes them.
 *
 * <p>Written by its worker thread; {@link #sync()} runs on the sync thread.
 */
public final class JournalWriter {
    private final Path file;
    private final int index;
    private final long maxBytes;
    private final Outbox outbox;
    private final java.util.concurrent.atomic.AtomicLong compactionRequests; // see StreamJournal (delivered.log rotation)
    private volatile long compactedAt;
    private final float[] row;     // (channels) scratch
    private FileChannel channel;
    private ByteBuffer buf = ByteBuffer.allocate(4096);
    private long size;
    private List<Runnable> waiting = new ArrayList<>();
    private List<Prediction> unpublished = new ArrayList<>();
    private final List<FileChannel> retired = new ArrayList<>();
    private volatile boolean dirty;

    JournalWriter(Path file, int index, int channels, long maxBytes, Outbox outbox,
                  java.util.concurrent.atomic.AtomicLong compactionRequests) throws IOException {
        this.file = file;
        this.index = index;
        this.maxBytes = maxBytes;
        this.outbox = outbox;
        this.compactionRequests = compactionRequests;
        this.row = new float[channels];
        this.channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND);
        this.size = channel.size();
    }

    public Path file() {
        return file;
    }

    /** Journals the last {@code n} samples the stream's ring received (a message's samples). */
    public void append(String stream, SampleRing ring, int n) {
        append(stream, ring, n, List.of());
    }

    /**
     * Journals the last {@code n} samples the stream's ring received (a message's samples) together with the
     * predictions they completed, in one record; the predictions are published after the sync that covers it (see
     * {@link Outbox}). Waits while too many predictions wait for the broker.
     */
    public void append(String stream, SampleRing ring, int n, List<Prediction> due) {
        if (!due.isEmpty()) {
            outbox.journaled(index, due);
        }
        buf = JournalRecords.samples(buf, id(stream), ring, Math.min(n, ring.size()), row, due);
        write();
        if (!due.isEmpty()) {
            synchronized (this) {
                unpublished.addAll(due);
            }
        }
    }

    /** Journals that a stream was reset or removed (it is not rebuilt after a restart). */
    public void forget(String stream) {
        buf = JournalRecords.forget(buf, id(stream));
        write();
    }

    /** Runs {@code action} on the sync thread once everything written so far is on disk. */
    public void afterSync(Runnable action) {
        synchronized (this) {
            waiting.add(action);
        }
    }

    /**
     * True when the file has grown beyond journal.max_file_mb, or the journal asks for a compaction, and it should be
     * {@link #compact compacted}.
     */
    public boolean full() {
        return size > maxBytes || compactionRequests.get() > compactedAt;
    }

    /** The last compaction request this file's compaction covered. */
    long compactedAt() {
        return compactedAt;
    }

    /**
     * Replaces the file by one holding only each stream's recent samples and the predictions of this worker the
     * broker has not confirmed (written next to it, synced, then renamed over it, so a crash leaves either file
     * complete).
     */
    public void compact(Map<String, SampleRing> streams) {
        Path tmp = file.resolveSibling(file.getFileName() + ".new");
        long request = compactionRequests.get(); // before reading the outbox: see StreamJournal
        try {
            FileChannel next = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING);
            long written = 0;
            for (Map.Entry<String, SampleRing> e : streams.entrySet()) {
                if (e.getValue().size() == 0) {
                    continue;
                }
                buf = JournalRecords.samples(buf, id(e.getKey()), e.getValue(), e.getValue().size(), row);
                while (buf.hasRemaining()) {
                    written += next.write(buf);
                }
            }
            Map<String, List<Prediction>> open = new java.util.HashMap<>();
            for (Prediction p : outbox.pendingOf(index)) {
                open.computeIfAbsent(p.stream(), k -> new ArrayList<>()).add(p);
            }
            for (Map.Entry<String, List<Prediction>> e : open.entrySet()) {
                buf = JournalRecords.predictions(buf, id(e.getKey()), e.getValue());
                while (buf.hasRemaining()) {
                    written += next.write(buf);
                }
            }
            next.force(true);
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            synchronized (this) {
                retired.add(channel); // the sync thread may still be forcing it; closed after its next sync
                channel = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
                size = written;
            }
            compactedAt = request;
        } catch (IOException e) {
            throw new UncheckedIOException("journal: cannot compact " + file + ": " + e.getMessage(), e);
        }
    }

    private void write() {
        try {
            FileChannel ch;
            synchronized (this) {
                ch = channel;
            }
            while (buf.hasRemaining()) {
                size += ch.write(buf);
            }
            dirty = true;
        } catch (IOException e) {
            throw new UncheckedIOException("journal: cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    /** Makes everything written so far durable, then runs the actions registered before. */
    void sync() throws IOException {
        List<Runnable> ready;
        List<Prediction> publish;
        FileChannel ch;
        List<FileChannel> old;
        synchronized (this) {
            if (!dirty && waiting.isEmpty() && unpublished.isEmpty() && retired.isEmpty()) {
                return;
            }
            dirty = false;
            ready = waiting;
            waiting = new ArrayList<>();
            publish = unpublished;
            unpublished = new ArrayList<>();
            ch = channel;
            old = retired.isEmpty() ? List.of() : new ArrayList<>(retired);
            retired.clear();
        }
        ch.force(false);
        for (FileChannel o : old) {
            o.close(); // its records are in the compacted file, which was forced before the switch
        }
        io.ssmedge.agent.mqtt.Ack.batch(() -> { // the PUBACKs of this sync in one write (issue #12)
            for (Runnable r : ready) {
                r.run();
            }
        });
        if (!publish.isEmpty()) {
            outbox.synced(publish);
        }
    }

    void close() throws IOException {
        sync();
        synchronized (this) {
            channel.close();
        }
    }

    private static byte[] id(String stream) {
        return stream.getBytes(StandardCharsets.UTF_8);
    }
}
