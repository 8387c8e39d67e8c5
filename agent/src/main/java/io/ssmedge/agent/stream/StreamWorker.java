package io.ssmedge.agent.stream;

import io.ssmedge.agent.labels.LabelJoin;
import io.ssmedge.agent.labels.LiveScore;
import io.ssmedge.agent.metrics.AgentMetrics;
import io.ssmedge.eval.Evaluator;
import io.ssmedge.inference.WindowedStream;
import io.ssmedge.model.InputNormalization;
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
 */
public final class StreamWorker implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(StreamWorker.class);
    private static final int BATCH = 256;

    private final int index;
    private final WorkerContext ctx;
    private final WorkerQueue queue;
    private final Map<String, StreamSession> sessions = new ConcurrentHashMap<>();
    private final AgentMetrics metrics;
    private final InputNormalization norm;
    private final int classes;
    // buffers reused for every message (this thread only)
    private final SampleBatch samples;
    private final LabelBatch labelBatch = new LabelBatch();
    private final float[] raw;   // (d_input)
    private final float[] u;     // (d_input) normalized
    private final float[] logp;  // (d_output)
    private final List<Prediction> due = new ArrayList<>();
    private volatile boolean stopping;
    private long lastInternalErrorLog;

    StreamWorker(int index, WorkerContext ctx, WorkerQueue queue) {
        this.index = index;
        this.ctx = ctx;
        this.queue = queue;
        this.metrics = ctx.metrics();
        this.norm = ctx.model().normalization();
        this.classes = ctx.model().outputSize();
        this.samples = new SampleBatch(ctx.model().inputSize());
        this.raw = new float[ctx.model().inputSize()];
        this.u = new float[ctx.model().inputSize()];
        this.logp = new float[classes];
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

    /** Feeds the message's samples to the stream; predictions of windows that end go to {@link #due}. */
    private void step(StreamSession s, InboundMessage m, long queueMicros, long start) {
        WindowedStream w = s.windows();
        double lastTs = Double.NaN;
        for (int i = 0; i < samples.count(); i++) {
            samples.copyRow(i, raw);
            norm.apply(raw, u);
            double ts = samples.ts(i);
            boolean fromSensor = !Double.isNaN(ts);
            if (fromSensor) {
                lastTs = ts;
            } else {
                ts = m.receivedMillis();
            }
            if (w.offer(u, logp)) {
                int cls = Evaluator.argmax(logp, 0, classes);
                s.predicted(ts, cls);
                long before = s.labels().unmatched();
                if (s.labels().onPrediction(ts, cls)) {
                    metrics.labelsMatched.increment();
                }
                metrics.labelsUnmatched.add(s.labels().unmatched() - before);
                due.add(new Prediction(s.id(), ts, fromSensor, cls, logp.clone(), queueMicros,
                        (System.nanoTime() - start) / 1000));
            }
        }
        s.accepted(samples.count(), lastTs);
        metrics.samples.add(samples.count());
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
            s = new StreamSession(id, new WindowedStream(ctx.model(), ctx.window()),
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
