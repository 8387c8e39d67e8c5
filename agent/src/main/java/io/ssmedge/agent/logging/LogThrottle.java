package io.ssmedge.agent.logging;

import org.slf4j.Logger;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * At most one log line per interval for an event that can repeat thousands of times a second (a hostile client, a
 * broker that refuses every message, a full buffer), so that it cannot fill the log; the line says how many such
 * events there were since the previous one. The first event is always logged. Every throttled warning of the agent
 * uses this one rule. Thread-safe.
 *
 * <pre>
 *   event at time t:  n += 1;  if (no line yet or t − last ≥ interval) { last = t; log with n; n = 0 }
 * </pre>
 */
public final class LogThrottle {
    private final long intervalNanos;
    private final LongSupplier clock; // nanoseconds, monotonic
    private boolean logged;           // guarded by this
    private long last;                // guarded by this: time of the last line
    private long since;               // guarded by this: events since the last line

    public LogThrottle(Duration interval) {
        this(interval, System::nanoTime);
    }

    /** With a clock of its own (tests). */
    LogThrottle(Duration interval, LongSupplier nanoClock) {
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("a log throttle needs a positive interval, got " + interval);
        }
        this.intervalNanos = interval.toNanos();
        this.clock = nanoClock;
    }

    /**
     * Counts one event. Returns how many events the line due now stands for (this one and those kept back since the
     * previous line), or 0 when no line is due: {@code long n = throttle.due(); if (n > 0) log.warn(..., n)}.
     */
    public long due() {
        long now = clock.getAsLong();
        synchronized (this) {
            since++;
            if (logged && now - last < intervalNanos) {
                return 0;
            }
            logged = true;
            last = now;
            long n = since;
            since = 0;
            return n;
        }
    }

    /** Counts one event and, when a line is due, warns with the message and the count (details at debug level). */
    public void warn(Logger log, String message) {
        long n = due();
        if (n > 0) {
            log.warn("{} ({} such event{} since the previous warning, at most one per {}; details at debug level)",
                    message, n, n == 1 ? "" : "s", interval());
        }
    }

    /** The interval in plain words: "60 s". */
    public String interval() {
        return intervalNanos / 1_000_000_000L + " s";
    }
}
