package io.ssmedge.train;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Splits n items into {@code threads} contiguous chunks, one per worker: worker w always gets the same
 * chunk [w·n/T, (w+1)·n/T), so per-worker sums are reproducible for a given thread count.
 */
public final class Parallel implements AutoCloseable {
    /** Work on items [from, to) by worker {@code worker}. */
    @FunctionalInterface
    public interface Chunk {
        void run(int worker, int from, int to);
    }

    private final int threads;
    private final ExecutorService pool; // null with one thread

    public Parallel(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be ≥ 1, got " + threads);
        }
        this.threads = threads;
        this.pool = threads == 1 ? null : Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "ssm-edge-train");
            t.setDaemon(true);
            return t;
        });
    }

    public int threads() {
        return threads;
    }

    public void run(int n, Chunk chunk) {
        if (pool == null) {
            chunk.run(0, 0, n);
            return;
        }
        List<Future<?>> fs = new ArrayList<>(threads);
        for (int w = 1; w < threads; w++) {
            int worker = w;
            fs.add(pool.submit(() -> chunk.run(worker, (int) ((long) worker * n / threads), (int) ((long) (worker + 1) * n / threads))));
        }
        chunk.run(0, 0, (int) ((long) n / threads));
        try {
            for (Future<?> f : fs) {
                f.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("training interrupted", e);
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof RuntimeException re) {
                throw re;
            }
            if (c instanceof Error er) {
                throw er;
            }
            throw new IllegalStateException(c);
        }
    }

    @Override
    public void close() {
        if (pool != null) {
            pool.shutdownNow();
        }
    }
}
