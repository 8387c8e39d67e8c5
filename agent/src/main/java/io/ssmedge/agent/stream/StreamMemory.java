package io.ssmedge.agent.stream;

import io.ssmedge.agent.deploy.Deployment;
import io.ssmedge.agent.deploy.DeploymentManager;
import io.ssmedge.agent.journal.SampleRing;
import io.ssmedge.inference.WindowedStream;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.Comparator;
import java.util.Locale;
import java.util.function.DoubleSupplier;

/**
 * How many streams the heap can hold, so that more streams than it holds (a flood of new stream ids, or a model
 * larger than the heap was sized for) are refused one by one (reason {@code no_memory}, counted) instead of ending
 * the process with an OutOfMemoryError ({@code -XX:+ExitOnOutOfMemoryError} in deploy/jvm.options, after which
 * systemd restarts it into the same situation).
 *
 * <p>A stream's memory lives as long as the stream, so it ends up in the heap's old generation. The rule:
 * <pre>
 *   bytes per stream = compact state of the serving model's open windows
 *                    + shadow share × compact state of the shadow model's open windows
 *                    + recent-sample ring (ring capacity × (4 × channels + 8) bytes)
 *                    + OVERHEAD_BYTES (session, label join, live score, map entry, id)
 *   capacity         = old generation's maximum − heap in use when the agent started − HEADROOM × old maximum
 *   streams held     = min(workers.max_streams, floor(capacity / bytes per stream))
 * </pre>
 * and, whatever the estimate says, no new stream while the old generation is more than {@link #FULL_AFTER_GC} full
 * right after its last collection (live data the estimate does not count, e.g. label buffers of late labels).
 * Streams that exist are never removed by this; a larger deployment (a shadow model) lowers the figure for new ones.
 * The bytes per stream were measured with a class histogram after a full GC (issue #12, BENCHMARKS.md "Streams the
 * heap holds"): 8,880 bytes per stream for the bundled model at window 60 / stride 8 against this estimate's 9,712.
 */
public final class StreamMemory {
    private static final Logger log = LoggerFactory.getLogger(StreamMemory.class);
    /** Per-stream objects besides windows and ring: measured 1,216 bytes (stream ids of 8 characters); rounded up. */
    static final long OVERHEAD_BYTES = 2048;
    /**
     * Share of the old generation kept free for what the estimate does not count: the agent's own objects that come
     * after start (connection buffers, metrics, status history: 9.5 MB in use at start, 13.2 MB live later with 10
     * streams), queues, label buffers, a model switch, and room for the collector. With 10 % a 40 MB heap filled
     * its old generation to over 90 % and spent a fifth of a core in full collections (issue #12).
     */
    static final double HEADROOM = 0.25;
    /** Old generation at least this full after its last collection: no new streams. */
    static final double FULL_AFTER_GC = 0.90;

    private final long capacity;          // bytes streams may take in all
    private final long oldMax;            // bytes: the old generation's maximum
    private final long heapMax;           // bytes: -Xmx
    private final long inUse;             // bytes: heap in use when the agent started (without streams)
    private final int maxStreams;         // workers.max_streams
    private final DoubleSupplier fullAfterGc; // share of the old generation in use after its last collection
    private volatile long bytesPerStream = 1;
    private volatile int held;
    private volatile boolean updated;            // update() ran once (deployment changes come one at a time, under a lock)

    /**
     * @param oldMax      bytes the old generation may grow to
     * @param heapMax     the whole heap's maximum (for the -Xmx advice)
     * @param inUse       heap in use now (the agent without streams)
     * @param maxStreams  workers.max_streams
     * @param fullAfterGc share (0..1) of the old generation in use after its last collection, 0 when unknown
     */
    StreamMemory(long oldMax, long heapMax, long inUse, int maxStreams, DoubleSupplier fullAfterGc) {
        if (oldMax <= 0 || heapMax <= 0 || inUse < 0 || maxStreams < 1) {
            throw new IllegalArgumentException("StreamMemory: oldMax, heapMax and maxStreams must be > 0 and inUse "
                    + ">= 0, got " + oldMax + ", " + heapMax + ", " + inUse + ", " + maxStreams);
        }
        this.oldMax = oldMax;
        this.heapMax = heapMax;
        this.inUse = inUse;
        this.capacity = Math.max(0, oldMax - inUse - (long) (HEADROOM * oldMax));
        this.maxStreams = maxStreams;
        this.fullAfterGc = fullAfterGc;
        this.held = maxStreams;
    }

    /** For this JVM: its old generation (the heap pool that is neither eden nor survivor) and current heap use. */
    public static StreamMemory ofThisJvm(int maxStreams) {
        long heapMax = maxHeapSize();
        MemoryPoolMXBean old = oldGeneration();
        long oldMax = old == null || old.getUsage().getMax() <= 0 ? heapMax : Math.min(heapMax, old.getUsage().getMax());
        long inUse = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        DoubleSupplier full = () -> {
            MemoryUsage u = old == null ? null : old.getCollectionUsage(); // null where the pool has none
            return u == null || u.getMax() <= 0 ? 0 : (double) u.getUsed() / u.getMax();
        };
        return new StreamMemory(oldMax, heapMax, inUse, maxStreams, full);
    }

