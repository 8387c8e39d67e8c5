package io.ssmedge.agent.stream;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * What batching across streams buys inside one worker, as thread CPU time per sample (robust on a shared machine):
 * the worker path (parse, checks, step, prediction) for {@code streams} streams of s5-skab at its window 60 / stride 8,
 * each taking one one-sample message per pass, handled one message at a time ({@link StreamWorker#handleSafely}) or as
 * batches of {@code batch} messages ({@link StreamWorker#handleBatch}, as the worker's queue drain does), with no
 * shadow and with an equal-size shadow on every stream. Interleaved rounds; median and quartiles.
 *
 * <pre>java --add-modules jdk.incubator.vector -Dssmedge.vector=true \
 *      -cp bench/target/benchmarks.jar io.ssmedge.agent.stream.WorkerBatching [streams] [batch] [rounds]</pre>
 */
public final class WorkerBatching {
    private WorkerBatching() {
    }

    public static void main(String[] args) {
        int streams = args.length > 0 ? Integer.parseInt(args[0]) : 256;
        int batch = args.length > 1 ? Integer.parseInt(args[1]) : 256;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 11;
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        InboundMessage[][] messages = ShadowOverheadBench.messages(streams);
        String[] shadows = {"none", "equal"};
        int[] batches = {1, batch};
        int cases = shadows.length * batches.length;
        StreamWorker[] workers = new StreamWorker[cases];
        for (int c = 0; c < cases; c++) {
            workers[c] = ShadowOverheadBench.worker(shadows[c / batches.length], streams);
            for (int warm = 0; warm < 3; warm++) {
                run(workers[c], messages, batches[c % batches.length]);
            }
        }
        double[][] ns = new double[cases][rounds];
        long perRun = (long) streams * ShadowOverheadBench.PAYLOADS;
        for (int r = 0; r < rounds; r++) {
            for (int k = 0; k < cases; k++) {
                int c = (r + k) % cases;
                long t0 = mx.getCurrentThreadCpuTime();
                run(workers[c], messages, batches[c % batches.length]);
                ns[c][r] = (mx.getCurrentThreadCpuTime() - t0) / (double) perRun;
            }
        }
        System.out.println("| shadow | messages per batch | CPU ns per sample, median | quartiles | samples/s per core |");
        System.out.println("|---|---|---|---|---|");
        for (int c = 0; c < cases; c++) {
            double[] s = ns[c].clone();
            Arrays.sort(s);
            System.out.printf(Locale.ROOT, "| %s | %d | %.0f | %.0f – %.0f | %.0f |%n", shadows[c / batches.length],
                    batches[c % batches.length], s[s.length / 2], s[s.length / 4], s[3 * s.length / 4],
                    1e9 / s[s.length / 2]);
        }
        System.out.printf(Locale.ROOT, "(%d rounds of %d one-sample messages per case, %d streams, s5-skab, window 60/8)%n",
                rounds, perRun, streams);
    }

    private static void run(StreamWorker w, InboundMessage[][] messages, int batch) {
        List<InboundMessage> pending = new ArrayList<>(batch);
        for (int i = 0; i < ShadowOverheadBench.PAYLOADS; i++) {
            for (InboundMessage[] stream : messages) {
                if (batch == 1) {
                    w.handleSafely(stream[i]);
                    continue;
                }
                pending.add(stream[i]);
                if (pending.size() == batch) {
                    w.handleBatch(pending);
                    pending.clear();
                }
            }
        }
        if (!pending.isEmpty()) {
            w.handleBatch(pending);
        }
    }
}
