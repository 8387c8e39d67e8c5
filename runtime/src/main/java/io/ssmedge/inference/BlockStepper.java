package io.ssmedge.inference;

import io.ssmedge.kernel.Kernels;
import io.ssmedge.model.SsmModel;
import io.ssmedge.model.StreamBlock;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * N live streams of one model, stepped together: the streams are split into blocks of at most
 * {@code blockSize} ({@link SsmModel#newBlock}), and each {@link #step} runs the blocks on at most
 * {@code workers} threads (the calling thread is one of them). For a gateway that receives one sample
 * per stream per tick. Not thread-safe: one caller at a time.
 */
public final class BlockStepper implements AutoCloseable {
    private final SsmModel model;
    private final int streams;       // N
    private final int blockSize;     // streams per block (the last block may hold fewer)
    private final StreamBlock[] blocks;
    private final float[][] u;       // [block] (blockSize, d_input)
    private final float[][] logp;    // [block] (blockSize, d_output)
    private final ExecutorService pool; // null with one worker
    private final List<Callable<Void>> shares; // shares 1..workers-1, run on the pool
    private float[] stepU;           // the arrays of the step in progress
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
        this.blockSize = Math.min(blockSize, streams);
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
        shares = new ArrayList<>();
        for (int i = 1; i < w; i++) {
            int share = i;
            shares.add(() -> {
                runShare(share, w);
                return null;
            });
        }
        pool = w == 1 ? null : Executors.newFixedThreadPool(w - 1, r -> {
            Thread t = new Thread(r, "ssm-edge-step");
            t.setDaemon(true);
            return t;
        });
    }

    public int streams() {
        return streams;
    }

    public int workers() {
        return shares.size() + 1;
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
        stepU = samples;
        stepLogp = out;
        if (pool == null) {
            runShare(0, 1);
            return;
        }
        try {
            List<Future<Void>> fs = new ArrayList<>(shares.size());
            for (Callable<Void> c : shares) {
                fs.add(pool.submit(c));
            }
            runShare(0, shares.size() + 1);
            for (Future<Void> f : fs) {
                f.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("step interrupted", e);
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            throw c instanceof RuntimeException ? (RuntimeException) c : new IllegalStateException(c);
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

    @Override
    public void close() {
        if (pool != null) {
            pool.shutdownNow();
        }
    }
}
