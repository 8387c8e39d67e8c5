package io.ssmedge.data;

/**
 * Fixed-length windows of sensor samples with optional labels, flat in memory.
 *
 * @param x          (N, L, d) samples, row-major
 * @param labels     (N) class of each window, or null when unlabeled
 * @param count      N windows
 * @param length     L samples per window
 * @param channels   d values per sample
 * @param normalized true when x already went through the model's input normalization
 */
public record WindowSet(float[] x, int[] labels, int count, int length, int channels, boolean normalized) {
    public WindowSet {
        if ((long) count * length * channels != x.length) {
            throw new IllegalArgumentException("x holds " + x.length + " values, expected N·L·d = " + count + "·" + length
                    + "·" + channels);
        }
        if (labels != null && labels.length != count) {
            throw new IllegalArgumentException(labels.length + " labels for " + count + " windows");
        }
    }

    public boolean labeled() {
        return labels != null;
    }

    /** Offset of window i's first value in {@link #x()}. */
    public int offset(int i) {
        return i * length * channels;
    }

    /** The first {@code n} windows (a copy). */
    public WindowSet head(int n) {
        int k = Math.min(n, count);
        float[] xs = java.util.Arrays.copyOf(x, k * length * channels);
        int[] ys = labels == null ? null : java.util.Arrays.copyOf(labels, k);
        return new WindowSet(xs, ys, k, length, channels, normalized);
    }

    /** A normalized copy (or this set when it already is normalized). */
    public WindowSet normalizedWith(io.ssmedge.model.InputNormalization norm) {
        if (normalized) {
            return this;
        }
        if (norm.size() != channels) {
            throw new IllegalArgumentException("normalization is for " + norm.size() + " channels, windows have " + channels);
        }
        float[] xs = x.clone();
        norm.applyInPlace(xs, count * length);
        return new WindowSet(xs, labels, count, length, channels, true);
    }
}
