package io.ssmedge.agent.demo;

import java.nio.file.Path;
import java.util.List;

/**
 * What the live demo runs.
 *
 * @param durationSeconds stop after this long (0 = until Ctrl-C, or the end of a SKAB replay)
 * @param streams         simulated pumps (a SKAB replay has one stream per recording)
 * @param rateHz          samples per second per stream
 * @param faultSpecs      --fault-at specs for the simulator
 * @param randomFaultsPerHour random faults per simulated stream and hour
 * @param replayFiles     SKAB recordings to replay instead of simulating (empty = simulate)
 * @param model           model path or embedded:NAME
 * @param httpPort        status pages port (0 = any free one)
 * @param reportSeconds   a summary line every this many seconds
 * @param seed            simulator seed
 */
public record DemoSettings(double durationSeconds, int streams, double rateHz, List<String> faultSpecs,
                           double randomFaultsPerHour, List<Path> replayFiles, String model, int httpPort,
                           double reportSeconds, long seed) {
    public DemoSettings {
        if (durationSeconds < 0) {
            throw new IllegalArgumentException("--duration must not be negative, got " + durationSeconds);
        }
        if (reportSeconds <= 0) {
            throw new IllegalArgumentException("report interval must be more than 0 s");
        }
        faultSpecs = List.copyOf(faultSpecs);
        replayFiles = List.copyOf(replayFiles);
    }

    public boolean replay() {
        return !replayFiles.isEmpty();
    }
}
