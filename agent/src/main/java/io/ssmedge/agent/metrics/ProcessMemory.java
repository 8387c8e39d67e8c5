package io.ssmedge.agent.metrics;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.nio.file.Files;
import java.nio.file.Path;

/** Memory of this process: JVM heap, and resident set size (RSS) from /proc/self/status on Linux. */
public final class ProcessMemory {
    private static final Path STATUS = Path.of("/proc/self/status");

    private ProcessMemory() {
    }

    public static MemoryUsage heap() {
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
    }

    /** Resident set size in bytes (VmRSS), -1 where /proc is not available. */
    public static long rssBytes() {
        return statusKb("VmRSS:");
    }

    /** Peak resident set size in bytes (VmHWM), -1 where /proc is not available. */
    public static long peakRssBytes() {
        return statusKb("VmHWM:");
    }

    /** Names of the garbage collectors this JVM runs (e.g. "Copy, MarkSweepCompact" = Serial GC). */
    public static String collectors() {
        return String.join(", ", ManagementFactory.getGarbageCollectorMXBeans().stream()
                .map(java.lang.management.GarbageCollectorMXBean::getName).toList());
    }

    private static long statusKb(String key) {
        try {
            for (String line : Files.readAllLines(STATUS)) {
                if (line.startsWith(key)) {
                    String v = line.substring(key.length()).trim();
                    return Long.parseLong(v.substring(0, v.indexOf(' '))) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }
}
