package io.ssmedge.inference;

/**
 * How a stream is cut into windows.
 *
 * @param length     samples per window (fixed windows) or 0 for continuous mode
 * @param stride     samples between window starts (fixed) or between emitted predictions (continuous)
 * @param continuous the state is never reset; a prediction is emitted every {@code stride} samples
 */
public record WindowSpec(int length, int stride, boolean continuous) {
    public WindowSpec {
        if (stride < 1) {
            throw new IllegalArgumentException("window stride must be ≥ 1, got " + stride);
        }
        if (!continuous && length < 1) {
            throw new IllegalArgumentException("window length must be ≥ 1, got " + length);
        }
    }

    /** Windows of {@code length} samples starting every {@code stride} samples. */
    public static WindowSpec fixed(int length, int stride) {
        return new WindowSpec(length, stride, false);
    }

    /** Never reset; emit every {@code stride} samples. */
    public static WindowSpec continuous(int stride) {
        return new WindowSpec(0, stride, true);
    }

    /** Overlapping windows open at the same time (each needs its own state): ⌈length/stride⌉. */
    public int concurrentWindows() {
        return continuous ? 1 : (length + stride - 1) / stride;
    }
}
