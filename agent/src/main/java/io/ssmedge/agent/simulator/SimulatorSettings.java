package io.ssmedge.agent.simulator;

import java.nio.file.Path;
import java.util.List;

/**
 * What {@code ssm-edge simulate} does.
 *
 * @param streams             simulated pumps (ignored for a replay: one stream per file)
 * @param rateHz              samples per second per stream
 * @param seed                the same seed gives the same samples, faults and labels
 * @param durationSeconds     stop after this long (0 = until stopped)
 * @param startMillis         ts of sample 0 (epoch ms); sample i has startMillis + i·1000/rateHz
 * @param realtime            pace the samples at rateHz (false = as fast as possible, for files and tests)
 * @param speed               simulated seconds per wall-clock second when paced (1 = real time). The sample
 *                            timestamps stay simulated time (startMillis + i·1000/rateHz), so at speed 20 a 10 Hz
 *                            pump publishes 200 samples per wall second whose ts run 20 times faster than the
 *                            clock; a demo/test setting: an agent must accept ts ahead of its own clock
 *                            (input.max_future_seconds)
 * @param batch               samples per message and stream (1 = one message per sample): a JSON array of
 *                            {@code batch} samples, and the labels likewise, as a gateway that buffers its PLC's
 *                            samples would send them
 * @param faultSpecs          --fault-at specs (see {@link FaultSchedule})
 * @param randomFaultsPerHour random faults per stream and hour of samples (0 = only scheduled ones)
 * @param labels              publish the true labels
 * @param labelDelaySeconds   labels are published this many seconds (of samples) after their sample
 * @param labelMissing        fraction of labels never published (0..1)
 * @param labelWrong          fraction of labels published with the wrong value (0..1)
 * @param labelWrongFromSeconds labels are wrong (labelWrong) only from this simulated time after the start on
 * @param sensorTopic         topic per stream, {stream} replaced
 * @param labelTopic          topic per stream for labels, {stream} replaced
 * @param streamPrefix        simulated streams are prefix01, prefix02, …
 * @param replay              a folder (or file) of SKAB-style CSVs to publish instead of the simulation; null = simulate
 * @param csvOut              write every published sample here (null = no file)
 */
