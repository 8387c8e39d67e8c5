package io.ssmedge.agent.metrics;

import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;

/**
 * One series of a Prometheus counter (one set of label values), with the counting methods the agent used on its
 * former LongAdders. A counter only goes up: {@link #add(long)} ignores negative amounts.
 */
public final class CounterSeries {
    private final Counter counter;
    private final CounterDataPoint point;

    CounterSeries(Counter counter, String... labelValues) {
        this.counter = counter;
        this.point = labelValues.length == 0 ? counter : counter.labelValues(labelValues);
    }

    public void increment() {
        point.inc();
    }

    public void add(long n) {
        if (n > 0) {
            point.inc(n);
        }
    }

    /** The count of this series. */
    public long sum() {
        return point.getLongValue();
    }

    /** The same counter with other label values (e.g. another model_version and stage during a rollout). */
    public CounterSeries with(String... labelValues) {
        return new CounterSeries(counter, labelValues);
    }

    /** The count over all label values of this counter. */
    public long total() {
        long sum = 0;
        for (CounterSnapshot.CounterDataPointSnapshot d : counter.collect().getDataPoints()) {
            sum += (long) d.getValue();
        }
        return sum;
    }
}
