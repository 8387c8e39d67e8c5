package io.ssmedge.agent.stream;

import io.ssmedge.agent.deploy.Deployment;
import io.ssmedge.agent.deploy.DeploymentManager;
import io.ssmedge.agent.deploy.ModelVersion;
import io.ssmedge.agent.labels.LabelJoin;
import io.ssmedge.agent.labels.LabelWaiter;
import io.ssmedge.agent.labels.LiveScore;
import io.ssmedge.agent.metrics.AgentMetrics;
import io.ssmedge.eval.Evaluator;
import io.ssmedge.inference.WindowedStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Collection;
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

    private final int index;
    private final WorkerContext ctx;
    private final WorkerQueue queue;
    private final Map<String, StreamSession> sessions = new ConcurrentHashMap<>();
    private final AgentMetrics metrics;
    private final DeploymentManager deployments;
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
    private volatile boolean stopping;
    private long lastInternalErrorLog;

    StreamWorker(int index, WorkerContext ctx, WorkerQueue queue) {
        this.index = index;
        this.ctx = ctx;
        this.queue = queue;
        this.metrics = ctx.metrics();
        this.deployments = ctx.deployments();
        this.applied = deployments.current();
        int d = applied.serving().model().inputSize(); // every version reads the same channels (checked by the manager)
        this.classes = applied.serving().model().outputSize();
        this.samples = new SampleBatch(d);
        this.raw = new float[d];
        this.u = new float[d];
        this.logp = new float[classes];
        this.logpShadow = new float[classes];
        this.logpFinish = new float[classes];
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
                if (first == null) {
                    if (stopping) {
                        return;
                    }
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, BATCH - 1);
                pickUpDeployment();
                for (InboundMessage m : batch) {
                    handleSafely(m);
                }
                batch.clear();
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
     * else gets the serving model's windows carried when it is a pruned copy of it, else joins at the next window
     * start. The shadow model (stream in its share) keeps its windows or joins. Every model left over keeps
     * running, unpublished unless the serving model lacks a window it completes, until the serving model has all
     * its open windows.
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
            serving = new StreamSession.Running(d.serving(), carried
                    ? oldServing.windows().carryTo(d.serving().model(), plan)
                    : WindowedStream.joining(d.serving().model(), oldServing.windows()));
            // TODO(lead): re-warm a joining serving model from io.ssmedge.agent.journal's ring buffer once in main
        }
        StreamSession.Running shadow = null;
        if (d.shadows(s.id())) {
            shadow = find(old, d.shadow());
            if (shadow == null) {
                shadow = new StreamSession.Running(d.shadow(), WindowedStream.joining(d.shadow().model(), serving.windows()));
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
        } catch (RuntimeException e) {
            metrics.internalErrors.increment();
            long now = System.nanoTime();
            if (now - lastInternalErrorLog > 10_000_000_000L) { // at most one stack trace per 10 s
                lastInternalErrorLog = now;
                log.error("worker {}: unexpected failure on a message of stream '{}' (the message is skipped)", index,
                        m.stream(), e);
            }
        }
    }

    private void handle(InboundMessage m) {
        long start = System.nanoTime();
        long queueMicros = (start - m.receivedNanos()) / 1000;
        metrics.queueWait.record(queueMicros);
        StreamSession s = session(m.stream());
        if (s == null) {
            reject(null, m, RejectReason.TOO_MANY_STREAMS, "the agent already serves workers.max_streams = "
                    + ctx.maxStreams() + " streams; stream '" + m.stream() + "' is ignored");
            return;
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
        try {
            ctx.sensors().parse(m.payload(), samples);
            checkOrder(s, m);
        } catch (PayloadException e) {
            reject(s, m, e.reason(), e.getMessage());
            return;
        }
        step(s, m, queueMicros, start);
        long inferenceMicros = (System.nanoTime() - start) / 1000;
        metrics.inference.record(inferenceMicros);
        for (int i = 0; i < due.size(); i++) {
            ctx.sink().publish(due.get(i));
        }
        due.clear();
    }

    /** Every sample that carries a ts must be later than the stream's previous one (repeats are rejected). */
    private void checkOrder(StreamSession s, InboundMessage m) throws PayloadException {
        double prev = s.lastSensorTs();
        for (int i = 0; i < samples.count(); i++) {
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
    }

    /**
     * Feeds the message's samples to the stream's models; predictions of windows that end go to {@link #due}. A
     * window both serving and shadow completed is a pair for the {@link DeploymentManager}.
     */
    private void step(StreamSession s, InboundMessage m, long queueMicros, long start) {
        StreamSession.Running serving = s.serving();
        StreamSession.Running shadow = s.shadow();
        List<StreamSession.Running> finishing = s.finishing();
        double lastTs = Double.NaN;
        for (int i = 0; i < samples.count(); i++) {
            samples.copyRow(i, raw);
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
                LabelWaiter waiter = shadowEnded
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
        s.accepted(samples.count(), lastTs);
        metrics.samples.add(samples.count());
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

    private StreamSession session(String id) {
        StreamSession s = sessions.get(id);
        if (s == null) {
            if (!ctx.reserveStream()) {
                return null;
            }
            LiveScore score = new LiveScore(classes);
            Deployment d = applied;
            s = new StreamSession(id, new StreamSession.Running(d.serving(), new WindowedStream(d.serving().model(),
                    d.window())), d.shadows(id) ? new StreamSession.Running(d.shadow(), new WindowedStream(
                    d.shadow().model(), d.window())) : null,
                    new LabelJoin(ctx.labelSettings().joinWindowMs(), ctx.labelSettings().maxDelaySeconds() * 1000.0,
                            ctx.labelSettings().bufferPerStream(), score, ctx.overall()), score);
            sessions.put(id, s);
        }
        return s;
    }

    private void reject(StreamSession s, InboundMessage m, RejectReason reason, String message) {
        metrics.rejected(reason);
        if (s != null) {
            s.rejectedOne();
        }
        ctx.rejections().rejected(m.stream(), m.kind(), reason, message);
    }
}
