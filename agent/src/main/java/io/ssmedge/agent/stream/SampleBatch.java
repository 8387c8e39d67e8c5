package io.ssmedge.agent.stream;

import java.util.Arrays;

/**
 * The samples read from one message, in a buffer its owner (one worker thread) reuses for every message.
 * Values are raw sensor readings in the model's channel order.
 */
public final class SampleBatch {
    private final int channels;
    private float[] values;  // (capacity, channels) raw values
    private double[] ts;     // (capacity) epoch ms, NaN when the message had no ts
    private int count;

    public SampleBatch(int channels) {
        this.channels = channels;
        this.values = new float[16 * channels];
        this.ts = new double[16];
    }

    public int channels() {
        return channels;
    }

    public int count() {
        return count;
    }

    public void clear() {
        count = 0;
    }

    /** Starts a new sample with the given ts (NaN = none) and returns the offset of its values in {@link #values()}. */
    int add(double tsMillis) {
        if (count == ts.length) {
            ts = Arrays.copyOf(ts, count * 2);
            values = Arrays.copyOf(values, count * 2 * channels);
        }
        ts[count] = tsMillis;
        return channels * count++;
    }

    /** Drops the sample started last (it turned out malformed). */
    void removeLast() {
        count--;
    }

    /** Raw values, row i at offset i·channels (valid for rows below {@link #count()}). */
    public float[] values() {
        return values;
    }

    public double ts(int i) {
        return ts[i];
    }

    void setTs(int i, double tsMillis) {
        ts[i] = tsMillis;
    }

    /** Copies row i into {@code out} (channels long). */
    public void copyRow(int i, float[] out) {
        System.arraycopy(values, i * channels, out, 0, channels);
    }
}
