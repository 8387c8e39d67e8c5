package io.ssmedge.agent.control;

/**
 * Named places in applying a configuration where a crash is tested (tests make one of them throw or halt the JVM);
 * in the daemon it does nothing.
 */
@FunctionalInterface
public interface CrashPoints {
    CrashPoints NONE = where -> { };

    void reached(String where);
}