    /**
     * -Xmx in bytes (HotSpot's MaxHeapSize); Runtime.maxMemory() and the heap MXBean leave one survivor space out
     * (249 of 256 MB with Serial GC), which would make the -Xmx advice too small.
     */
    static long maxHeapSize() {
        try {
            return Long.parseLong(ManagementFactory.getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class)
                    .getVMOption("MaxHeapSize").getValue());
        } catch (RuntimeException | LinkageError notHotSpot) {
            return Runtime.getRuntime().maxMemory();
        }
    }

    /** The heap pool long-lived objects end in: "Tenured Gen" (Serial), "G1 Old Gen", "PS Old Gen", or the only one. */
    static MemoryPoolMXBean oldGeneration() {
        return ManagementFactory.getMemoryPoolMXBeans().stream()
                .filter(p -> p.getType() == MemoryType.HEAP && p.isValid())
                .filter(p -> !p.getName().toLowerCase(Locale.ROOT).matches(".*(eden|survivor).*"))
                .max(Comparator.comparingLong(p -> p.getUsage().getMax()))
                .orElse(null);
    }

    /** Follows the deployment: the figure is recomputed now and whenever models change. */
    public StreamMemory follow(DeploymentManager deployments) {
        update(deployments.current());
        deployments.addChangeListener(this::update);
        return this;
    }

    /**
     * Recomputes the bytes per stream and the streams held for a deployment; logs when a change of models makes the
     * heap hold fewer streams than workers.max_streams, or all of them again (the first figure is the caller's to log).
     */
    public void update(Deployment d) {
        boolean before = holdsMaxStreams();
        long b = bytesPerStream(d);
        bytesPerStream = b;
        held = (int) Math.min(maxStreams, capacity / b);
        if (updated && before != holdsMaxStreams()) {
            if (before) {
                log.warn("streams: {} ({}), fewer than workers.max_streams = {}: new streams beyond that are refused "
                        + "(no_memory); {}", describe(), d.transition(), maxStreams, advice());
            } else {
                log.info("streams: {} ({}); workers.max_streams = {} fit again", describe(), d.transition(), maxStreams);
            }
        }
        updated = true;
    }

    /** The estimate of one stream's memory under a deployment (the rule in the class comment). */
    public static long bytesPerStream(Deployment d) {
        // computed, not allocated: a WindowedStream here loaded the kernels at start, 1.1 MB more idle RSS (issue #12)
        long b = WindowedStream.compactStateBytes(d.serving().model(), d.window());
        if (d.shadow() != null) {
            b += Math.round(Math.min(1, d.shadowShare())
                    * WindowedStream.compactStateBytes(d.shadow().model(), d.window()));
        }
        return b + SampleRing.bytes(d.serving().model().channels().size(), WorkerContext.ringCapacity(d.window()))
                + OVERHEAD_BYTES;
    }

    /** Streams the heap holds at the current deployment (at most workers.max_streams). */
    public int held() {
        return held;
    }

    public long bytesPerStream() {
        return bytesPerStream;
    }

    /** Whether the heap holds all workers.max_streams streams. */
    public boolean holdsMaxStreams() {
        return held >= maxStreams;
    }

    /** Whether the old generation was over {@link #FULL_AFTER_GC} full after its last collection. */
    public boolean fullAfterGc() {
        return fullAfterGc.getAsDouble() > FULL_AFTER_GC;
    }

    /**
     * -Xmx in MB (a multiple of 16) that holds workers.max_streams streams at the current deployment, with the old
     * generation the same share of the heap: old × (1 − HEADROOM) − in use ≥ max_streams × bytes per stream.
     */
    public long suggestedHeapMb() {
        double old = (inUse + (double) maxStreams * bytesPerStream) / (1 - HEADROOM);
        double heap = old * heapMax / oldMax;
        return (long) Math.ceil(heap / (1 << 20) / 16) * 16;
    }

    /** One line for logs and rejections: how many streams, of what size, in what heap. */
    public String describe() {
        return String.format(Locale.ROOT, "the heap (at most %d MB, old generation %d MB) holds about %,d streams of %,.1f "
                + "KB each (the current model and window)", heapMax >> 20, oldMax >> 20, capacity / bytesPerStream,
                bytesPerStream / 1024.0);
    }

    /** What to change when the heap does not hold workers.max_streams streams. */
    public String advice() {
        return "raise the heap to -Xmx" + suggestedHeapMb() + "m (SSM_EDGE_JAVA_OPTS for ./ssm-edge, or "
                + "deploy/jvm.options for the service) or lower workers.max_streams";
    }
}
