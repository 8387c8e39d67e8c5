package io.ssmedge.agent.deploy;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Per-channel statistics of the raw inputs one worker accepted, handed in blocks to a reader on another thread
 * (the rollout's input-drift check). One writer (the worker: {@link #add} per accepted sample, no lock, no
 * allocation) and one reader ({@link #drainTo}, periodically).
 *
 * <p>A block is the count, mean and variance of {@value #BLOCK} or more consecutive samples. Sums are taken about
 * the block's first sample (shifted data; Chan, Golub and LeVeque, "Algorithms for computing the sample variance",
 * Am. Stat. 37(3), 1983), so large raw values with a small spread keep their precision:
 * <pre>
 *   d = x − x_first,   mean = x_first + Σd / n,   variance = Σd² / n − (Σd / n)²
 * </pre>
 * Finished blocks go to a ring of {@value #SLOTS} slots (single producer, single consumer: the writer publishes a
 * slot with a release store of its count, the reader frees it with a volatile store). When the reader falls behind
 * and the ring is full, the writer keeps adding to its open block, so no sample is lost, only folded into a larger
 * block.
 */
public final class InputAccumulator {
    /** Samples per block (at least). */
    public static final int BLOCK = 256;
    static final int SLOTS = 8;

    /** Receives one block: {@code n} samples with these per-channel means and variances (arrays reused). */
    @FunctionalInterface
    public interface BlockSink {
        void block(long n, double[] mean, double[] variance);
    }

    private final int channels;
    // writer side (the worker thread only)
    private final double[] shift; // (channels) first sample of the open block
    private final double[] sum;   // (channels) Σ (x − shift)
    private final double[] sq;    // (channels) Σ (x − shift)²
    private long n;               // samples in the open block
    private long written;         // blocks published (mirror of `published`)
    // shared
    private final double[] slots; // (SLOTS, 1 + 2·channels): n, mean per channel, variance per channel
    private final AtomicLong published = new AtomicLong(); // blocks written (writer, release store)
    private final AtomicLong consumed = new AtomicLong();  // blocks read (reader)
    // reader side
    private final double[] mean;  // (channels)
    private final double[] var;   // (channels)

    public InputAccumulator(int channels) {
        if (channels <= 0) {
            throw new IllegalArgumentException("InputAccumulator: channels must be > 0, got " + channels);
        }
        this.channels = channels;
        shift = new double[channels];
        sum = new double[channels];
        sq = new double[channels];
        slots = new double[SLOTS * (1 + 2 * channels)];
        mean = new double[channels];
        var = new double[channels];
    }

    public int channels() {
        return channels;
    }

    /** One accepted raw sample (first {@link #channels} values of {@code raw}); the worker thread only. */
    public void add(float[] raw) {
        add(raw, 0);
    }

    /** One accepted raw sample whose channels start at {@code offset} of {@code raw}. */
    public void add(float[] raw, int offset) {
        if (n == 0) {
            for (int c = 0; c < channels; c++) {
                shift[c] = raw[offset + c];
                sum[c] = 0;
                sq[c] = 0;
            }
        } else {
            for (int c = 0; c < channels; c++) {
                double d = raw[offset + c] - shift[c];
                sum[c] += d;
                sq[c] += d * d;
            }
        }
        if (++n >= BLOCK && written - consumed.get() < SLOTS) {
            int at = (int) (written % SLOTS) * (1 + 2 * channels);
            slots[at] = n;
            for (int c = 0; c < channels; c++) {
                double m = sum[c] / n;
                slots[at + 1 + c] = shift[c] + m;
                slots[at + 1 + channels + c] = Math.max(0, sq[c] / n - m * m);
            }
            published.lazySet(++written); // release: the slot's values are visible to a reader that sees the count
            n = 0;
        }
    }

    /**
     * Hands every finished block to {@code sink} (oldest first) and frees its slot; the reader thread only.
     *
     * @return samples handed over
     */
    public long drainTo(BlockSink sink) {
        long upTo = published.get();
        long total = 0;
        for (long b = consumed.get(); b < upTo; b++) {
            int at = (int) (b % SLOTS) * (1 + 2 * channels);
            long count = (long) slots[at];
            System.arraycopy(slots, at + 1, mean, 0, channels);
            System.arraycopy(slots, at + 1 + channels, var, 0, channels);
            consumed.set(b + 1); // the values are copied: the writer may reuse the slot
            sink.block(count, mean, var);
            total += count;
        }
        return total;
    }
}
