package io.ssmedge.agent.journal;

import java.util.Arrays;

/**
 * The most recent raw samples of one stream (oldest overwritten first), with the number of samples the stream has
 * accepted in total and the ts of the last one. The agent keeps one per stream: to rebuild the open windows after a
 * restart, to recognise samples the broker delivers again, and to re-warm a model that is switched in.
 *
 * <p>Not thread-safe: written by the stream's worker thread only. {@link #add} allocates nothing.
 */
public final class SampleRing {
    private final int channels;
    private final int capacity;
    private final float[] values; // (capacity, channels) raw values, row (start + i) % capacity is the i-th oldest
    private final double[] ts;    // (capacity) epoch ms; NaN when the sample carried no ts
    private int start;
    private int size;
    private long total;           // samples accepted since the stream began
    private double lastTs = Double.NEGATIVE_INFINITY;

    public SampleRing(int channels, int capacity) {
        if (channels < 1 || capacity < 1) {
            throw new IllegalArgumentException("SampleRing: channels and capacity must be ≥ 1, got " + channels + ", "
                    + capacity);
        }
        this.channels = channels;
        this.capacity = capacity;
        this.values = new float[capacity * channels];
        this.ts = new double[capacity];
    }

    /** Heap bytes of a ring: its two arrays (with their 16-byte headers) and the object itself. */
    public static long bytes(int channels, int capacity) {
        return 16 + 4L * capacity * channels + 16 + 8L * capacity + 48;
    }

    public int channels() {
        return channels;
    }

    public int capacity() {
        return capacity;
    }

    /** Samples held (at most the capacity). */
    public int size() {
        return size;
    }

    /** Samples the stream accepted since it began (also those no longer held). */
    public long total() {
        return total;
    }

    /** ts of the last sample that carried one, -∞ before the first. */
    public double lastTs() {
        return lastTs;
    }

    /** Appends one sample: {@code channels} raw values from {@code row[offset..]}; ts NaN = none. */
    public void add(double tsMillis, float[] row, int offset) {
        int slot = (start + size) % capacity;
        if (size == capacity) {
            start = (start + 1) % capacity;
        } else {
            size++;
        }
        System.arraycopy(row, offset, values, slot * channels, channels);
        ts[slot] = tsMillis;
        total++;
        if (!Double.isNaN(tsMillis)) {
            lastTs = tsMillis;
        }
    }

    /** ts of the i-th oldest sample held (0 ≤ i < size). */
    public double ts(int i) {
        return ts[(start + i) % capacity];
    }

    /** Copies the i-th oldest sample held into {@code out} ({@code channels} long). */
    public void copy(int i, float[] out) {
        System.arraycopy(values, ((start + i) % capacity) * channels, out, 0, channels);
    }

    /** True when a sample with exactly this ts is held (ts increase, so a binary search). */
    public boolean holds(double tsMillis) {
        int lo = 0;
        int hi = size - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            double t = ts(mid);
            if (Double.isNaN(t)) { // samples without ts break the order: fall back to a scan
                for (int i = 0; i < size; i++) {
                    if (ts(i) == tsMillis) {
                        return true;
                    }
                }
                return false;
            }
            if (t < tsMillis) {
                lo = mid + 1;
            } else if (t > tsMillis) {
                hi = mid - 1;
            } else {
                return true;
            }
        }
        return false;
    }

    /** Forgets everything (the stream starts again). */
    public void clear() {
        start = 0;
        size = 0;
        total = 0;
        lastTs = Double.NEGATIVE_INFINITY;
        Arrays.fill(ts, Double.NaN);
    }

    /** Sets the total after a restore from the journal (the samples held are the last of these). */
    void restoreTotal(long total, double lastTs) {
        if (total < size) {
            throw new IllegalArgumentException("journal: a stream total of " + total + " is below the " + size
                    + " samples held");
        }
        this.total = total;
        this.lastTs = lastTs;
    }
}
