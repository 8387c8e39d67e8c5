package io.ssmedge.agent.rollout.store;

/**
 * Called at every point where a crash would leave files half-done (tests make it throw to simulate
 * {@code kill -9} there); the daemon uses {@link #NONE}.
 */
@FunctionalInterface
public interface CrashHook {
    CrashHook NONE = point -> { };

    void at(String point);
}
