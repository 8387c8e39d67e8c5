package io.ssmedge.inference;

import io.ssmedge.data.WindowSet;
import io.ssmedge.model.SsmModel;
import io.ssmedge.model.StreamState;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs many windows through a model, multi-threaded over windows. Each worker owns one stream state
 * and runs the same streaming step as the daemon, resetting at every window start; the result of a
 * window is the output at its last step.
 */
public final class BatchEvaluator {
    private static final int CHUNK = 16;

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
        if (!windows.normalized()) {
            throw new IllegalArgumentException("windows must be normalized first (WindowSet.normalizedWith)");
        }
        if (windows.channels() != model.inputSize()) {
            throw new IllegalArgumentException("windows have " + windows.channels() + " channels, the model takes "
                    + model.inputSize());
        }
        int n = windows.count();
        int out = model.outputSize();
        float[] logp = new float[n * out];
        AtomicInteger next = new AtomicInteger();
        AtomicInteger done = new AtomicInteger();
        int workers = Math.max(1, Math.min(threads, (n + CHUNK - 1) / CHUNK));
        Runnable work = () -> {
            StreamState s = model.newState();
            float[] u = new float[windows.channels()];
            float[] lp = new float[out];
            int d = windows.channels();
            int len = windows.length();
            float[] x = windows.x();
            for (int start; (start = next.getAndAdd(CHUNK)) < n; ) {
                int end = Math.min(n, start + CHUNK);
                for (int w = start; w < end; w++) {
                    model.reset(s);
                    int base = windows.offset(w);
                    for (int t = 0; t < len; t++) {
                        System.arraycopy(x, base + t * d, u, 0, d);
                        model.step(s, u, lp);
                    }
                    System.arraycopy(lp, 0, logp, w * out, out);
                }
                progress.update(done.addAndGet(end - start), n);
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
