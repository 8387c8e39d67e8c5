package io.ssmedge.inference;

import io.ssmedge.kernel.Kernels;
import io.ssmedge.model.SsmModel;
import io.ssmedge.model.StreamBlock;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * N live streams of one model, stepped together: the streams are split into blocks of at most
 * {@code blockSize} and at most max(16, ⌈N / workers⌉) streams ({@link SsmModel#newBlock}), and each
 * {@link #step} runs the blocks on at most
 * {@code workers} threads (the calling thread is one of them; the others are daemon threads owned by
 * the stepper, which spin briefly between steps and then park). For a gateway that receives one sample
 * per stream per tick. Not thread-safe: one caller at a time; {@link #close} stops the threads.
 */
public final class BlockStepper implements AutoCloseable {
    /** Busy-wait iterations (about 50 µs) before a waiting thread parks. */
    private static final int SPIN = 1000;
    /** Streams are not split over workers into blocks smaller than this (one AVX-512 vector of floats). */
    private static final int MIN_SPLIT = 16;
    private final SsmModel model;
    private final int streams;       // N
    private final int blockSize;     // streams per block (the last block may hold fewer)
    private final StreamBlock[] blocks;
    private final float[][] u;       // [block] (blockSize, d_input)
    private final float[][] logp;    // [block] (blockSize, d_output)
    private final Thread[] helpers;  // workers 1..w-1 (worker 0 is the caller)
    private final AtomicInteger pending = new AtomicInteger();
    private volatile int generation; // bumped by each step; helpers run their share when it changes
    private volatile boolean closed;
    private volatile RuntimeException failure;
    private volatile Thread caller;
    private float[] stepU;           // the arrays of the step in progress (published by the generation write)
    private float[] stepLogp;

    public BlockStepper(SsmModel model, int streams, int blockSize, int workers) {
        this(model, streams, blockSize, workers, Kernels.preferred());
    }

    /** With an explicit matrix kernel for the blocks (to compare kernels). */
    public BlockStepper(SsmModel model, int streams, int blockSize, int workers, Kernels kernels) {
        if (streams < 1 || blockSize < 1 || workers < 1) {
            throw new IllegalArgumentException("streams, block size and workers must be at least 1");
        }
        this.model = model;
        this.streams = streams;
        // blocks of at most blockSize, and one per worker when there are enough streams, but not below
        // MIN_SPLIT streams: smaller blocks leave the loops over streams (S4D) without a full vector
        int perWorker = Math.max(MIN_SPLIT, (streams + workers - 1) / workers);
        this.blockSize = Math.min(Math.min(blockSize, perWorker), streams);
        int nb = (streams + this.blockSize - 1) / this.blockSize;
        blocks = new StreamBlock[nb];
        u = new float[nb][];
        logp = new float[nb][];
        for (int b = 0; b < nb; b++) {
            blocks[b] = model.newBlock(this.blockSize, kernels);
            u[b] = new float[this.blockSize * model.inputSize()];
            logp[b] = new float[this.blockSize * model.outputSize()];
        }
        int w = Math.min(workers, nb);
        helpers = new Thread[w - 1];
        for (int i = 1; i < w; i++) {
            int share = i;
            Thread t = new Thread(() -> helperLoop(share, w), "ssm-edge-step-" + i);
            t.setDaemon(true);
            helpers[i - 1] = t;
            t.start();
        }
    }

    public int streams() {
        return streams;
    }

    public int workers() {
        return helpers.length + 1;
    }

    /** Bytes of all blocks (states and scratch). */
    public long totalBytes() {
        long n = 0;
        for (StreamBlock b : blocks) {
            n += b.totalBytes();
        }
        return n;
    }

    /** Restarts stream i (start of its window). */
    public void reset(int stream) {
        blocks[stream / blockSize].reset(stream % blockSize);
    }

    /**
     * One sample for every stream.
     *
     * @param samples (N, d_input) normalized, row i for stream i (not modified)
     * @param out     (N, d_output) log-probabilities (written)
     */
    public void step(float[] samples, float[] out) {
        if (closed) {
            throw new IllegalStateException("stepper is closed");
        }
        stepU = samples;
        stepLogp = out;
        if (helpers.length == 0) {
            runShare(0, 1);
            return;
        }
        caller = Thread.currentThread();
        failure = null;
        pending.set(helpers.length);
        generation++; // publishes stepU/stepLogp to the helpers
        for (Thread t : helpers) {
            LockSupport.unpark(t);
        }
        runShare(0, helpers.length + 1);
        for (int spins = 0; pending.get() != 0; spins++) {
            if (spins < SPIN) {
                Thread.onSpinWait();
            } else {
                LockSupport.parkNanos(this, 50_000);
            }
        }
        RuntimeException f = failure;
        if (f != null) {
            throw f;
        }
    }

    /**
     * A helper thread: waits for the next generation (spinning briefly, since steps of a busy gateway
     * follow each other closely, then parking), runs its share of the blocks, reports done.
     */
    private void helperLoop(int share, int workers) {
        int seen = 0;
        while (true) {
            for (int spins = 0; generation == seen && !closed; spins++) {
                if (spins < SPIN) {
                    Thread.onSpinWait();
                } else {
                    LockSupport.park(this);
                }
            }
            if (closed) {
                return;
            }
            seen = generation;
            try {
                runShare(share, workers);
            } catch (RuntimeException e) {
                failure = e;
            }
            if (pending.decrementAndGet() == 0) {
                LockSupport.unpark(caller);
            }
        }
    }

    /** Blocks share, share + workers, … */
    private void runShare(int share, int workers) {
        int d = model.inputSize();
        int k = model.outputSize();
        for (int b = share; b < blocks.length; b += workers) {
            int first = b * blockSize;
            int m = Math.min(streams, first + blockSize) - first;
            System.arraycopy(stepU, first * d, u[b], 0, m * d);
            model.stepBlock(blocks[b], m, u[b], logp[b]);
            System.arraycopy(logp[b], 0, stepLogp, first * k, m * k);
        }
    }

    /** Stops the helper threads. */
    @Override
    public void close() {
        closed = true;
        for (Thread t : helpers) {
            LockSupport.unpark(t);
        }
    }
}
