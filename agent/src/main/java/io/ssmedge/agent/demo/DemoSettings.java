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
 * @param speed           simulated seconds per wall second (the simulator's accelerated clock, see
 *                        SimulatorSettings.speed): at 20, a 10 Hz pump publishes 200 samples per wall second with
 *                        timestamps 100 ms apart in simulated time, so a rollout collects in a minute the evidence of
 *                        20 minutes of plant time; the decisions and their statistics are unchanged
 * @param stormAt         when a fault storm hits (a fault in every simulated pump, labels of the episode wrong):
 *                        {@link #STORM_AT_PROMOTION}, a simulated time after the start ("10m"), or null for none
 * @param stormSeconds    how long the storm lasts (simulated seconds)
 */
public record DemoSettings(double durationSeconds, int streams, double rateHz, List<String> faultSpecs,
                           double randomFaultsPerHour, List<Path> replayFiles, String model, int httpPort,
                           double reportSeconds, long seed, double speed, String stormAt, double stormSeconds) {
    /** {@link #stormAt} value: right after the first stage is promoted (so probation sees it). */
    public static final String STORM_AT_PROMOTION = "promotion";

    /** Real time, no storm. */
    public DemoSettings(double durationSeconds, int streams, double rateHz, List<String> faultSpecs,
                        double randomFaultsPerHour, List<Path> replayFiles, String model, int httpPort,
                        double reportSeconds, long seed) {
        this(durationSeconds, streams, rateHz, faultSpecs, randomFaultsPerHour, replayFiles, model, httpPort,
                reportSeconds, seed, 1, null, 120);
    }

    public DemoSettings {
        if (!(speed >= 1) || speed > 1000) {
            throw new IllegalArgumentException("--speed: expected 1 (real time) to 1000, got " + speed);
        }
        if (stormAt != null && !stormAt.equals(STORM_AT_PROMOTION)
                && io.ssmedge.agent.simulator.FaultSchedule.seconds(stormAt) == null) {
            throw new IllegalArgumentException("--storm-at: expected 'promotion', 'off' or a time such as 10m, got '"
                    + stormAt + "'");
        }
        if (!(stormSeconds > 0)) {
            throw new IllegalArgumentException("--storm-for must be more than 0 s, got " + stormSeconds);
        }
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
