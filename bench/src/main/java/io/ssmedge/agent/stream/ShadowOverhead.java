package io.ssmedge.agent.stream;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.Locale;

/**
 * The CPU cost of shadowing as thread CPU time (not wall time, so that other processes on a shared machine slow the
 * run down but change the figures much less than they change JMH's): the worker path of {@link ShadowOverheadBench}
 * with no shadow, an equal-size shadow and the LAST 30 % pruned shadow, in interleaved rounds (the order rotates
 * every round), median and quartiles of the CPU nanoseconds per message (= one sample of one stream).
 *
 * <pre>java --add-modules jdk.incubator.vector -Dssmedge.vector=true \
 *      -cp bench/target/benchmarks.jar io.ssmedge.agent.stream.ShadowOverhead [rounds]</pre>
 */
public final class ShadowOverhead {
    private static final String[] CASES = {"none", "equal", "pruned30"};
    private static final int PASSES = 4; // PAYLOADS messages of each stream, PASSES times, per measurement

    private ShadowOverhead() {
    }

    public static void main(String[] args) {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 21;
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        InboundMessage[][] messages = ShadowOverheadBench.messages();
        StreamWorker[] workers = new StreamWorker[CASES.length];
        for (int c = 0; c < CASES.length; c++) {
            workers[c] = ShadowOverheadBench.worker(CASES[c]);
            for (int warm = 0; warm < 20; warm++) { // JIT warm-up
                run(workers[c], messages);
            }
        }
        double[][] ns = new double[CASES.length][rounds];
        int perRun = ShadowOverheadBench.STREAMS * ShadowOverheadBench.PAYLOADS * PASSES;
        for (int r = 0; r < rounds; r++) {
            for (int k = 0; k < CASES.length; k++) {
                int c = (r + k) % CASES.length;
                long t0 = mx.getCurrentThreadCpuTime();
                run(workers[c], messages);
                ns[c][r] = (mx.getCurrentThreadCpuTime() - t0) / (double) perRun;
            }
        }
        double base = median(ns[0]);
        System.out.println("| shadow | CPU ns per message, median | quartiles | vs no shadow |");
        System.out.println("|---|---|---|---|");
        for (int c = 0; c < CASES.length; c++) {
            double[] s = ns[c].clone();
            Arrays.sort(s);
            System.out.printf(Locale.ROOT, "| %s | %.0f | %.0f – %.0f | %+.0f %% |%n", CASES[c], median(ns[c]),
                    s[s.length / 4], s[3 * s.length / 4], (median(ns[c]) / base - 1) * 100);
        }
        System.out.printf(Locale.ROOT, "(%d rounds of %d messages per case, %d streams, s5-skab, window %s)%n", rounds,
                perRun, ShadowOverheadBench.STREAMS, "60/8");
    }

    private static void run(StreamWorker w, InboundMessage[][] messages) {
        for (int p = 0; p < PASSES; p++) {
            for (int i = 0; i < ShadowOverheadBench.PAYLOADS; i++) {
                for (InboundMessage[] stream : messages) {
                    w.handleSafely(stream[i]);
                }
            }
        }
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }
}
