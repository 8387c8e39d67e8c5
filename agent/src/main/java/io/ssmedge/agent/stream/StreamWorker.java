package io.ssmedge.agent.stream;

import io.ssmedge.agent.config.Durability;
import io.ssmedge.agent.deploy.Deployment;
import io.ssmedge.agent.deploy.DeploymentManager;
import io.ssmedge.agent.deploy.InputAccumulator;
import io.ssmedge.agent.deploy.ModelVersion;
import io.ssmedge.agent.journal.JournalWriter;
import io.ssmedge.agent.journal.SampleRing;
import io.ssmedge.agent.labels.LabelJoin;
import io.ssmedge.agent.labels.LabelWaiter;
import io.ssmedge.agent.labels.LiveScore;
import io.ssmedge.agent.metrics.AgentMetrics;
import io.ssmedge.eval.Evaluator;
import io.ssmedge.inference.WindowSpec;
import io.ssmedge.inference.WindowedStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One inference thread. It owns a fixed share of the streams (the pool routes every message of a stream to the
 * same worker, so a stream's samples stay in order and its state is touched by one thread only), takes messages
 * from its queue in batches, reads them, steps the model and hands predictions to the sink.
 *
 * <p>A message is read completely before any of it touches the stream: a rejected message (bad JSON, NaN, wrong
 * number of values, …) leaves the stream's windows exactly as they were.
 *
 * <p>A stream is created only for a valid message (junk on new topic ids takes no place), and removed after
 * input.stream_idle_seconds without a message or by the reset-stream command. With {@code durability: journal}
 * every accepted message's samples and the predictions they complete go to the worker's journal in one record;
 * after the journal sync that covers it the message is confirmed to the broker and the predictions are published
 * (by the journal's {@link io.ssmedge.agent.journal.Outbox}: exactly once across crashes); with {@code processed}
 * the message is confirmed once handled. A stream rebuilt from the journal recognises samples the broker delivers again by their ts.
 *
 * <p>The per-stream step ({@link WindowedStream#offer}) happens in {@link #step}; batched multi-stream stepping can
 * replace it there, since each batch taken from the queue already groups the worker's streams.
 *
 * <p>Models: before each batch the worker reads the {@link DeploymentManager}'s current {@link Deployment} (one
 * volatile read) and, when it changed, moves all its streams to it ({@link #moveTo}). Per sample the serving model
 * steps, then the shadow model (streams in its share) and models still finishing windows; the serving model's
 * prediction is published, and a window only another model has (it joined later) is published from that model,
 * so every window is published exactly once.
 */
public final class StreamWorker implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(StreamWorker.class);
    private static final int BATCH = 256;
    private static final long IDLE_CHECK_NANOS = 1_000_000_000L;

    private final int index;
    private final WorkerContext ctx;
    private final WorkerQueue queue;
    private final Map<String, StreamSession> sessions = new ConcurrentHashMap<>();
    private final AgentMetrics metrics;
    private final DeploymentManager deployments;
    private final InputAccumulator inputs; // raw-input statistics for the rollout's drift check
    private Deployment applied;
    private final int classes;
    // buffers reused for every message (this thread only)
    private final SampleBatch samples;
    private final LabelBatch labelBatch = new LabelBatch();
    private final float[] raw;   // (d_input)
    private final float[] u;     // (d_input) normalized
    private final float[] logp;  // (d_output) serving model
    private final float[] logpShadow;  // (d_output) shadow model
    private final float[] logpFinish;  // (d_output) a model finishing its windows
    private final List<Prediction> due = new ArrayList<>();
    private final JournalWriter journal; // null unless durability is journal
    private final long idleNanos;        // 0 = streams are never removed for idleness
    private final double maxFutureMillis;
    private volatile boolean stopping;
    private long lastInternalErrorLog;
    private long lastIdleCheck = System.nanoTime();

    StreamWorker(int index, WorkerContext ctx, WorkerQueue queue) {
        this.index = index;
        this.ctx = ctx;
        this.queue = queue;
        this.metrics = ctx.metrics();
        this.deployments = ctx.deployments();
        this.applied = deployments.current();
        this.inputs = deployments.newInputAccumulator();
        int d = applied.serving().model().inputSize(); // every version reads the same channels (checked by the manager)
        this.classes = applied.serving().model().outputSize();
        this.samples = new SampleBatch(d);
        this.raw = new float[d];
        this.u = new float[d];
        this.logp = new float[classes];
        this.logpShadow = new float[classes];
        this.logpFinish = new float[classes];
        this.journal = ctx.journal() == null ? null : ctx.journal().writer(index);
        this.idleNanos = ctx.input().streamIdleSeconds() * 1_000_000_000L;
        this.maxFutureMillis = ctx.input().maxFutureSeconds() * 1000.0;
    }

    /**
     * Takes over the streams an earlier run journaled (before {@link #run}): each gets its place, its recent samples
     * and its open windows rebuilt by replaying them; then the journal file is rewritten with just those.
     */
    void restore(Map<String, SampleRing> rings) {
        for (Map.Entry<String, SampleRing> e : rings.entrySet()) {
            if (!ctx.reserveStream()) {
                log.warn("worker {}: journaled stream '{}' not rebuilt: workers.max_streams = {} reached", index,
                        e.getKey(), ctx.maxStreams());
                continue;
            }
            SampleRing ring = e.getValue();
            StreamSession s = newSession(e.getKey(), ring);
            rebuild(s.serving(), ring);
            if (s.shadow() != null) {
                rebuild(s.shadow(), ring);
            }
            sessions.put(e.getKey(), s);
        }
        if (journal != null) {
            compactJournal();
        }
    }

    /**
     * Replays the ring's samples so the windows open at the stream's sample count N are as before (see
     * {@link #replayStart}); what ends during the replay is not published again.
     */
    private void rebuild(StreamSession.Running r, SampleRing ring) {
        replay(r.windows(), r.version(), ring, replayStart(applied.window(), ring), raw, u, logp);
    }

    /**
     * Where a replay of the ring starts so the windows open at the stream's sample count N come out as if the model
     * had run all along. Fixed windows start at multiples of the stride; the open ones started after N − length, so
     * replay begins at the first multiple of the stride at or after max(0, N − length + 1): no window ends during
     * the replay (the first one ends at that start + length − 1 ≥ N) and a fresh stream starting there is aligned
     * with the original. The ring holds the last `length` samples, which covers that start. Continuous windows
     * cannot be rebuilt exactly (the state goes back to the stream's beginning); they are re-warmed on the ring's
     * samples, aligned to the stride.
     */
    private static long replayStart(WindowSpec window, SampleRing ring) {
        long n = ring.total();
        long oldest = n - ring.size();
        long stride = window.stride();
        long lo = window.continuous() ? oldest : Math.max(oldest, Math.max(0, n - window.length() + 1));
        return Math.min(n, (lo + stride - 1) / stride * stride);
    }

    /** Offers the ring's samples from stream sample {@code from} on to {@code w} (outputs discarded). */
    private static void replay(WindowedStream w, ModelVersion v, SampleRing ring, long from, float[] raw, float[] u,
                               float[] out) {
        long oldest = ring.total() - ring.size();
        for (long t = from; t < ring.total(); t++) {
            ring.copy((int) (t - oldest), raw);
            v.model().normalization().apply(raw, u);
            w.offer(u, out);
        }
    }

    /**
     * A serving model that neither runs on the stream nor can take a carried state, re-warmed from the stream's
     * recent samples: positioned some samples back on {@code at}'s count and fed them. Fixed windows open at count S
     * started after S − length, so the replay starts at the first window start at or after S − (length − 1): every
     * window open now is open in it, computed from its first sample (none is lost), and none ends during the replay
     * (nothing is published twice). Continuous windows are warmed on the whole ring, from a multiple of the stride.
     * Never further back than the ring holds or than {@code at} has counted (a stream rebuilt after a restart).
     */
    static StreamSession.Running rewarmed(ModelVersion v, WindowedStream at, SampleRing ring) {
        WindowSpec window = at.spec();
        long s = at.samples();
        long back = Math.min(ring.size(), window.continuous() ? ring.size() : window.length() - 1L);
        long lo = Math.max(0, s - back);
        long from = Math.min(s, (lo + window.stride() - 1) / window.stride() * window.stride());
        WindowedStream w = WindowedStream.at(v.model(), window, from);
        float[] raw = new float[ring.channels()];
        float[] u = new float[v.model().inputSize()];
        float[] out = new float[v.model().outputSize()];
        replay(w, v, ring, ring.total() - (s - from), raw, u, out); // the ring's last s − from samples
        return new StreamSession.Running(v, w, 0);
    }

    private void compactJournal() {
        Map<String, SampleRing> rings = new HashMap<>();
        sessions.forEach((id, s) -> rings.put(id, s.recent()));
        journal.compact(rings);
    }

    boolean has(String stream) {
        return sessions.containsKey(stream);
    }

    Collection<StreamSession> sessions() {
        return sessions.values();
    }

    WorkerQueue queue() {
        return queue;
    }

    /** Finish what is queued, then return from {@link #run}. */
    void stop() {
        stopping = true;
    }

    @Override
    public void run() {
        List<InboundMessage> batch = new ArrayList<>(BATCH);
        try {
            while (true) {
                InboundMessage first = queue.poll(100);
                removeIdleStreams();
                if (first == null) {
                    if (stopping) {
                        return;
                    }
                    pickUpDeployment(); // idle streams switch too (status pages, memory of a replaced model)
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, BATCH - 1);
                pickUpDeployment();
                for (InboundMessage m : batch) {
                    handleSafely(m);
                }
                batch.clear();
                if (journal != null && journal.full()) {
                    compactJournal();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            log.warn("worker {} interrupted with {} messages queued", index, queue.size());
        }
    }

    /** Moves every stream of this worker to the manager's current deployment when it changed (between batches). */
    void pickUpDeployment() {
        Deployment d = deployments.current();
        if (d != applied) {
            applied = d;
            for (StreamSession s : sessions.values()) {
                moveTo(s, d);
            }
        }
    }

    /**
     * Moves one stream to a deployment. The new serving model keeps its windows when the stream already runs it,
     * else gets the serving model's windows carried when it is a pruned copy of it, else is re-warmed from the
     * stream's recent samples ({@link #rewarmed}; the ring covers every open fixed window). The shadow model
     * (stream in its share) keeps its windows or joins. Every model left over keeps running, unpublished unless the
     * serving model lacks a window it completes, until the serving model has all its open windows.
     */
    static void moveTo(StreamSession s, Deployment d) {
        StreamSession.Running oldServing = s.serving();
        List<StreamSession.Running> old = new ArrayList<>(2 + s.finishing().size());
        old.add(oldServing);
        if (s.shadow() != null) {
            old.add(s.shadow());
        }
        old.addAll(s.finishing());
        StreamSession.Running serving = find(old, d.serving());
        boolean carried = false;
        if (serving == null) {
            int[][] plan = d.carryPlan(oldServing.version());
            carried = plan != null;
            WindowedStream from = oldServing.windows();
            serving = carried
                    ? new StreamSession.Running(d.serving(), from.carryTo(d.serving().model(), plan), from.samples())
                    : rewarmed(d.serving(), from, s.recent());
        }
        StreamSession.Running shadow = null;
        if (d.shadows(s.id())) {
            shadow = find(old, d.shadow());
            if (shadow == null) {
                shadow = new StreamSession.Running(d.shadow(), WindowedStream.joining(d.shadow().model(), serving.windows()),
                        0);
            }
        }
        List<StreamSession.Running> finishing = new ArrayList<>(1);
        for (StreamSession.Running r : old) {
            if (r != serving && r != shadow && !(carried && r == oldServing) && !serving.windows().covers(r.windows())) {
                finishing.add(r);
            }
        }
        s.runs(serving, shadow, finishing);
    }

    private static StreamSession.Running find(List<StreamSession.Running> runs, ModelVersion v) {
        for (StreamSession.Running r : runs) {
            if (r.version().equals(v)) {
                return r;
            }
        }
        return null;
    }

    /** Processes one message; nothing a message holds can end the worker. */
    void handleSafely(InboundMessage m) {
        try {
            handle(m);
            confirm(m);
        } catch (RuntimeException e) {
            confirm(m); // the message cannot be handled; the broker delivering it again would not help
            metrics.internalErrors.increment();
            long now = System.nanoTime();
            if (now - lastInternalErrorLog > 10_000_000_000L) { // at most one stack trace per 10 s
                lastInternalErrorLog = now;
                log.error("worker {}: unexpected failure on a message of stream '{}' (the message is skipped)", index,
                        m.stream(), e);
            }
        }
    }

    /** Tells the broker it may forget the message: now (processed), or after the journal sync (journal). */
    private void confirm(InboundMessage m) {
        if (journal != null && ctx.durability() == Durability.JOURNAL) {
            journal.afterSync(m.ack()::done);
        } else {
            m.ack().done();
        }
    }

    private void handle(InboundMessage m) {
        long start = System.nanoTime();
        if (m.kind() == InboundMessage.Kind.RESET) {
            remove(m.stream());
            return;
        }
        long queueMicros = (start - m.receivedNanos()) / 1000;
        metrics.queueWait.record(queueMicros);
        StreamSession s = sessions.get(m.stream());
        if (s == null) {
            String bad = StreamIds.problem(m.stream(), ctx.input().maxStreamIdLength());
            if (bad != null) {
                reject(null, m, RejectReason.BAD_STREAM_ID, bad);
                return;
            }
        }
        if (m.oversized()) {
            reject(s, m, RejectReason.TOO_LARGE, "message of " + m.size() + " bytes is larger than payload.max_bytes ("
                    + ctx.sensors().maxBytes() + ")");
            return;
        }
        if (m.kind() == InboundMessage.Kind.LABEL) {
            handleLabels(s, m);
            return;
        }
        int from;
        try {
            ctx.sensors().parse(m.payload(), samples);
            double now = Timestamps.nowMillis();
            for (int i = 0; i < samples.count(); i++) {
                if (!Double.isNaN(samples.ts(i))) {
                    Timestamps.plausible(samples.ts(i), now, maxFutureMillis);
                }
            }
            from = s == null ? 0 : checkOrder(s, m);
        } catch (PayloadException e) {
            reject(s, m, e.reason(), e.getMessage());
            return;
        }
        if (from == samples.count()) {
            return; // every sample was a repeat
        }
        if (s == null) { // the first valid message of a new stream
            s = session(m);
            if (s == null) {
                return;
            }
        }
        s.touched(start);
        step(s, m, from, queueMicros, start);
        long inferenceMicros = (System.nanoTime() - start) / 1000;
        metrics.inference.record(inferenceMicros);
        if (journal != null) { // samples and their predictions in one record; published after its sync (Outbox)
            journal.append(s.id(), s.recent(), samples.count() - from, due);
        } else {
            for (int i = 0; i < due.size(); i++) {
                ctx.sink().publish(due.get(i));
            }
        }
        due.clear();
    }

    /**
     * Every sample that carries a ts must be later than the stream's previous one. Leading samples the stream
     * already has (same ts among its recent samples: a repeat from the broker after a crash or reconnect) are
     * skipped and counted; any other sample that is not later is out of order and rejects the message.
     *
     * @return index of the first sample to use (count() when all were repeats)
     */
    private int checkOrder(StreamSession s, InboundMessage m) throws PayloadException {
        double prev = s.lastSensorTs();
        int from = 0;
        SampleRing recent = s.recent();
        while (from < samples.count() && !Double.isNaN(samples.ts(from)) && samples.ts(from) <= prev
                && recent.holds(samples.ts(from))) {
            from++;
        }
        if (from > 0) {
            metrics.repeatedSamples.add(from);
        }
        for (int i = from; i < samples.count(); i++) {
            double ts = samples.ts(i);
            if (Double.isNaN(ts)) {
                continue;
            }
            if (ts <= prev) {
                throw new PayloadException(RejectReason.OUT_OF_ORDER, "sample ts " + Timestamps.format(ts)
                        + " is not after the stream's previous sample " + Timestamps.format(prev)
                        + " (a repeated or late message; skipped)");
            }
            prev = ts;
        }
        return from;
    }

    /**
     * Feeds the message's samples to the stream's models; predictions of windows that end go to {@link #due}. A
     * window both serving and shadow completed is a pair for the {@link DeploymentManager}.
     */
    private void step(StreamSession s, InboundMessage m, int from, long queueMicros, long start) {
        SampleRing recent = s.recent();
        StreamSession.Running serving = s.serving();
        StreamSession.Running shadow = s.shadow();
        List<StreamSession.Running> finishing = s.finishing();
        double lastTs = Double.NaN;
        for (int i = from; i < samples.count(); i++) {
            samples.copyRow(i, raw);
            recent.add(samples.ts(i), raw, 0);
            inputs.add(raw);
            double ts = samples.ts(i);
            boolean fromSensor = !Double.isNaN(ts);
            if (fromSensor) {
                lastTs = ts;
            } else {
                ts = m.receivedMillis();
            }
            boolean servingEnded = offer(serving, logp);
            boolean shadowEnded = shadow != null && offer(shadow, logpShadow);
            StreamSession.Running finisher = null;
            for (int f = 0; f < finishing.size(); f++) {
                if (offer(finishing.get(f), logpFinish) && finisher == null) {
                    finisher = finishing.get(f);
                }
            }
            if (servingEnded) {
                int cls = Evaluator.argmax(logp, 0, classes);
                // a pair: both models computed this window from its first sample on their own (no carried state)
                LabelWaiter waiter = shadowEnded && serving.lastWindowPure() && shadow.lastWindowPure()
                        ? deployments.paired(s.id(), ts, serving.version(), cls, shadow.version(),
                        Evaluator.argmax(logpShadow, 0, classes))
                        : null;
                emit(s, m, ts, fromSensor, cls, logp, serving.version(), waiter, queueMicros, start);
            } else if (shadowEnded) { // the serving model joined after this window started
                emit(s, m, ts, fromSensor, Evaluator.argmax(logpShadow, 0, classes), logpShadow, shadow.version(), null,
                        queueMicros, start);
            } else if (finisher != null) {
                emit(s, m, ts, fromSensor, Evaluator.argmax(logpFinish, 0, classes), logpFinish, finisher.version(), null,
                        queueMicros, start);
            }
        }
        if (!finishing.isEmpty()) {
            finishing.removeIf(r -> serving.windows().covers(r.windows()));
        }
        s.accepted(samples.count() - from, lastTs);
        metrics.samples.add(samples.count() - from);
    }

    /** One normalized sample (the version's own normalization) into one model's windows. */
    private boolean offer(StreamSession.Running r, float[] out) {
        r.version().model().normalization().apply(raw, u);
        return r.windows().offer(u, out);
    }

    private void emit(StreamSession s, InboundMessage m, double ts, boolean fromSensor, int cls, float[] p,
                      ModelVersion version, LabelWaiter pairWaiter, long queueMicros, long start) {
        s.predicted(ts, cls);
        long before = s.labels().unmatched();
        LabelWaiter waiter = pairWaiter != null ? pairWaiter : deployments.scoreWaiter(version);
        if (s.labels().onPrediction(ts, cls, waiter)) {
            metrics.labelsMatched.increment();
        }
        metrics.labelsUnmatched.add(s.labels().unmatched() - before);
        due.add(new Prediction(s.id(), ts, fromSensor, cls, p.clone(), queueMicros, (System.nanoTime() - start) / 1000,
                version));
    }

    private void handleLabels(StreamSession s, InboundMessage m) {
        try {
            ctx.labels().parse(m.payload(), labelBatch);
        } catch (PayloadException e) {
            reject(s, m, e.reason(), e.getMessage());
            return;
        }
        if (s == null) {
            s = session(m);
            if (s == null) {
                return;
            }
        }
        LabelJoin join = s.labels();
        long before = join.unmatched();
        for (int i = 0; i < labelBatch.count(); i++) {
            metrics.labels.increment();
            if (join.onLabel(labelBatch.ts(i), labelBatch.label(i))) {
                metrics.labelsMatched.increment();
            }
        }
        metrics.labelsUnmatched.add(join.unmatched() - before);
    }

    /** Creates the stream of a valid message, or rejects the message when max_streams streams exist. */
    private StreamSession session(InboundMessage m) {
        if (!ctx.reserveStream()) {
            reject(null, m, RejectReason.TOO_MANY_STREAMS, "the agent already serves workers.max_streams = "
                    + ctx.maxStreams() + " streams; stream '" + m.stream() + "' is ignored");
            return null;
        }
        StreamSession s = newSession(m.stream(), new SampleRing(samples.channels(),
                WorkerContext.ringCapacity(applied.window())));
        sessions.put(m.stream(), s);
        return s;
    }

    private StreamSession newSession(String id, SampleRing recent) {
        LiveScore score = new LiveScore(classes);
        Deployment d = applied;
        return new StreamSession(id, new StreamSession.Running(d.serving(), new WindowedStream(d.serving().model(),
                d.window()), 0), d.shadows(id) ? new StreamSession.Running(d.shadow(), new WindowedStream(
                d.shadow().model(), d.window()), 0) : null,
                new LabelJoin(ctx.labelSettings().joinWindowMs(), ctx.labelSettings().maxDelaySeconds() * 1000.0,
                        ctx.labelSettings().bufferPerStream(), score, ctx.overall()), score, recent);
    }

    /** Forgets a stream: windows, recent samples, last ts and its place (reset-stream, or idle too long). */
    private void remove(String id) {
        if (sessions.remove(id) == null) {
            return;
        }
        ctx.releaseStream();
        metrics.streamsRemoved.increment();
        if (journal != null) {
            journal.forget(id);
        }
    }

    /** Removes the streams that sent nothing for input.stream_idle_seconds (checked about once a second). */
    private void removeIdleStreams() {
        long now = System.nanoTime();
        if (idleNanos <= 0 || now - lastIdleCheck < IDLE_CHECK_NANOS) {
            return;
        }
        lastIdleCheck = now;
        for (Iterator<StreamSession> it = sessions.values().iterator(); it.hasNext(); ) {
            StreamSession s = it.next();
            if (now - s.lastActiveNanos() > idleNanos) {
                log.info("stream '{}' removed: no message for {} s (input.stream_idle_seconds)", s.id(),
                        idleNanos / 1_000_000_000L);
                remove(s.id());
            }
        }
    }

    private void reject(StreamSession s, InboundMessage m, RejectReason reason, String message) {
        metrics.rejected(reason);
        if (s != null) {
            s.rejectedOne();
        }
        ctx.rejections().rejected(StreamIds.shown(m.stream()), m.kind(), reason, message);
    }
}