public record SimulatorSettings(int streams, double rateHz, long seed, double durationSeconds, double startMillis,
                                boolean realtime, double speed, int batch, List<String> faultSpecs, double randomFaultsPerHour,
                                boolean labels, double labelDelaySeconds, double labelMissing, double labelWrong,
                                double labelWrongFromSeconds, String sensorTopic,
                                String labelTopic, String streamPrefix, Path replay, Path csvOut) {
    public SimulatorSettings {
        if (streams < 1 || streams > 100_000) {
            throw new IllegalArgumentException("--streams: expected 1 to 100000, got " + streams);
        }
        if (!(rateHz > 0) || rateHz > 10_000) {
            throw new IllegalArgumentException("--rate: expected more than 0 and at most 10000 samples per second, got " + rateHz);
        }
        if (durationSeconds < 0 || randomFaultsPerHour < 0 || labelDelaySeconds < 0 || labelWrongFromSeconds < 0) {
            throw new IllegalArgumentException("--duration, --random-faults, --label-delay and --label-wrong-from must "
                    + "not be negative");
        }
        if (!(speed >= 1) || speed > 1000) {
            throw new IllegalArgumentException("--speed: expected 1 (real time) to 1000, got " + speed);
        }
        if (batch < 1 || batch > 10_000) {
            throw new IllegalArgumentException("--batch: expected 1 to 10000 samples per message, got " + batch);
        }
        if (labelMissing < 0 || labelMissing > 1 || labelWrong < 0 || labelWrong > 1) {
            throw new IllegalArgumentException("--label-missing and --label-wrong are fractions from 0 to 1, e.g. 0.05 for 5 %");
        }
        for (String t : new String[]{sensorTopic, labelTopic}) {
            if (t == null || !t.contains("{stream}") || t.contains("+") || t.contains("#")) {
                throw new IllegalArgumentException("topics must contain {stream} and no wildcard (+ or #), got " + t);
            }
        }
        faultSpecs = List.copyOf(faultSpecs);
    }

    /** 20 pumps at 10 samples/s, seed 1, until stopped, realtime, no faults, labels on time, the example topics. */
    public static SimulatorSettings defaults(double startMillis) {
        return new SimulatorSettings(20, 10, 1, 0, startMillis, true, 1, 1, List.of(), 0, true, 0, 0, 0, 0,
                "factory/line3/{stream}/sensors", "factory/line3/{stream}/labels", "pump", null, null);
    }

    public SimulatorSettings withStreams(int n) {
        return new SimulatorSettings(n, rateHz, seed, durationSeconds, startMillis, realtime, speed, batch, faultSpecs,
                randomFaultsPerHour, labels, labelDelaySeconds, labelMissing, labelWrong, labelWrongFromSeconds,
                sensorTopic, labelTopic, streamPrefix, replay, csvOut);
    }

    public SimulatorSettings withTiming(double rate, double duration, boolean paced) {
        return new SimulatorSettings(streams, rate, seed, duration, startMillis, paced, speed, batch, faultSpecs,
                randomFaultsPerHour, labels, labelDelaySeconds, labelMissing, labelWrong, labelWrongFromSeconds,
                sensorTopic, labelTopic, streamPrefix, replay, csvOut);
    }

    public SimulatorSettings withFaults(List<String> specs, double perHour) {
        return new SimulatorSettings(streams, rateHz, seed, durationSeconds, startMillis, realtime, speed, batch, specs, perHour,
                labels, labelDelaySeconds, labelMissing, labelWrong, labelWrongFromSeconds, sensorTopic, labelTopic, streamPrefix,
                replay, csvOut);
    }

    public SimulatorSettings withLabels(boolean on, double delaySeconds, double missing, double wrong) {
        return new SimulatorSettings(streams, rateHz, seed, durationSeconds, startMillis, realtime, speed, batch, faultSpecs,
                randomFaultsPerHour, on, delaySeconds, missing, wrong, labelWrongFromSeconds, sensorTopic, labelTopic, streamPrefix,
                replay, csvOut);
    }

    public SimulatorSettings withTopics(String sensors, String labelsTopic) {
        return new SimulatorSettings(streams, rateHz, seed, durationSeconds, startMillis, realtime, speed, batch, faultSpecs,
                randomFaultsPerHour, labels, labelDelaySeconds, labelMissing, labelWrong, labelWrongFromSeconds,
                sensors, labelsTopic, streamPrefix, replay, csvOut);
    }

    public SimulatorSettings withSeed(long s) {
        return new SimulatorSettings(streams, rateHz, s, durationSeconds, startMillis, realtime, speed, batch, faultSpecs,
                randomFaultsPerHour, labels, labelDelaySeconds, labelMissing, labelWrong, labelWrongFromSeconds,
                sensorTopic, labelTopic, streamPrefix, replay, csvOut);
    }

    public SimulatorSettings withReplay(Path dir) {
        return new SimulatorSettings(streams, rateHz, seed, durationSeconds, startMillis, realtime, speed, batch, faultSpecs,
                randomFaultsPerHour, labels, labelDelaySeconds, labelMissing, labelWrong, labelWrongFromSeconds,
                sensorTopic, labelTopic, streamPrefix, dir, csvOut);
    }

    public SimulatorSettings withCsv(Path out) {
        return new SimulatorSettings(streams, rateHz, seed, durationSeconds, startMillis, realtime, speed, batch, faultSpecs,
                randomFaultsPerHour, labels, labelDelaySeconds, labelMissing, labelWrong, labelWrongFromSeconds,
                sensorTopic, labelTopic, streamPrefix, replay, out);
    }

    /** Paced at {@code factor} simulated seconds per wall second (see {@link #speed}). */
    public SimulatorSettings withSpeed(double factor) {
        return new SimulatorSettings(streams, rateHz, seed, durationSeconds, startMillis, realtime, factor, batch, faultSpecs,
                randomFaultsPerHour, labels, labelDelaySeconds, labelMissing, labelWrong, labelWrongFromSeconds,
                sensorTopic, labelTopic, streamPrefix, replay, csvOut);
    }

    /** Labels are wrong (share {@link #labelWrong}) only from {@code seconds} of simulated time on. */
    public SimulatorSettings withLabelWrongFrom(double seconds) {
        return new SimulatorSettings(streams, rateHz, seed, durationSeconds, startMillis, realtime, speed, batch, faultSpecs,
                randomFaultsPerHour, labels, labelDelaySeconds, labelMissing, labelWrong, seconds, sensorTopic,
                labelTopic, streamPrefix, replay, csvOut);
    }

    /** {@code samples} samples per message and stream (see {@link #batch}). */
    public SimulatorSettings withBatch(int samples) {
        return new SimulatorSettings(streams, rateHz, seed, durationSeconds, startMillis, realtime, speed, samples,
                faultSpecs, randomFaultsPerHour, labels, labelDelaySeconds, labelMissing, labelWrong,
                labelWrongFromSeconds, sensorTopic, labelTopic, streamPrefix, replay, csvOut);
    }
}
