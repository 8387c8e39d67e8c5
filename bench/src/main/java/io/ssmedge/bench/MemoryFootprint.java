package io.ssmedge.bench;

import io.ssmedge.inference.BlockStepper;
import io.ssmedge.model.ModelInfo;
import io.ssmedge.model.SsmModel;
import io.ssmedge.model.StreamState;
import org.openjdk.jol.info.GraphLayout;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.Locale;

/**
 * Heap per 1000 streams, measured two ways (JOL's object-graph walk, and the heap delta after GC), next
 * to the analytic count of {@link ModelInfo} (float32 arrays only, no object headers). For single-stream
 * states ({@code newState}, recurrent state + scratch) and for batched blocks ({@code BlockStepper},
 * blocks of 64). Run: {@code java -cp bench/target/benchmarks.jar io.ssmedge.bench.MemoryFootprint}.
 */
public final class MemoryFootprint {
    static final int STREAMS = 1000;

    private MemoryFootprint() {
    }

    public static void main(String[] args) {
        String[] models = args.length > 0 ? args : new String[]{"s5-skab", "s5-large", "s4d-skab", "s4d-large", "s4d-large:pruned30"};
        System.out.println("| model | weights (analytic) | state/stream analytic (recurrent / with scratch) | "
                + "1000 newState(): JOL | heap Δ | 1000 streams in blocks of 64: analytic | JOL | heap Δ |");
        System.out.println("|---|---|---|---|---|---|---|---|");
        for (String spec : models) {
            String[] p = spec.split(":");
            SsmModel m = BenchModels.load(p[0]);
            if (p.length > 1) {
                m = BenchModels.variant(m, p[1]);
            }
            ModelInfo info = ModelInfo.of(m);
            long before = usedAfterGc();
            StreamState[] states = new StreamState[STREAMS];
            for (int i = 0; i < STREAMS; i++) {
                states[i] = m.newState();
            }
            long statesDelta = usedAfterGc() - before;
            long statesJol = GraphLayout.parseInstance((Object) states).totalSize();
            // JOL walks into the model through each state's owner field: subtract the model's own graph
            long modelJol = GraphLayout.parseInstance(m).totalSize();
            statesJol -= modelJol;
            states = null;
            before = usedAfterGc();
            BlockStepper stepper = new BlockStepper(m, STREAMS, 64, 1);
            long blocksDelta = usedAfterGc() - before;
            long blocksJol = GraphLayout.parseInstance(stepper).totalSize() - modelJol;
            long blocksAnalytic = stepper.totalBytes();
            stepper.close();
            System.out.println(String.format(Locale.ROOT, "| %s | %s | %s / %s | %s | %s | %s | %s | %s |", spec,
                    kib(info.weightBytes()), bytes(info.stateBytes()), bytes(info.stateBytesTotal()),
                    kib(statesJol), kib(statesDelta), kib(blocksAnalytic), kib(blocksJol), kib(blocksDelta)));
        }
        System.out.println("(KiB per 1000 streams; JOL excludes the shared model; heap Δ = used heap after System.gc() "
                + "with the streams alive minus before, so it includes anything else the JVM allocated meanwhile.)");
    }

    private static long usedAfterGc() {
        MemoryMXBean mx = ManagementFactory.getMemoryMXBean();
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 4; i++) {
            System.gc();
            used = Math.min(used, mx.getHeapMemoryUsage().getUsed());
        }
        return used;
    }

    private static String kib(long b) {
        return String.format(Locale.ROOT, "%.1f KiB", b / 1024.0);
    }

    private static String bytes(long b) {
        return b + " B";
    }
}
