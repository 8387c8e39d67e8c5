package io.ssmedge.agent.deploy;

import io.ssmedge.agent.labels.LabelWaiter;
import io.ssmedge.agent.labels.LiveScore;
import io.ssmedge.inference.WindowSpec;
import io.ssmedge.model.PrunedCopy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The one place that decides which model serves and which runs in shadow (one per agent, {@code Agent.deployments()}).
 * Every change publishes a new immutable {@link Deployment}; the workers pick it up between two batches of their
 * queues and move their streams (states carried, kept or started as described on each method). The methods return
 * once the new deployment is published, not when every worker has picked it up.
 *
 * <p>What a stream does at a change, whatever the change: a model it already runs keeps its warm windows; a serving
 * model that is a pruned copy of the one that served gets the open windows carried over
 * ({@link io.ssmedge.inference.WindowedStream#carryTo}); any other model joins at the next window start, and
 * windows it did not see from their first sample are finished and published by the model that had them. So no
 * window is published twice and none is lost.
 *
 * <p>Also keeps the live score per model version and hands paired windows to the {@link PairListener}s.
 */
public final class DeploymentManager {
    private static final Logger log = LoggerFactory.getLogger(DeploymentManager.class);

    private final boolean labelsExpected;
    private final List<PairListener> listeners = new CopyOnWriteArrayList<>();
    private final List<Consumer<Deployment>> changeListeners = new CopyOnWriteArrayList<>();
    private final Map<String, LiveScore> scores = new ConcurrentHashMap<>();
    private final Map<String, LabelWaiter> scoreWaiters = new ConcurrentHashMap<>();
    private final List<InputAccumulator> inputs = new CopyOnWriteArrayList<>();
    private volatile Deployment current;
    private volatile long lastListenerFailureLog;

    /**
     * @param initial        the model the agent starts with
     * @param window         the windowing of every stream
     * @param labelsExpected true when a label topic is configured: paired windows then wait for their label
     */
    public DeploymentManager(ModelVersion initial, WindowSpec window, boolean labelsExpected) {
        this.labelsExpected = labelsExpected;
        current = new Deployment(1, initial, null, 0, window, Map.of(), "start");
    }

    /** The deployment workers should run now (a volatile read). */
    public Deployment current() {
        return current;
    }

    public ModelVersion serving() {
        return current.serving();
    }

    public Optional<ModelVersion> shadow() {
        return Optional.ofNullable(current.shadow());
    }

    /**
     * Runs {@code candidate} beside the serving model on the share of streams, on the same samples; its predictions
     * are not published but paired with the serving model's ({@link #addListener}). Replaces any shadow.
     *
     * @param streamShare share of streams (0, 1]; each stream is in or out for good (a hash of its id)
     * @throws IllegalArgumentException when the candidate reads other channels or predicts other classes, or it is the
     *                                  serving model
     */
    public synchronized void startShadow(ModelVersion candidate, double streamShare) {
        if (!(streamShare > 0 && streamShare <= 1)) {
            throw new IllegalArgumentException("shadow stream share must be within (0, 1], got " + streamShare);
        }
        Deployment d = current;
        checkCompatible(d.serving(), candidate);
        if (candidate.equals(d.serving())) {
            throw new IllegalArgumentException("model " + candidate.shortVersion() + " is already serving");
        }
        publish(d, d.serving(), candidate, streamShare, "shadow started");
    }

    /** Stops the shadow model (windows it alone still has open are finished first). No-op without a shadow. */
    public synchronized void stopShadow() {
        Deployment d = current;
        if (d.shadow() != null) {
            publish(d, d.serving(), null, 0, "shadow stopped");
        }
    }

    /**
     * The shadow model serves from the next window end on; the model that served keeps running as shadow on every
     * stream (warm, so {@link #rollback} is instant).
     *
     * @throws IllegalStateException without a shadow model
     */
    public synchronized void promote() {
        Deployment d = current;
        if (d.shadow() == null) {
            throw new IllegalStateException("promote: no shadow model to promote (start one first)");
        }
        publish(d, d.shadow(), d.serving(), 1.0, "promoted");
    }

    /**
     * The shadow model (the one that served before {@link #promote}, warm) serves again at once; the model rolled
     * back from keeps running as shadow on every stream (call {@link #stopShadow} to drop it), so serving and
     * shadow simply swap.
     *
     * @throws IllegalStateException without a shadow model
     */
    public synchronized void rollback() {
        Deployment d = current;
        if (d.shadow() == null) {
            throw new IllegalStateException("rollback: no shadow model to roll back to");
        }
        publish(d, d.shadow(), d.serving(), 1.0, "rolled back");
    }

    /**
     * Serves {@code target} instead of the current model: a cold switch. Streams carry their windows when the
     * target is a pruned copy of the serving model and keep them when the target runs as shadow; otherwise each
     * worker re-warms the target from the stream's recent raw samples (its ring): the samples of the windows open
     * now are replayed into it, so with fixed windows it has every open window from its first sample and no window
     * is lost; a window the ring did not cover (continuous windows) is finished by the old model. No shadow runs
     * afterwards.
     */
    public synchronized void replaceServing(ModelVersion target) {
        Deployment d = current;
        checkCompatible(d.serving(), target);
        publish(d, target, null, 0, "replaced (re-warmed from up to " + rewarmSamples()
                + " recent samples of each stream where it cannot carry on)");
    }

    /**
     * Most recent samples per stream a cold switch ({@link #replaceServing}) replays into the new serving model:
     * the open windows' samples (length − 1) with fixed windows, the ring (the last max(256, stride) samples, as
     * {@code WorkerContext.ringCapacity}) with continuous ones.
     */
    public int rewarmSamples() {
        WindowSpec w = current.window();
        return w.continuous() ? Math.max(256, w.stride()) : w.length() - 1;
    }

    /** Paired windows go to {@code l} from now on (called on worker threads; it must be cheap and thread-safe). */
    public void addListener(PairListener l) {
        listeners.add(l);
    }

    public void removeListener(PairListener l) {
        listeners.remove(l);
    }

    /**
     * {@code l} is told every new deployment, on the thread that made the change, right after it is published (the
     * workers pick it up at their next batch). For things that show the serving model (metrics, logs).
     */
    public void addChangeListener(Consumer<Deployment> l) {
        changeListeners.add(l);
    }

    /** Live score of a model version's predictions (published or shadow) against joined labels. */
    public LiveScore score(ModelVersion v) {
        return scores.computeIfAbsent(v.version(), k -> new LiveScore(v.model().outputSize()));
    }

    /** Live scores by version string, of every version that made a labeled or unlabeled prediction so far. */
    public Map<String, LiveScore> scores() {
        return Map.copyOf(scores);
    }

    /**
     * Hands the raw-input blocks every worker accumulated since the last call to {@code sink} (input drift; call
     * from one thread only, e.g. the rollout's).
     *
     * @return samples handed over
     */
    public long drainInputs(InputAccumulator.BlockSink sink) {
        long n = 0;
        for (InputAccumulator a : inputs) {
            n += a.drainTo(sink);
        }
        return n;
    }

    // ---- used by the workers ----

    /** A new worker's accumulator of the raw samples it accepts (read by {@link #drainInputs}). */
    public InputAccumulator newInputAccumulator() {
        InputAccumulator a = new InputAccumulator(current.serving().model().inputSize());
        inputs.add(a);
        return a;
    }

    /**
     * What waits for the label of a published prediction of {@code v} alone: the version's live score. One object
     * per version, nothing allocated per prediction.
     */
    public LabelWaiter scoreWaiter(ModelVersion v) {
        return scoreWaiters.computeIfAbsent(v.version(), k -> {
            LiveScore s = score(v);
            return (predicted, label) -> {
                if (label >= 0) {
                    s.add(label, predicted);
                }
            };
        });
    }

    /**
     * A window both models completed: with labels configured, returns the waiter the label join must tell (it
     * scores both versions and then hands the pair to the listeners); without, hands the pair over now and
     * returns the serving version's score waiter.
     */
    public LabelWaiter paired(String stream, double endTs, ModelVersion serving, int servingClass, ModelVersion shadow,
                              int shadowClass) {
        if (!labelsExpected) {
            firePair(new PairedWindow(stream, (long) endTs, serving, servingClass, shadow, shadowClass, -1));
            return scoreWaiter(serving);
        }
        LiveScore a = score(serving);
        LiveScore b = score(shadow);
        return (predicted, label) -> {
            if (label >= 0) {
                a.add(label, servingClass);
                b.add(label, shadowClass);
            }
            firePair(new PairedWindow(stream, (long) endTs, serving, servingClass, shadow, shadowClass, label));
        };
    }

    private void firePair(PairedWindow w) {
        for (PairListener l : listeners) {
            try {
                l.onPair(w);
            } catch (RuntimeException e) { // a listener's bug must not stop the stream
                long now = System.nanoTime();
                if (now - lastListenerFailureLog > 10_000_000_000L) {
                    lastListenerFailureLog = now;
                    log.error("pair listener {} failed (paired window of stream '{}' skipped for it)", l, w.stream(), e);
                }
            }
        }
    }

    private void publish(Deployment d, ModelVersion serving, ModelVersion shadow, double share, String transition) {
        Map<String, int[][]> plans = new HashMap<>();
        for (ModelVersion from : new ModelVersion[]{d.serving(), d.shadow()}) {
            if (from != null && !from.equals(serving)) {
                try {
                    plans.put(from.version(), PrunedCopy.match(from.model(), serving.model()));
                } catch (IllegalArgumentException notPruned) {
                    // streams of `from` move to the new serving model without carrying state
                }
            }
        }
        Deployment next = new Deployment(d.generation() + 1, serving, shadow, share, d.window(), plans, transition);
        current = next;
        for (Consumer<Deployment> l : changeListeners) {
            try {
                l.accept(next);
            } catch (RuntimeException e) { // the switch has happened; a listener's bug must not undo or hide it
                log.error("deployment change listener {} failed", l, e);
            }
        }
        log.info("deployment {}: {}; serving {}{}", next.generation(), transition, serving,
                shadow == null ? "" : String.format(java.util.Locale.ROOT, ", shadow %s on %.0f %% of streams", shadow,
                        share * 100));
    }

    private static void checkCompatible(ModelVersion serving, ModelVersion other) {
        if (!other.model().channels().equals(serving.model().channels())) {
            throw new IllegalArgumentException("model " + other.shortVersion() + " reads channels "
                    + other.model().channels() + ", the agent's streams carry " + serving.model().channels());
        }
        if (!other.model().classes().equals(serving.model().classes())) {
            throw new IllegalArgumentException("model " + other.shortVersion() + " predicts classes "
                    + other.model().classes() + ", the serving model " + serving.model().classes());
        }
    }
}
