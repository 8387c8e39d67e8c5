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
 */
public record LoadReport(double targetSamplesPerSecond, double sentSamplesPerSecond, double predictionsPerSecond,
                         double e2eP50Ms, double e2eP99Ms, double e2eP999Ms, double e2eMaxMs, double daemonE2eP99Ms,
                         long dropped, long rejected, long daemonRssBytes, long daemonStreams,
                         double daemonCpuCores, double ownCpuCores, double[] worstPerSecondMs) {

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
