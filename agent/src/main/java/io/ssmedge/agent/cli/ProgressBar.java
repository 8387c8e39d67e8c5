package io.ssmedge.agent.cli;

import io.ssmedge.inference.Progress;

import java.io.PrintStream;

/**
 * A one-line progress bar on stderr, redrawn at most every 200 ms. Prints nothing when stderr is not a
 * terminal (logs and CI stay clean) unless forced.
 */
public final class ProgressBar implements Progress, AutoCloseable {
    private static final long REDRAW_NANOS = 200_000_000L;
    private final PrintStream out;
    private final String label;
    private final boolean enabled;
    private long lastDraw;
    private boolean drawn;

    public ProgressBar(String label) {
        this(label, System.err, System.console() != null);
    }

    public ProgressBar(String label, PrintStream out, boolean enabled) {
        this.label = label;
        this.out = out;
        this.enabled = enabled;
    }

    @Override
    public synchronized void update(long done, long total) {
        if (!enabled) {
            return;
        }
        long now = System.nanoTime();
        if (done < total && drawn && now - lastDraw < REDRAW_NANOS) {
            return;
        }
        lastDraw = now;
        drawn = true;
        int width = 30;
        int filled = total == 0 ? width : (int) (width * done / total);
        out.print("\r" + label + " [" + "#".repeat(filled) + " ".repeat(width - filled) + "] "
                + (total == 0 ? 100 : 100 * done / total) + "% " + done + "/" + total);
        out.flush();
    }

    /** Moves to a fresh line when something was drawn. */
    @Override
    public synchronized void close() {
        if (drawn) {
            out.println();
            out.flush();
            drawn = false;
        }
    }
}
