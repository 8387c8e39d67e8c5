package io.ssmedge.agent.journal;

import io.ssmedge.agent.deploy.ModelVersion;
import io.ssmedge.agent.stream.Prediction;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;

/**
 * The journal's file format. A file is a sequence of records, each
 * {@code [int length][int crc32 of the body][body]}; a body is either
 * <pre>
 *   'S' [short idLength][id, UTF-8][long totalAfter][int n] n × ([double ts][float × channels])
 *        the stream's last n samples; totalAfter = samples the stream had accepted after the last of them
 *   'M' the same as 'S', followed by [int k] k × prediction
 *        a message's samples with the predictions they completed (one record: both or neither survive a crash)
 *   'P' [short idLength][id, UTF-8][int k] k × prediction
 *        predictions the broker has not confirmed yet, carried over by a compaction
 *   'D' [short idLength][id, UTF-8][double ts]
 *        the broker confirmed the stream's prediction of the window ending at ts (file delivered.log)
 *   'X' [short idLength][id, UTF-8]
 *        the stream was reset or removed: forget its samples (not its unconfirmed predictions)
 * </pre>
 * A prediction is {@code [double ts][byte tsFromSensor][int class][short k][float × k log-probabilities]
 * [long queueMicros][long inferenceMicros][short versionLength][version, UTF-8][double prunedRatio]}.
 * Big-endian. A record cut short by a crash (or with a wrong checksum) ends the file: everything before it is kept.
 */
final class JournalRecords {
    static final byte SAMPLES = 'S';
    static final byte FORGET = 'X';
    static final byte SAMPLES_PREDICTIONS = 'M';
    static final byte PREDICTIONS = 'P';
    static final byte DELIVERED = 'D';
    private static final int HEADER = 8;

    private JournalRecords() {
    }

    /**
     * Encodes the last {@code n} samples held by {@code ring} (n ≤ ring.size()) into {@code buf} (grown as needed);
     * {@code row} (channels) is scratch space.
     */
    static ByteBuffer samples(ByteBuffer buf, byte[] id, SampleRing ring, int n, float[] row) {
        return samples(buf, id, ring, n, row, List.of());
    }

    /** As {@link #samples(ByteBuffer, byte[], SampleRing, int, float[])}, with the predictions they completed ('M'). */
    static ByteBuffer samples(ByteBuffer buf, byte[] id, SampleRing ring, int n, float[] row, List<Prediction> due) {
        int body = 1 + 2 + id.length + 8 + 4 + n * (8 + 4 * ring.channels()) + (due.isEmpty() ? 0 : size(due));
        buf = begin(buf, body);
        buf.put(due.isEmpty() ? SAMPLES : SAMPLES_PREDICTIONS).putShort((short) id.length).put(id).putLong(ring.total())
                .putInt(n);
        for (int i = ring.size() - n; i < ring.size(); i++) {
            buf.putDouble(ring.ts(i));
            ring.copy(i, row);
            for (float v : row) {
                buf.putFloat(v);
            }
        }
        if (!due.isEmpty()) {
            putPredictions(buf, due);
        }
        return end(buf);
    }

    /** Unconfirmed predictions of one stream ('P'). */
    static ByteBuffer predictions(ByteBuffer buf, byte[] id, List<Prediction> ps) {
        buf = begin(buf, 1 + 2 + id.length + size(ps));
        buf.put(PREDICTIONS).putShort((short) id.length).put(id);
        putPredictions(buf, ps);
        return end(buf);
    }

    /** The broker confirmed this prediction ('D'). */
    static ByteBuffer delivered(ByteBuffer buf, byte[] id, double ts) {
        buf = begin(buf, 1 + 2 + id.length + 8);
        buf.put(DELIVERED).putShort((short) id.length).put(id).putDouble(ts);
        return end(buf);
    }

    private static int size(List<Prediction> ps) {
        int n = 4;
        for (Prediction p : ps) {
            n += 8 + 1 + 4 + 2 + 4 * p.logp().length + 8 + 8 + 2 + utf8(p.model().version()).length + 8;
        }
        return n;
    }

    private static void putPredictions(ByteBuffer buf, List<Prediction> ps) {
        buf.putInt(ps.size());
        for (Prediction p : ps) {
            buf.putDouble(p.tsMillis()).put((byte) (p.tsFromSensor() ? 1 : 0)).putInt(p.classIndex())
                    .putShort((short) p.logp().length);
            for (float v : p.logp()) {
                buf.putFloat(v);
            }
            byte[] v = utf8(p.model().version());
            buf.putLong(p.queueMicros()).putLong(p.inferenceMicros()).putShort((short) v.length).put(v)
                    .putDouble(p.model().ratio());
        }
    }

    private static void getPredictions(ByteBuffer b, String stream, Recovery into) {
        int k = b.getInt();
        for (int i = 0; i < k; i++) {
            double ts = b.getDouble();
            boolean fromSensor = b.get() != 0;
            int cls = b.getInt();
            float[] logp = new float[b.getShort()];
            for (int c = 0; c < logp.length; c++) {
                logp[c] = b.getFloat();
            }
            long queue = b.getLong();
            long inference = b.getLong();
            byte[] v = new byte[b.getShort() & 0xffff];
            b.get(v);
            double ratio = b.getDouble();
            into.prediction(new Prediction(stream, ts, fromSensor, cls, logp, queue, inference,
                    into.version(new String(v, StandardCharsets.UTF_8), ratio)));
        }
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
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
     * Reads one journal file into {@code into} (records apply in order; see {@link #apply}).
     *
     * @return bytes of the file that were read cleanly (the rest is a torn tail)
     */
    static long read(Path file, int channels, int capacity, Recovery into) throws IOException {
        Map<String, SampleRing> streams = into.rings();
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
                } else if (type == PREDICTIONS) {
                    getPredictions(b, id, into);
                } else if (type == DELIVERED) {
                    into.delivered(id, b.getDouble());
                } else if (type == SAMPLES || type == SAMPLES_PREDICTIONS) {
                    long totalAfter = b.getLong();
                    int n = b.getInt();
                    long bytes = (long) n * (8 + 4 * channels);
                    if (type == SAMPLES ? b.remaining() != bytes : b.remaining() < bytes + 4) {
                        throw new IOException("journal " + file + ": a record of stream '" + id + "' holds samples of "
                                + "another channel count than the model's " + channels + " (journal of another model? "
                                + "move data_dir/journal away to start without it)");
                    }
                    int predictionsAt = b.position() + (int) bytes;
                    apply(streams.computeIfAbsent(id, k -> new SampleRing(channels, capacity)), totalAfter, n, b, row);
                    if (type == SAMPLES_PREDICTIONS) {
                        b.position(predictionsAt); // a stale record's samples are not read
                        getPredictions(b, id, into);
                    }
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
