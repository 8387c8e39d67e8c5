package io.ssmedge.inference;

import io.ssmedge.data.WindowSet;
import io.ssmedge.model.SsmModel;
import io.ssmedge.model.StreamBlock;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs many windows through a model. Windows have equal length, so a block of windows runs in
 * lockstep through the batched step ({@link SsmModel#stepBlock}); worker threads take blocks of
 * windows one after another. The result of a window is the output at its last step.
 */
public final class BatchEvaluator {
    /** Windows per block: enough rows for the matrix kernels, small enough to share out over threads. */
    public static final int DEFAULT_BLOCK = 32;

    private BatchEvaluator() {
    }

    /** Worker threads to use by default: the machine's processors. */
    public static int defaultThreads() {
        return Runtime.getRuntime().availableProcessors();
    }

    /**
     * @param windows normalized windows (N, L, d_input)
     * @param threads worker threads (≥ 1)
     * @return (N, d_output) log-probabilities
     */
    public static float[] logProbabilities(SsmModel model, WindowSet windows, int threads, Progress progress) {
        return logProbabilities(model, windows, threads, DEFAULT_BLOCK, progress);
    }

    /**
     * @param windows   normalized windows (N, L, d_input)
     * @param threads   worker threads (≥ 1)
     * @param blockSize windows stepped together by one worker (≥ 1)
     * @return (N, d_output) log-probabilities
     */
    public static float[] logProbabilities(SsmModel model, WindowSet windows, int threads, int blockSize,
                                           Progress progress) {
        if (!windows.normalized()) {
            throw new IllegalArgumentException("windows must be normalized first (WindowSet.normalizedWith)");
        }
        if (windows.channels() != model.inputSize()) {
            throw new IllegalArgumentException("windows have " + windows.channels() + " channels, the model takes "
                    + model.inputSize());
        }
        if (threads < 1 || blockSize < 1) {
            throw new IllegalArgumentException("threads and block size must be at least 1, got " + threads + ", " + blockSize);
        }
        int n = windows.count();
        int out = model.outputSize();
        float[] logp = new float[n * out];
        AtomicInteger next = new AtomicInteger();
        AtomicInteger done = new AtomicInteger();
        int blockLen = Math.max(1, Math.min(blockSize, n));
        int workers = Math.max(1, Math.min(threads, (n + blockLen - 1) / blockLen));
        Runnable work = () -> {
            StreamBlock b = model.newBlock(blockLen);
            int d = windows.channels();
            float[] u = new float[blockLen * d];
            float[] lp = new float[blockLen * out];
            int len = windows.length();
            float[] x = windows.x();
            for (int start; (start = next.getAndAdd(blockLen)) < n; ) {
                int m = Math.min(n, start + blockLen) - start;
                b.resetAll();
                for (int t = 0; t < len; t++) {
                    for (int s = 0; s < m; s++) {
                        System.arraycopy(x, windows.offset(start + s) + t * d, u, s * d, d);
                    }
                    model.stepBlock(b, m, u, lp);
                }
                System.arraycopy(lp, 0, logp, start * out, m * out);
                progress.update(done.addAndGet(m), n);
            }
        };
        if (workers == 1) {
            work.run();
            return logp;
        }
        ExecutorService pool = Executors.newFixedThreadPool(workers, r -> {
            Thread t = new Thread(r, "ssm-edge-batch");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<?>> fs = new ArrayList<>();
            for (int i = 0; i < workers; i++) {
                fs.add(pool.submit(work));
            }
            for (Future<?> f : fs) {
                f.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("batch evaluation interrupted", e);
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof RuntimeException) {
                throw (RuntimeException) c;
            }
            throw new IllegalStateException(c);
        } finally {
            pool.shutdownNow();
        }
        return logp;
    }
}
