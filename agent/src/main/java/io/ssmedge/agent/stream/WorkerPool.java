package io.ssmedge.agent.stream;

import io.ssmedge.agent.config.WorkersConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import io.ssmedge.agent.journal.SampleRing;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The inference threads and the routing of messages to them. {@link #submit} is what the MQTT callback calls:
 * it only puts the message into the queue of the stream's worker (chosen by a hash of the stream id, so one
 * stream always lands on the same worker) and never runs inference.
 */
public final class WorkerPool {
    private static final Logger log = LoggerFactory.getLogger(WorkerPool.class);

    private final WorkerContext ctx;
    private final StreamWorker[] workers;
    private final Thread[] threads;
    private final boolean block; // workers.overflow: block

    /** Streams the heap holds (null when not checked). */
    public StreamMemory memory() {
        return ctx.memory();
    }

    public WorkerPool(WorkerContext ctx, WorkersConfig cfg) {
        this.ctx = ctx;
        this.block = cfg.overflow() == io.ssmedge.agent.config.OverflowPolicy.BLOCK;
        int n = cfg.threads();
        workers = new StreamWorker[n];
        threads = new Thread[n];
        for (int i = 0; i < n; i++) {
            workers[i] = new StreamWorker(i, ctx, new WorkerQueue(cfg.queueCapacity(), cfg.overflow()));
            threads[i] = new Thread(workers[i], "ssm-edge-worker-" + i);
        }
    }

    /**
     * Hands the streams an earlier run journaled to their workers, which rebuild their open windows (call before
     * {@link #start()}; with durability journal also when there are none: each worker then starts a fresh file).
     */
    public void restore(Map<String, SampleRing> rings) {
        List<Map<String, SampleRing>> per = new ArrayList<>();
        for (int i = 0; i < workers.length; i++) {
            per.add(new HashMap<>());
        }
        rings.forEach((id, ring) -> per.get(workerOf(id)).put(id, ring));
        for (int i = 0; i < workers.length; i++) {
            workers[i].restore(per.get(i));
        }
    }

    /**
     * Has the stream's worker forget the stream: windows, recent samples and last ts (it starts afresh with its next
     * sample). The reset-stream command.
     *
     * @return false when there is no such stream
     */
    public boolean reset(String stream) {
        StreamWorker w = workers[workerOf(stream)];
        if (!w.has(stream)) {
            return false;
        }
        w.queue().offer(InboundMessage.reset(stream));
        return true;
    }

    public void start() {
        if (ctx.journal() != null) { // after restore: every worker compacted its journal file
            ctx.journal().startPublishing(ctx.sink());
        }
        for (Thread t : threads) {
            t.start();
        }
    }

    /** Queues a message for its stream's worker; false when a message was dropped (overflow policy). */
    public boolean submit(InboundMessage m) {
        int dropped = workers[workerOf(m.stream())].queue().offer(m);
        if (dropped > 0) {
            ctx.metrics().dropped.add(dropped);
            return false;
        }
        return true;
    }

    /**
     * Queues a message without ever waiting ({@link io.ssmedge.agent.mqtt.MessageHandler#offer}): with overflow
     * block false when its worker's queue is full, and {@code whenRoom} runs once there is room again; with the drop
     * policies the same as {@link #submit} (a message may be dropped) and always true.
     */
    public boolean trySubmit(InboundMessage m, Runnable whenRoom) {
        if (!block) {
            submit(m);
            return true;
        }
        return workers[workerOf(m.stream())].queue().tryOffer(m, whenRoom);
    }

    int workerOf(String stream) {
        int h = stream.hashCode() * 0x9E3779B9; // spread similar ids (pump1, pump2, …)
        return Math.floorMod(h ^ (h >>> 16), workers.length);
    }

    public int workers() {
        return workers.length;
    }

    public int queueDepth(int worker) {
        return workers[worker].queue().size();
    }

    /** Every stream of every worker (a snapshot; the sessions themselves stay live). */
    public List<StreamSession> sessions() {
        List<StreamSession> all = new ArrayList<>();
        for (StreamWorker w : workers) {
            all.addAll(w.sessions());
        }
        return all;
    }

    /**
     * Lets the workers finish what is queued, then stops them.
     *
     * @return true when every worker finished within the timeout
     */
    public boolean drainAndStop(Duration timeout) {
        for (StreamWorker w : workers) {
            w.stop();
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        boolean clean = true;
        for (Thread t : threads) {
            try {
                t.join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (t.isAlive()) {
                clean = false;
                log.warn("{} did not finish its queue within {} s; stopping it", t.getName(), timeout.toSeconds());
                t.interrupt();
            }
        }
        return clean;
    }
}
