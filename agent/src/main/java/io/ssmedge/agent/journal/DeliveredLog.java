package io.ssmedge.agent.journal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * {@code journal/delivered.log}: one 'D' record per prediction the broker confirmed, appended by the MQTT client's
 * thread just before the client deletes its own copy of the message (so that after a crash a prediction is known to
 * be either confirmed, or still held by the client, or still to be sent). Synced with the journal (group commit).
 * When it grows beyond the journal's file size it is renamed to {@code delivered.old}; the old file is deleted once
 * every worker has compacted its journal after the rename (then no journal file holds a prediction it confirms).
 */
final class DeliveredLog {
    private final Path file;
    private final Path old;
    private FileChannel channel;
    private ByteBuffer buf = ByteBuffer.allocate(256);
    private long size;
    private boolean dirty;

    DeliveredLog(Path dir) throws IOException {
        this.file = dir.resolve("delivered.log");
        this.old = dir.resolve("delivered.old");
        this.channel = open(file);
        this.size = channel.size();
    }

    private static FileChannel open(Path f) throws IOException {
        return FileChannel.open(f, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
    }

    /** Reads both files (old first) into {@code into}. */
    static void read(Path dir, int channels, int capacity, Recovery into) throws IOException {
        for (String name : new String[] {"delivered.old", "delivered.log"}) {
            Path f = dir.resolve(name);
            if (Files.exists(f)) {
                JournalRecords.read(f, channels, capacity, into);
            }
        }
    }

    synchronized void append(String stream, double ts) {
        buf = JournalRecords.delivered(buf, stream.getBytes(StandardCharsets.UTF_8), ts);
        try {
            while (buf.hasRemaining()) {
                size += channel.write(buf);
            }
            dirty = true;
        } catch (IOException e) {
            throw new UncheckedIOException("journal: cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    synchronized void sync() throws IOException {
        if (dirty) {
            channel.force(false);
            dirty = false;
        }
    }

    synchronized long size() {
        return size;
    }

    /** Starts a new file; false when the previous old file is still needed. */
    synchronized boolean rotate() throws IOException {
        if (Files.exists(old)) {
            return false;
        }
        channel.force(false);
        channel.close();
        Files.move(file, old, StandardCopyOption.ATOMIC_MOVE);
        channel = open(file);
        size = 0;
        dirty = false;
        return true;
    }

    void deleteOld() throws IOException {
        Files.deleteIfExists(old);
    }

    /** Forgets every mark (once no journal file and no MQTT client file holds a prediction they confirm). */
    synchronized void clear() throws IOException {
        Files.deleteIfExists(old);
        channel.truncate(0);
        channel.force(true);
        size = 0;
        dirty = false;
    }

    synchronized void close() throws IOException {
        sync();
        channel.close();
    }
}
