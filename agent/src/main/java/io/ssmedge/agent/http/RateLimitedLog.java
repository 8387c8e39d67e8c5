package io.ssmedge.agent.http;

import org.slf4j.Logger;

/**
 * At most one warning per interval for events any client can cause (so they cannot fill the log); the warning
 * says how many happened since the previous one. Thread-safe.
 */
final class RateLimitedLog {
    private final long intervalNanos;
    private long last;
    private long since;

    RateLimitedLog(int intervalSeconds) {
        this.intervalNanos = intervalSeconds * 1_000_000_000L;
    }

    void warn(Logger log, String message) {
        long n;
        synchronized (this) {
            since++;
            long now = System.nanoTime();
            if (last != 0 && now - last < intervalNanos) {
                return;
            }
            last = now;
            n = since;
            since = 0;
        }
        log.warn("{} ({} such event{} in the last {} s; details at debug level)", message, n, n == 1 ? "" : "s",
                intervalNanos / 1_000_000_000L);
    }
}
