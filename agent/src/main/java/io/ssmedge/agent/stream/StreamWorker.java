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
import io.ssmedge.agent.logging.LogThrottle;
import io.ssmedge.agent.metrics.AgentMetrics;
import io.ssmedge.agent.mqtt.Ack;
import io.ssmedge.eval.Evaluator;
import io.ssmedge.inference.WindowSpec;
import io.ssmedge.inference.WindowedBatch;
import io.ssmedge.inference.WindowedStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
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
 * <p>Batching: the worker reads a whole batch of messages first ({@link #stage}: parse, check, journal, each accepted
 * sample into the staging area), then steps every stream that received samples together ({@link #flush}): per model
 * (serving, shadow, finishing) one {@link WindowedBatch} gathers those streams' windows, and round r steps the r-th
 * new sample of every stream that has one, so the kernels work on hundreds of rows instead of one stream's 8. Per
 * stream the samples are stepped in order and the predictions are those of stepping it alone; a label or reset of
 * a stream with staged samples steps the batch first, so it sees the stream as it would have one message at a time.
 * Messages are confirmed after the step that used them.
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
    // the batch being staged (this thread only; grown when needed, never shrunk)
    private final List<InboundMessage> unconfirmed = new ArrayList<>(BATCH); // confirmed after the next flush
    private final Runnable confirmUnconfirmed = () -> {
        for (int i = 0; i < unconfirmed.size(); i++) {
            confirm(unconfirmed.get(i));
        }
    };
    private float[] stagedRaw;                 // (staged samples, d_input) raw values
    private double[] stagedTs = new double[BATCH];          // (staged samples) sensor ts, or the arrival time
    private boolean[] stagedFromSensor = new boolean[BATCH]; // (staged samples) the ts came from the sensor
    private int[] stagedMessage = new int[BATCH];            // (staged samples) index of its message below
    private int stagedSamples;
    private long[] messageStart = new long[BATCH];           // (staged messages) when the worker took it, ns
    private long[] messageQueueMicros = new long[BATCH];     // (staged messages) time it waited in the queue
    private int stagedMessages;
    private StreamSession[] messageStream = new StreamSession[BATCH]; // (staged messages) its stream
    private int[] messageSamples = new int[BATCH];           // (staged messages) samples it brought
    private int[] dueMessage = new int[BATCH];               // (due) staged message of each prediction
    private int[] dueOrder = new int[BATCH];                 // (due) predictions grouped by message (journal)
    private int[] messageDue = new int[BATCH + 1];           // (staged messages + 1) start of each group
    private final List<Prediction> ofMessage = new ArrayList<>(); // one message's predictions (journal)
    private StreamSession[] pendingStreams = new StreamSession[BATCH]; // streams with staged samples
    private int pendingStreamCount;
    // per pending stream (same index, after sorting): where each of its models' windows sit in the batches
    private final Gathered serving = new Gathered();
    private final Gathered shadow = new Gathered();
    private final Gathered finishing = new Gathered();      // flat: finishing models of stream i at finishingFrom[i]..
    private int[] finishingFrom = new int[BATCH + 1];
    private final List<BatchSlot> batches = new ArrayList<>(4);
    private final JournalWriter journal; // null unless durability is journal
    private final long idleNanos;        // 0 = streams are never removed for idleness
    private final double maxFutureMillis;
    private volatile boolean stopping;
    private final LogThrottle internalErrorLog = new LogThrottle(Duration.ofSeconds(10)); // one stack trace per 10 s
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
        this.stagedRaw = new float[BATCH * d];
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
        int notRebuilt = 0;
        for (Map.Entry<String, SampleRing> e : rings.entrySet()) {
            RejectReason refused = ctx.reserveStream();
            if (refused != null) {
                if (notRebuilt++ == 0) { // one line for all of them: there may be thousands
                    log.warn("worker {}: journaled stream not rebuilt: {}", index, ctx.refusal(refused, e.getKey()));
                }
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
        if (notRebuilt > 0) {
            log.warn("worker {}: {} of {} journaled streams not rebuilt: their open windows are lost and their "
                    + "recent samples leave the journal; their next samples are refused while there is no place", index,
                    notRebuilt, rings.size());
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
        // a compact stream (the worker's own) steps in a batch of one, made for the replay (restart, model switch)
        WindowedBatch one = w.isCompact() ? new WindowedBatch(w.model(), w.spec(), 1) : null;
        if (one != null) {
            one.add(w);
        }
        for (long t = from; t < ring.total(); t++) {
            ring.copy((int) (t - oldest), raw);
            v.model().normalization().apply(raw, u);
            if (one != null) {
                one.sample(0, u);
                one.step(1);
            } else {
                w.offer(u, out);
            }
        }
        if (one != null) {
            one.release();
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
        WindowedStream w = WindowedStream.at(v.model(), window, from, at.isCompact());
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
                queue.tookMessages(); // a producer that found the queue full may go on
                pickUpDeployment();
                handleBatch(batch);
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
            batches.clear(); // gathering blocks of models no stream may run any more; made again on demand
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

    /** Processes one message (a batch of one); nothing a message holds can end the worker. */
    void handleSafely(InboundMessage m) {
        stage(m);
        flush();
    }

    /** Processes messages taken from the queue together: all read, then the models step once for all of them. */
    void handleBatch(List<InboundMessage> batch) {
        for (int i = 0; i < batch.size(); i++) {
            stage(batch.get(i));
        }
        flush();
    }

    /** Reads one message into the current batch; nothing a message holds can end the worker. */
    private void stage(InboundMessage m) {
        try {
            handle(m);
        } catch (RuntimeException e) {
            internalError(m.stream(), e);
        }
        unconfirmed.add(m); // a message that cannot be handled is confirmed too: delivering it again would not help
    }

    private void internalError(String stream, RuntimeException e) {
        metrics.internalErrors.increment();
        long n = internalErrorLog.due();
        if (n > 0) {
            log.error("worker {}: unexpected failure on a message of stream '{}' (the message is skipped; {} such "
                    + "failure{} since the previous one logged)", index, stream, n, n == 1 ? "" : "s", e);
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
            flushIfPending(sessions.get(m.stream()));
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
            flushIfPending(s); // the label join sees the predictions of the samples sent before the label
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
        if (journal != null && s.pendingCount() > 0) {
            flush(); // journal: one record per message with the predictions it completes, so one message per stream
        }
        stageSamples(s, m, from, queueMicros, start);
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
     * Puts the message's accepted samples into the staging area and the stream's recent samples; the models step
     * them in {@link #flush}.
     */
    private void stageSamples(StreamSession s, InboundMessage m, int from, long queueMicros, long start) {
        int d = samples.channels();
        int mi = stagedMessages++;
        if (mi == messageStart.length) {
            messageStart = Arrays.copyOf(messageStart, 2 * mi);
            messageQueueMicros = Arrays.copyOf(messageQueueMicros, 2 * mi);
            messageStream = Arrays.copyOf(messageStream, 2 * mi);
            messageSamples = Arrays.copyOf(messageSamples, 2 * mi);
        }
        messageStart[mi] = start;
        messageQueueMicros[mi] = queueMicros;
        messageStream[mi] = s;
        messageSamples[mi] = samples.count() - from;
        if (s.pendingCount() == 0) {
            if (pendingStreamCount == pendingStreams.length) {
                pendingStreams = Arrays.copyOf(pendingStreams, 2 * pendingStreamCount);
            }
            pendingStreams[pendingStreamCount++] = s;
        }
        SampleRing recent = s.recent();
        double lastTs = Double.NaN;
        for (int i = from; i < samples.count(); i++) {
            int row = stagedSamples++;
            if (row == stagedTs.length) {
                stagedTs = Arrays.copyOf(stagedTs, 2 * row);
                stagedFromSensor = Arrays.copyOf(stagedFromSensor, 2 * row);
                stagedMessage = Arrays.copyOf(stagedMessage, 2 * row);
                stagedRaw = Arrays.copyOf(stagedRaw, 2 * row * d);
            }
            samples.copyRow(i, raw);
            double ts = samples.ts(i);
            recent.add(ts, raw, 0);
            inputs.add(raw);
            System.arraycopy(raw, 0, stagedRaw, row * d, d);
            boolean fromSensor = !Double.isNaN(ts);
            if (fromSensor) {
                lastTs = ts;
            }
            stagedTs[row] = fromSensor ? ts : m.receivedMillis();
            stagedFromSensor[row] = fromSensor;
            stagedMessage[row] = mi;
            s.pend(row);
        }
        s.accepted(samples.count() - from, lastTs);
        metrics.samples.add(samples.count() - from);
    }

    /** Steps the batch now when this stream has staged samples (before a label or reset of it). */
    private void flushIfPending(StreamSession s) {
        if (s != null && s.pendingCount() > 0) {
            flush();
        }
    }

    /**
     * Steps every staged sample, publishes the predictions, then confirms the messages read since the last flush.
     */
    void flush() {
        if (pendingStreamCount > 0) {
            try {
                stepStaged();
            } catch (RuntimeException e) {
                internalError(pendingStreams[0].id(), e);
            } finally {
                for (int b = 0; b < batches.size(); b++) {
                    batches.get(b).batch.release();
                }
                for (int i = 0; i < pendingStreamCount; i++) {
                    pendingStreams[i].clearPending();
                    pendingStreams[i] = null;
                }
                pendingStreamCount = 0;
            }
            long now = System.nanoTime();
            for (int i = 0; i < stagedMessages; i++) {
                metrics.inference.record((now - messageStart[i]) / 1000);
            }
            if (journal != null) { // samples and their predictions in one record; published after its sync (Outbox)
                journalStaged();
            } else {
                for (int i = 0; i < due.size(); i++) {
                    ctx.sink().publish(due.get(i));
                }
            }
            due.clear();
            Arrays.fill(messageStream, 0, stagedMessages, null);
        }
        stagedSamples = 0;
        stagedMessages = 0;
        Ack.batch(confirmUnconfirmed); // their PUBACKs in one write (issue #12)
        unconfirmed.clear();
    }

    /**
     * Journals each staged message in order: its samples (the last ones of its stream's ring: with the journal a
     * stream has at most one message per flush, see {@link #handle}) with the predictions they completed.
     */
    private void journalStaged() {
        int m = stagedMessages;
        if (messageDue.length < m + 1) {
            messageDue = new int[2 * m + 1];
        }
        if (dueOrder.length < due.size()) {
            dueOrder = new int[2 * due.size()];
        }
        Arrays.fill(messageDue, 0, m + 1, 0);
        for (int j = 0; j < due.size(); j++) { // counting sort of the predictions by message
            messageDue[dueMessage[j] + 1]++;
        }
        for (int i = 0; i < m; i++) {
            messageDue[i + 1] += messageDue[i];
        }
        for (int j = 0; j < due.size(); j++) {
            dueOrder[messageDue[dueMessage[j]]++] = j; // messageDue[i] ends at the start of group i + 1
        }
        int first = 0;
        for (int i = 0; i < m; i++) {
            ofMessage.clear();
            for (int k = first; k < messageDue[i]; k++) {
                ofMessage.add(due.get(dueOrder[k]));
            }
            first = messageDue[i];
            journal.append(messageStream[i].id(), messageStream[i].recent(), messageSamples[i], ofMessage);
        }
        ofMessage.clear();
    }

    /**
     * The batched step. Streams sorted by staged samples, most first; every model's windows of them gathered into
     * one {@link WindowedBatch} per model; round r steps the r-th staged sample of the streams that have one (a
     * prefix of the sorted streams, so a prefix of every batch), then handles what each stream's models completed
     * at that sample exactly as the one-stream path did: the serving model's window is published (a pair when the
     * shadow completed it too), else the shadow's or a finishing model's. In passes of at most {@link #PASS_BYTES}
     * of window state; each stream's predictions keep their order.
     */
    private void stepStaged() {
        int n = pendingStreamCount;
        sortByPendingDescending(pendingStreams, n);
        for (int from = 0; from < n; ) {
            int to = passEnd(from, n);
            stepPass(from, to);
            for (int b = 0; b < batches.size(); b++) {
                batches.get(b).batch.release();
            }
            from = to;
        }
    }

    /**
     * Window state gathered per pass. A pass copies its streams' windows into the batches, steps them and copies
     * them back before the next pass gathers, so that the batches' blocks and the states just copied stay in the
     * core's cache (2 MB of L2 per core on the benchmark machine) instead of three trips through memory. Models with
     * states per channel (S4D: the bundled s4d-skab holds 133 KB per stream at window 60 / stride 8, 26 times the
     * S5 model's 5.2 KB) then step 8 streams per pass instead of up to 256 (issue #12, twelfth session).
     */
    static final long PASS_BYTES = 1L << 20;

    /** End (exclusive) of the pass starting at {@code from}: streams while their windows' state fits
     * {@link #PASS_BYTES} (at least one). */
    private int passEnd(int from, int n) {
        long bytes = 0;
        int i = from;
        while (i < n) {
            long b = windowBytes(pendingStreams[i]);
            if (i > from && bytes + b > PASS_BYTES) {
                break;
            }
            bytes += b;
            i++;
        }
        return i;
    }

    /** Bytes of a stream's window states over its models (serving, shadow, finishing). */
    private static long windowBytes(StreamSession s) {
        long b = s.serving().windows().stateBytes();
        if (s.shadow() != null) {
            b += s.shadow().windows().stateBytes();
        }
        List<StreamSession.Running> fin = s.finishing();
        for (int f = 0; f < fin.size(); f++) {
            b += fin.get(f).windows().stateBytes();
        }
        return b;
    }

    /** Steps the staged samples of pending streams {@code from..to-1} (sorted, most samples first). */
    private void stepPass(int from, int to) {
        int n = to - from;
        serving.clear();
        shadow.clear();
        finishing.clear();
        if (finishingFrom.length < n + 1) {
            finishingFrom = new int[2 * n + 1];
        }
        for (int i = 0; i < n; i++) {
            StreamSession s = pendingStreams[from + i];
            serving.add(gather(s.serving().windows(), i));
            shadow.add(s.shadow() == null ? null : gather(s.shadow().windows(), i));
            finishingFrom[i] = finishing.size;
            List<StreamSession.Running> fin = s.finishing();
            for (int f = 0; f < fin.size(); f++) {
                finishing.add(gather(fin.get(f).windows(), i));
            }
        }
        finishingFrom[n] = finishing.size;
        int rounds = pendingStreams[from].pendingCount();
        int alive = n;
        int d = samples.channels();
        for (int r = 0; r < rounds; r++) {
            while (pendingStreams[from + alive - 1].pendingCount() <= r) {
                alive--; // sorted: streams with no r-th sample are at the end
            }
            for (int i = 0; i < alive; i++) {
                StreamSession s = pendingStreams[from + i];
                System.arraycopy(stagedRaw, s.pending(r) * d, raw, 0, d);
                feed(serving, i, s.serving());
                if (shadow.slot[i] != null) {
                    feed(shadow, i, s.shadow());
                }
                for (int f = finishingFrom[i]; f < finishingFrom[i + 1]; f++) {
                    feed(finishing, f, s.finishing().get(f - finishingFrom[i]));
                }
            }
            for (int b = 0; b < batches.size(); b++) {
                BatchSlot slot = batches.get(b);
                int members = slot.membersBefore(alive);
                if (members > 0) {
                    slot.batch.step(members);
                }
            }
            for (int i = 0; i < alive; i++) {
                StreamSession s = pendingStreams[from + i];
                completed(s, i, s.pending(r));
            }
        }
        for (int i = 0; i < n; i++) {
            StreamSession s = pendingStreams[from + i];
            if (!s.finishing().isEmpty()) {
                StreamSession.Running now = s.serving();
                s.finishing().removeIf(r -> now.windows().covers(r.windows()));
            }
        }
    }

    /** Stream i's models after one round: publishes (or pairs) what they completed at staged sample {@code row}. */
    private void completed(StreamSession s, int i, int row) {
        double ts = stagedTs[row];
        boolean fromSensor = stagedFromSensor[row];
        int message = stagedMessage[row];
        StreamSession.Running serving = s.serving();
        StreamSession.Running shadow = s.shadow();
        boolean servingEnded = this.serving.ended(i, logp);
        boolean shadowEnded = shadow != null && this.shadow.ended(i, logpShadow);
        StreamSession.Running finisher = null;
        for (int f = finishingFrom[i]; f < finishingFrom[i + 1]; f++) {
            if (finisher == null && finishing.ended(f, logpFinish)) {
                finisher = s.finishing().get(f - finishingFrom[i]);
            }
        }
        if (servingEnded) {
            int cls = Evaluator.argmax(logp, 0, classes);
            // a pair: both models computed this window from its first sample on their own (no carried state)
            LabelWaiter waiter = shadowEnded && serving.lastWindowPure() && shadow.lastWindowPure()
                    ? deployments.paired(s.id(), ts, serving.version(), cls, shadow.version(),
                    Evaluator.argmax(logpShadow, 0, classes))
                    : null;
            emit(s, ts, fromSensor, cls, logp, serving.version(), waiter, message);
        } else if (shadowEnded) { // the serving model joined after this window started
            emit(s, ts, fromSensor, Evaluator.argmax(logpShadow, 0, classes), logpShadow, shadow.version(), null,
                    message);
        } else if (finisher != null) {
            emit(s, ts, fromSensor, Evaluator.argmax(logpFinish, 0, classes), logpFinish, finisher.version(), null,
                    message);
        }
    }

    /** The current staged sample ({@link #raw}), normalized as this model wants, into its gathered windows. */
    private void feed(Gathered g, int at, StreamSession.Running r) {
        r.version().model().normalization().apply(raw, u);
        g.slot[at].batch.sample(g.member[at], u);
    }

    /** Adds one stream's windows of a model to a batch of that model (made when none has room). */
    private BatchSlot gather(WindowedStream w, int stream) {
        BatchSlot slot = null;
        for (int b = 0; b < batches.size() && slot == null; b++) {
            BatchSlot c = batches.get(b);
            if (c.batch.fits(w) && c.batch.size() < c.batch.capacity()) {
                slot = c;
            }
        }
        if (slot == null) {
            // room for the streams a pass can hold (PASS_BYTES), as far as BATCH and max_streams allow
            long perPass = (PASS_BYTES - 1) / Math.max(1, w.stateBytes()) + 1;
            slot = new BatchSlot(new WindowedBatch(w.model(), w.spec(),
                    (int) Math.max(1, Math.min(perPass, Math.min(BATCH, ctx.maxStreams())))));
            batches.add(slot);
        }
        slot.streamOf[slot.batch.size()] = stream;
        gatheredMember = slot.batch.add(w);
        return slot;
    }

    private int gatheredMember; // member index of the last gather (avoids a pair object per stream)

    /** Insertion sort, most staged samples first; stable, and linear when the counts are mostly equal. */
    private static void sortByPendingDescending(StreamSession[] a, int n) {
        for (int i = 1; i < n; i++) {
            StreamSession x = a[i];
            int j = i - 1;
            while (j >= 0 && a[j].pendingCount() < x.pendingCount()) {
                a[j + 1] = a[j];
                j--;
            }
            a[j + 1] = x;
        }
    }

    /** A gathering block of one model and the pending stream (index after sorting) of each of its members. */
    private static final class BatchSlot {
        final WindowedBatch batch;
        final int[] streamOf; // (capacity)

        BatchSlot(WindowedBatch batch) {
            this.batch = batch;
            this.streamOf = new int[batch.capacity()];
        }

        /** Members whose stream index is below {@code alive} (a prefix: members are added in stream order). */
        int membersBefore(int alive) {
            int m = batch.size();
            while (m > 0 && streamOf[m - 1] >= alive) {
                m--;
            }
            return m;
        }
    }

    /** Where each pending stream's windows of one role (serving, shadow, finishing) were gathered. */
    private final class Gathered {
        BatchSlot[] slot = new BatchSlot[BATCH];
        int[] member = new int[BATCH];
        int size;

        void clear() {
            Arrays.fill(slot, 0, size, null);
            size = 0;
        }

        /** Adds the result of the {@link #gather} just made (or nothing, for null). */
        void add(BatchSlot s) {
            if (size == slot.length) {
                slot = Arrays.copyOf(slot, 2 * size);
                member = Arrays.copyOf(member, 2 * size);
            }
            slot[size] = s;
            member[size] = s == null ? -1 : gatheredMember;
            size++;
        }

        /** Whether entry i's model completed a window in the last round; its prediction then goes to out. */
        boolean ended(int i, float[] out) {
            WindowedBatch b = slot[i].batch;
            if (!b.ended(member[i])) {
                return false;
            }
            b.prediction(member[i], out);
            return true;
        }
    }

    private void emit(StreamSession s, double ts, boolean fromSensor, int cls, float[] p,
                      ModelVersion version, LabelWaiter pairWaiter, int message) {
        long queueMicros = messageQueueMicros[message];
        long start = messageStart[message];
        s.predicted(ts, cls);
        long before = s.labels().unmatched();
        LabelWaiter waiter = pairWaiter != null ? pairWaiter : deployments.scoreWaiter(version);
        if (s.labels().onPrediction(ts, cls, waiter)) {
            metrics.labelsMatched.increment();
        }
        metrics.labelsUnmatched.add(s.labels().unmatched() - before);
        if (due.size() == dueMessage.length) {
            dueMessage = Arrays.copyOf(dueMessage, 2 * due.size());
        }
        dueMessage[due.size()] = message;
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

    /**
     * Creates the stream of a valid message, or rejects the message when max_streams streams exist or the heap
     * holds no more.
     */
    private StreamSession session(InboundMessage m) {
        RejectReason refused = ctx.reserveStream();
        if (refused != null) {
            reject(null, m, refused, ctx.refusal(refused, m.stream()));
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
        // compact: the stream keeps its windows' states only; they step in the worker's batches
        return new StreamSession(id, new StreamSession.Running(d.serving(), WindowedStream.compact(d.serving().model(),
                d.window()), 0), d.shadows(id) ? new StreamSession.Running(d.shadow(), WindowedStream.compact(
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
