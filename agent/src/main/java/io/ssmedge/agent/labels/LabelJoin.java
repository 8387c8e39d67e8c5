package io.ssmedge.agent.labels;

/**
 * Joins one stream's ground-truth labels to its predictions by sensor time. A label scores the unscored
 * prediction nearest to its ts when they are at most {@code windowMs} apart; each prediction and each label
 * counts once. Labels may come late (up to {@code maxDelayMs} of sensor time after their prediction) or early
 * (before the window ends); both sides wait in bounded buffers. Predictions arrive in ts order (the worker
 * rejects samples that go back in time), which lets a label that can no longer match be given up at once.
 *
 * <p>Memory: the buffers start small and double when full, up to {@code capacity}: a stream keeps about
 * max_delay_seconds of its predictions, few at a low rate (75 at one prediction per 8 s), and a stream without labels
 * needs no label buffer (with 10,000 streams the full-size buffers alone took 290 MB).
 *
 * <p>Not thread-safe: owned by the worker thread of its stream. Scores go to the stream's and the overall
 * {@link LiveScore}.
 */
public final class LabelJoin {
    private final double windowMs;
    private final double maxDelayMs;
    private final LiveScore stream;
    private final LiveScore overall;
    // predictions waiting for a label, oldest first (ring buffer)
    private double[] predTs;     // (capacity) sensor ts, ascending
    private int[] predClass;     // (capacity)
    private boolean[] predUsed;  // (capacity) already scored
    private LabelWaiter[] predWaiter; // (capacity) told the label or the give-up, null when none
    private int head;
    private int size;
    // labels that came before their prediction
    private double[] labelTs;    // (capacity)
    private int[] labelClass;    // (capacity)
    private int pending;
    private long matched;
    private long unmatched;
    private final int capacity;        // most predictions (and most early labels) kept
    private static final int FIRST = 8;

    public LabelJoin(double windowMs, double maxDelayMs, int capacity, LiveScore stream, LiveScore overall) {
        this.windowMs = windowMs;
        this.maxDelayMs = maxDelayMs;
        this.stream = stream;
        this.overall = overall;
        this.capacity = capacity;
        int first = Math.min(capacity, FIRST);
        predTs = new double[first];
        predClass = new int[first];
        predUsed = new boolean[first];
        predWaiter = new LabelWaiter[first];
        labelTs = new double[0];
        labelClass = new int[0];
    }

    /** Labels that scored a prediction. */
    public long matched() {
        return matched;
    }

    /** Labels given up: no prediction near enough, or too late, or pushed out of a full buffer. */
    public long unmatched() {
        return unmatched;
    }

    /** A prediction of this stream; returns true when a waiting label scored it. */
    public boolean onPrediction(double ts, int predicted) {
        return onPrediction(ts, predicted, null);
    }

    /**
     * A prediction of this stream whose label {@code waiter} (may be null) also waits for; returns true when a
     * waiting label scored it.
     */
    public boolean onPrediction(double ts, int predicted, LabelWaiter waiter) {
        expirePredictions(ts - maxDelayMs);
        int best = -1;
        double bestDist = Double.MAX_VALUE;
        for (int i = 0; i < pending; i++) {
            double d = Math.abs(labelTs[i] - ts);
            if (d <= windowMs && d < bestDist) {
                best = i;
                bestDist = d;
            }
        }
        boolean scored = best >= 0;
        if (scored) {
            score(labelClass[best], predicted);
            if (waiter != null) {
                waiter.labeled(predicted, labelClass[best]);
            }
            removeLabel(best);
        }
        // later predictions have larger ts: labels before ts - window can never be matched now
        for (int i = pending - 1; i >= 0; i--) {
            if (labelTs[i] < ts - windowMs) {
                removeLabel(i);
                unmatched++;
            }
        }
        if (size == predTs.length && predTs.length < capacity) {
            growPredictions();
        }
        if (size == predTs.length) {
            dropOldest();
        }
        int slot = (head + size) % predTs.length;
        predTs[slot] = ts;
        predClass[slot] = predicted;
        predUsed[slot] = scored;
        predWaiter[slot] = scored ? null : waiter;
        size++;
        return scored;
    }

