package io.ssmedge.inference;

/** Receives progress of long work; called from worker threads, so implementations must be thread-safe. */
@FunctionalInterface
public interface Progress {
    Progress NONE = (done, total) -> { };

    void update(long done, long total);
}
