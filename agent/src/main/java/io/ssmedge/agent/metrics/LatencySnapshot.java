package io.ssmedge.agent.metrics;

import org.HdrHistogram.Histogram;

/**
 * Latency figures in microseconds.
 *
 * @param count number of values
 * @param p50   median
 * @param p99   99th percentile
 * @param p999  99.9th percentile
 * @param max   largest value
 * @param mean  average
 */
public record LatencySnapshot(long count, long p50, long p99, long p999, long max, double mean) {
    public static final LatencySnapshot EMPTY = new LatencySnapshot(0, 0, 0, 0, 0, 0);

    static LatencySnapshot of(Histogram h) {
        if (h.getTotalCount() == 0) {
            return EMPTY;
        }
        return new LatencySnapshot(h.getTotalCount(), h.getValueAtPercentile(50), h.getValueAtPercentile(99),
                h.getValueAtPercentile(99.9), h.getMaxValue(), h.getMean());
    }
}