    /** A label of this stream; returns true when it scored a prediction now. */
    public boolean onLabel(double ts, int actual) {
        int at = nearestUnused(ts);
        if (at >= 0) {
            int slot = (head + at) % predTs.length;
            predUsed[slot] = true;
            score(actual, predClass[slot]);
            LabelWaiter w = predWaiter[slot];
            if (w != null) {
                predWaiter[slot] = null;
                w.labeled(predClass[slot], actual);
            }
            return true;
        }
        double newest = size == 0 ? Double.NEGATIVE_INFINITY : predTs[(head + size - 1) % predTs.length];
        if (size > 0 && ts < newest - windowMs) {
            unmatched++; // its prediction has passed (or never existed)
            return false;
        }
        if (pending == labelTs.length && labelTs.length < capacity) {
            int n = Math.min(capacity, Math.max(FIRST, 2 * labelTs.length));
            labelTs = java.util.Arrays.copyOf(labelTs, n);
            labelClass = java.util.Arrays.copyOf(labelClass, n);
        }
        if (pending == labelTs.length) { // full: give up the oldest waiting label
            int oldest = 0;
            for (int i = 1; i < pending; i++) {
                if (labelTs[i] < labelTs[oldest]) {
                    oldest = i;
                }
            }
            removeLabel(oldest);
            unmatched++;
        }
        labelTs[pending] = ts;
        labelClass[pending++] = actual;
        return false;
    }

    private void score(int actual, int predicted) {
        matched++;
        stream.add(actual, predicted);
        overall.add(actual, predicted);
    }

    /** Index (0 = oldest) of the unscored prediction nearest to ts within the window, or -1. */
    private int nearestUnused(double ts) {
        int lo = 0;
        int hi = size;
        while (lo < hi) { // first index with predTs >= ts
            int mid = (lo + hi) >>> 1;
            if (predTs[(head + mid) % predTs.length] < ts) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        int best = -1;
        double bestDist = Double.MAX_VALUE;
        for (int i = lo - 1; i >= 0; i--) {
            double d = ts - predTs[(head + i) % predTs.length];
            if (d > windowMs) {
                break;
            }
            if (!predUsed[(head + i) % predTs.length]) {
                best = i;
                bestDist = d;
                break;
            }
        }
        for (int i = lo; i < size; i++) {
            double d = predTs[(head + i) % predTs.length] - ts;
            if (d > windowMs || d >= bestDist) {
                break;
            }
            if (!predUsed[(head + i) % predTs.length]) {
                best = i;
                break;
            }
        }
        return best;
    }

    private void expirePredictions(double oldest) {
        while (size > 0 && predTs[head] < oldest) {
            dropOldest();
        }
    }

    /** Forgets the oldest prediction; its waiter (if it never got a label) is told the join gave up. */
    private void dropOldest() {
        LabelWaiter w = predWaiter[head];
        if (w != null) {
            predWaiter[head] = null;
            w.labeled(predClass[head], -1);
        }
        head = (head + 1) % predTs.length;
        size--;
    }

    /** Doubles the prediction ring (at most to capacity), oldest first from index 0. */
    private void growPredictions() {
        int n = Math.min(capacity, 2 * predTs.length);
        double[] ts = new double[n];
        int[] cls = new int[n];
        boolean[] used = new boolean[n];
        LabelWaiter[] waiters = new LabelWaiter[n];
        for (int i = 0; i < size; i++) {
            int from = (head + i) % predTs.length;
            ts[i] = predTs[from];
            cls[i] = predClass[from];
            used[i] = predUsed[from];
            waiters[i] = predWaiter[from];
        }
        predTs = ts;
        predClass = cls;
        predUsed = used;
        predWaiter = waiters;
        head = 0;
    }

    private void removeLabel(int i) {
        pending--;
        labelTs[i] = labelTs[pending];
        labelClass[i] = labelClass[pending];
    }
}
