package io.ssmedge.agent.journal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.zip.CRC32;

/**
 * The journal's file format. A file is a sequence of records, each
 * {@code [int length][int crc32 of the body][body]}; a body is either
 * <pre>
 *   'S' [short idLength][id, UTF-8][long totalAfter][int n] n × ([double ts][float × channels])
 *        the stream's last n samples; totalAfter = samples the stream had accepted after the last of them
 *   'X' [short idLength][id, UTF-8]
 *        the stream was reset or removed: forget it
 * </pre>
 * Big-endian. A record cut short by a crash (or with a wrong checksum) ends the file: everything before it is kept.
 */
final class JournalRecords {
    static final byte SAMPLES = 'S';
    static final byte FORGET = 'X';
    private static final int HEADER = 8;

    private JournalRecords() {
    }

    /**
     * Encodes the last {@code n} samples held by {@code ring} (n ≤ ring.size()) into {@code buf} (grown as needed);
     * {@code row} (channels) is scratch space.
     */
    static ByteBuffer samples(ByteBuffer buf, byte[] id, SampleRing ring, int n, float[] row) {
        int body = 1 + 2 + id.length + 8 + 4 + n * (8 + 4 * ring.channels());
        buf = begin(buf, body);
        buf.put(SAMPLES).putShort((short) id.length).put(id).putLong(ring.total()).putInt(n);
        for (int i = ring.size() - n; i < ring.size(); i++) {
            buf.putDouble(ring.ts(i));
            ring.copy(i, row);
            for (float v : row) {
                buf.putFloat(v);
            }
        }
        return end(buf);
    }

    static ByteBuffer forget(ByteBuffer buf, byte[] id) {
        buf = begin(buf, 1 + 2 + id.length);
        buf.put(FORGET).putShort((short) id.length).put(id);
        return end(buf);
    }

    private static ByteBuffer begin(ByteBuffer buf, int body) {
        if (buf.capacity() < HEADER + body) {
            buf = ByteBuffer.allocate(Math.max(HEADER + body, buf.capacity() * 2));
        }
        buf.clear();
        buf.putInt(body).putInt(0); // crc filled in by end()
        return buf;
    }

    private static ByteBuffer end(ByteBuffer buf) {
        CRC32 crc = new CRC32();
        crc.update(buf.array(), buf.arrayOffset() + HEADER, buf.position() - HEADER);
        buf.putInt(4, (int) crc.getValue());
        buf.flip();
        return buf;
    }

    /**
     * Reads one journal file into {@code streams} (records apply in order; see {@link #apply}).
     *
     * @return bytes of the file that were read cleanly (the rest is a torn tail)
     */
    static long read(Path file, int channels, int capacity, Map<String, SampleRing> streams) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            ByteBuffer all = ByteBuffer.allocate((int) Math.min(size, Integer.MAX_VALUE - 8));
            while (all.hasRemaining() && ch.read(all) >= 0) {
                // read the whole file (journal files are bounded by journal.max_file_mb)
            }
            all.flip();
            float[] row = new float[channels];
            while (all.remaining() >= HEADER) {
                int start = all.position();
                int body = all.getInt();
                int crc = all.getInt();
                if (body < 3 || body > all.remaining()) {
                    return start;
                }
                CRC32 c = new CRC32();
                c.update(all.array(), all.arrayOffset() + all.position(), body);
                if ((int) c.getValue() != crc) {
                    return start;
                }
                ByteBuffer b = all.slice(all.position(), body);
                all.position(all.position() + body);
                byte type = b.get();
                byte[] idBytes = new byte[b.getShort() & 0xffff];
                b.get(idBytes);
                String id = new String(idBytes, StandardCharsets.UTF_8);
                if (type == FORGET) {
                    streams.remove(id);
                } else if (type == SAMPLES) {
                    long totalAfter = b.getLong();
                    int n = b.getInt();
                    if (b.remaining() != (long) n * (8 + 4 * channels)) {
                        throw new IOException("journal " + file + ": a record of stream '" + id + "' holds samples of "
                                + "another channel count than the model's " + channels + " (journal of another model? "
                                + "move data_dir/journal away to start without it)");
                    }
                    apply(streams.computeIfAbsent(id, k -> new SampleRing(channels, capacity)), totalAfter, n, b, row);
                } else {
                    return start;
                }
            }
            return all.position();
        }
    }

    /** Adds the record's samples the ring does not have yet (a stale record changes nothing). */
    private static void apply(SampleRing ring, long totalAfter, int n, ByteBuffer b, float[] row) {
        long first = totalAfter - n; // total before the record's first sample
        if (totalAfter <= ring.total()) {
            return;
        }
        if (first > ring.total()) { // a gap (a snapshot, or a record holding only the last samples): start over
            ring.clear();
        }
        int skip = (int) Math.max(0, ring.total() - first);
        for (int i = 0; i < n; i++) {
            double ts = b.getDouble();
            for (int c = 0; c < row.length; c++) {
                row[c] = b.getFloat();
            }
            if (i >= skip) {
                ring.add(ts, row, 0);
            }
        }
        ring.restoreTotal(totalAfter, ring.lastTs());
    }
}
