package io.ssmedge.agent.loadgen;

import java.io.PrintWriter;
import java.util.Locale;

/**
 * The measured result of a load run (the measured window after warm-up).
 *
 * @param targetSamplesPerSecond  what was asked for
 * @param sentSamplesPerSecond    what the generator achieved
 * @param predictionsPerSecond    predictions received
 * @param e2eP50Ms                sensor ts → prediction received by the generator, median
 * @param e2eP99Ms                … 99th percentile
 * @param e2eP999Ms               … 99.9th percentile
 * @param e2eMaxMs                … largest
 * @param daemonE2eP99Ms          the daemon's own end-to-end p99 (from the predictions' latency field)
 * @param dropped                 messages the daemon dropped during the run (-1 unknown)
 * @param rejected                messages the daemon rejected during the run (-1 unknown)
 * @param daemonRssBytes          the daemon's resident memory at the end (-1 unknown)
 * @param daemonStreams           streams the daemon serves (-1 unknown)
 * @param daemonCpuCores          the daemon's CPU time during the measured seconds / those seconds (-1 unknown;
 *                                its {@code process_cpu_seconds_total})
 * @param ownCpuCores             the load generator's own CPU time during the measured seconds / those seconds
 * @param worstPerSecondMs        the largest end-to-end latency received in each measured second (shows whether a
 *                                high percentile comes from one bad moment or from every second)
 * @param split                   where the end-to-end latency went ({@link LatencySplit}); null when no prediction
 *                                carried the agent's latency fields
 */
public record LoadReport(double targetSamplesPerSecond, double sentSamplesPerSecond, double predictionsPerSecond,
                         double e2eP50Ms, double e2eP99Ms, double e2eP999Ms, double e2eMaxMs, double daemonE2eP99Ms,
                         long dropped, long rejected, long daemonRssBytes, long daemonStreams,
                         double daemonCpuCores, double ownCpuCores, double[] worstPerSecondMs, Split split) {

    /**
     * The parts of the end-to-end latency ({@link LatencySplit}).
     *
     * @param beforeP99Ms   sample ts → handed to the agent's worker queue (load generator, broker, the agent's read), p99
     * @param workerP99Ms   the worker queue and the model, p99
     * @param afterP99Ms    handed to the agent's MQTT client → received here (agent's output, broker, this read), p99
     * @param slowestFromMs e2e from which a prediction counts as one of the slowest 1 %
     * @param largest       among those: how many had before, worker, after as their largest part, and how many in all
     */
    public record Split(double beforeP99Ms, double workerP99Ms, double afterP99Ms, double slowestFromMs, long[] largest) {
    }

    public void print(PrintWriter out, LoadSettings s) {
        out.printf(Locale.ROOT, "Load          %d streams × %.1f Hz = %.0f samples/s asked, %d sample%s per message, QoS %d, "
                        + "%d sender connection%s%n",
                s.streams(), s.rateHz(), targetSamplesPerSecond, s.batch(), s.batch() == 1 ? "" : "s", s.qos(),
                s.connections(), s.connections() == 1 ? "" : "s");
        out.printf(Locale.ROOT, "Sent          %.0f samples/s (%.1f %% of asked)%n", sentSamplesPerSecond,
                100 * sentSamplesPerSecond / targetSamplesPerSecond);
        out.printf(Locale.ROOT, "Predictions   %.1f per second received%n", predictionsPerSecond);
        out.printf(Locale.ROOT, "End to end    p50 %.2f ms, p99 %.2f ms, p99.9 %.2f ms, max %.2f ms "
                + "(sample ts to prediction received here)%n", e2eP50Ms, e2eP99Ms, e2eP999Ms, e2eMaxMs);
        StringBuilder worst = new StringBuilder();
        for (double w : worstPerSecondMs) {
            worst.append(worst.length() == 0 ? "" : " ").append(String.format(Locale.ROOT, "%.0f", w));
        }
        out.printf(Locale.ROOT, "Worst per s   %s ms (largest end-to-end latency in each measured second)%n", worst);
        out.printf(Locale.ROOT, "In the agent  p99 %.2f ms (sample ts to prediction handed to its MQTT client)%n",
                daemonE2eP99Ms);
        if (split != null) {
            out.printf(Locale.ROOT, "Parts, p99    before the worker %.2f ms, in the worker %.2f ms, after the worker %.2f ms "
                            + "(before: load generator, broker, agent's read; in: queue + model; after: agent's output, "
                            + "broker, read here)%n", split.beforeP99Ms(), split.workerP99Ms(), split.afterP99Ms());
            long[] c = split.largest();
            double all = Math.max(1, c[3]);
            out.printf(Locale.ROOT, "Slowest 1 %%    %d predictions of %.2f ms or more; largest part: before the worker in "
                            + "%.0f %%, in the worker %.0f %%, after %.0f %%%n", c[3], split.slowestFromMs(),
                    100 * c[0] / all, 100 * c[1] / all, 100 * c[2] / all);
        }
        if (dropped >= 0) {
            out.printf(Locale.ROOT, "Agent         %d dropped, %d rejected during the run; %d streams; RSS %.1f MB%n", dropped,
                    rejected, daemonStreams, daemonRssBytes / 1e6);
        } else {
            out.println("Agent         (no --metrics-url: drops and memory not read)");
        }
        if (daemonCpuCores >= 0) {
            out.printf(Locale.ROOT, "CPU           agent %.2f cores (%.1f µs per sample sent), load generator %.2f cores%n",
                    daemonCpuCores, 1e6 * daemonCpuCores / sentSamplesPerSecond, ownCpuCores);
        } else {
            out.printf(Locale.ROOT, "CPU           load generator %.2f cores%n", ownCpuCores);
        }
        out.flush();
    }
}
