package io.ssmedge.agent.simulator;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayDeque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * The factory simulator: every 1/rate seconds each stream publishes one sample {@code {"ts":…,"values":[8]}} on its
 * sensor topic and (unless turned off) the true label {@code {"ts":…,"label":0|1}} on its label topic, possibly late,
 * missing or wrong as configured. Samples come from simulated pumps ({@link PumpStream}) or a replay of recorded
 * CSVs. Deterministic: the same settings give the same messages (only the pacing follows the clock).
 */
public final class Simulator {
    private static final DateTimeFormatter CSV_TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS", Locale.ROOT).withZone(ZoneOffset.UTC);

    /** Counts so far (read from any thread). */
    public static final class Counts {
        public final AtomicLong samples = new AtomicLong();
        public final AtomicLong faultySamples = new AtomicLong();
        public final AtomicLong labels = new AtomicLong();
        public final AtomicLong labelsMissing = new AtomicLong();
        public final AtomicLong labelsWrong = new AtomicLong();
        /** Rounds published (one sample per stream each): the simulated time is rounds / rate seconds. */
        public final AtomicLong rounds = new AtomicLong();
    }

    private record PendingLabel(long dueSample, String topic, byte[] payload) {
    }

    private final SimulatorSettings settings;
    private final SampleSource source;
    private final List<FaultEvent> faults;
    private final AtomicBoolean stop = new AtomicBoolean();
    private final Counts counts = new Counts();
    private final AtomicReference<StormRequest> stormRequest = new AtomicReference<>();
    private final List<Storm> storms = new CopyOnWriteArrayList<>();

    /**
     * A fault storm: from sample {@code startSample} on, a fault in every simulated pump (the kinds in turn) for
     * {@code samples} samples, and every label of those samples published wrong (as if the maintenance system
     * mislabelled the episode).
     */
    private record StormRequest(double atSeconds, double seconds) {
    }

    public record Storm(long startSample, long samples) {
        boolean covers(long i) {
            return i >= startSample && i < startSample + samples;
        }
    }

    public Simulator(SimulatorSettings settings) {
        this(settings, List.of());
    }

    /** A simulator that replays the given recordings (when not empty) instead of settings.replay(). */
    public Simulator(SimulatorSettings settings, List<java.nio.file.Path> replayFiles) {
        this.settings = settings;
        if (!replayFiles.isEmpty() || settings.replay() != null) {
            this.source = replayFiles.isEmpty() ? new ReplaySource(settings.replay())
                    : new ReplaySource(replayFiles, replayFiles.get(0).getParent());
            this.faults = List.of();
            if (!settings.faultSpecs().isEmpty() || settings.randomFaultsPerHour() > 0) {
                throw new IllegalArgumentException("--fault-at and --random-faults do not apply to --replay "
                        + "(a recording has its own faults and labels)");
            }
        } else {
            List<String> names = PumpSource.names(settings.streams(), settings.streamPrefix());
            this.faults = FaultSchedule.parse(settings.faultSpecs(), names, settings.rateHz());
            this.source = new PumpSource(settings, faults);
        }
    }

    public List<String> streams() {
        return source.streams();
    }

    /** The scheduled faults (random ones are decided while running). */
    public List<FaultEvent> scheduledFaults() {
        return faults;
    }

    public Counts counts() {
        return counts;
    }

    /**
     * Starts a fault storm ({@link Storm}) of {@code seconds} (simulated time) at the next round of samples; callable
     * from any thread while {@link #run} publishes (e.g. when a rollout stage is promoted). Simulated pumps only.
     */
    public void storm(double seconds) {
        stormAt(-1, seconds);
    }

    /** As {@link #storm}, at {@code atSeconds} of simulated time after the start (at once when already past). */
    public void stormAt(double atSeconds, double seconds) {
        if (!(source instanceof PumpSource)) {
            throw new IllegalStateException("a fault storm needs simulated pumps, not a replay");
        }
        if (!(seconds > 0)) {
            throw new IllegalArgumentException("a fault storm must last more than 0 s, got " + seconds);
        }
        stormRequest.set(new StormRequest(atSeconds, seconds));
    }

    /** The storms started so far. */
    public List<Storm> storms() {
        return List.copyOf(storms);
    }

    /** Asks {@link #run} to return after the current round of samples. */
    public void stop() {
        stop.set(true);
    }

    /**
     * Publishes until the duration is over, the replay has ended, or {@link #stop()}; returns the number of samples
     * published.
     */
    public long run(MessageSink sink) {
        List<String> names = source.streams();
        int n = names.size();
        String[] sensorTopics = new String[n];
        String[] labelTopics = new String[n];
        for (int s = 0; s < n; s++) {
            sensorTopics[s] = settings.sensorTopic().replace("{stream}", names.get(s));
            labelTopics[s] = settings.labelTopic().replace("{stream}", names.get(s));
        }
        double periodMs = 1000.0 / settings.rateHz();
        long maxSamples = settings.durationSeconds() > 0 ? Math.round(settings.durationSeconds() * settings.rateHz())
                : Long.MAX_VALUE;
        long labelDelay = Math.round(settings.labelDelaySeconds() * settings.rateHz());
        SplittableRandom labelRandom = new SplittableRandom(settings.seed() * 7_919L + 17);
        ArrayDeque<PendingLabel> pending = new ArrayDeque<>();
        float[] values = new float[PumpStream.CHANNELS.size()];
        long t0 = System.nanoTime();
        // paced at speed × rate samples per wall second; the ts stay simulated time (see SimulatorSettings.speed)
        double periodNanos = 1e9 / (settings.rateHz() * settings.speed());
        long wrongFrom = Math.round(settings.labelWrongFromSeconds() * settings.rateHz());
        Outbox out = new Outbox(sink, settings.batch());
        try (BufferedWriter csv = openCsv()) {
            long i = 0;
            for (; i < maxSamples && !stop.get(); i++) {
                if (settings.realtime()) {
                    long due = t0 + (long) (i * periodNanos);
                    long wait;
                    while ((wait = due - System.nanoTime()) > 0 && !stop.get()) {
                        LockSupport.parkNanos(Math.min(wait, TimeUnit.MILLISECONDS.toNanos(100)));
                    }
                }
                double ts = settings.startMillis() + i * periodMs;
                StormRequest req = stormRequest.get();
                if (req != null && i >= Math.round(req.atSeconds() * settings.rateHz()) && stormRequest.compareAndSet(req, null)) {
                    startStorm(i, Math.max(1, Math.round(req.seconds() * settings.rateHz())), n);
                }
                Storm storm = storms.isEmpty() ? null : storms.get(storms.size() - 1);
                boolean inStorm = storm != null && storm.covers(i);
                boolean any = false;
                for (int s = 0; s < n; s++) {
                    int label = source.next(s, i, ts, values);
                    if (label < 0) {
                        continue; // this recording has ended
                    }
                    any = true;
                    out.add(sensorTopics[s], sampleJson(ts, values));
                    counts.samples.incrementAndGet();
                    if (label == 1) {
                        counts.faultySamples.incrementAndGet();
                    }
                    if (csv != null) {
                        writeCsv(csv, names.get(s), ts, values, label, source.faultName(s));
                    }
                    if (settings.labels()) {
                        // drawn for every label whatever the settings, so the same seed keeps the same choices
                        double missing = labelRandom.nextDouble();
                        double wrong = labelRandom.nextDouble();
                        if (missing < settings.labelMissing()) {
                            counts.labelsMissing.incrementAndGet();
                        } else {
                            int published = label;
                            if (inStorm || i >= wrongFrom && wrong < settings.labelWrong()) {
                                published = 1 - label;
                                counts.labelsWrong.incrementAndGet();
                            }
                            pending.add(new PendingLabel(i + labelDelay, labelTopics[s], labelJson(ts, published)));
                        }
                    }
                }
                flushLabels(out, pending, i);
                if ((i + 1) % settings.batch() == 0) {
                    out.flush();
                }
                counts.rounds.incrementAndGet();
                if (!any) {
                    break; // every recording has ended
                }
            }
            flushLabels(out, pending, Long.MAX_VALUE); // what is still due goes out at the end
            out.flush();
            return counts.samples.get();
        } catch (IOException e) {
            throw new UncheckedIOException("simulator: cannot write " + settings.csvOut() + ": " + e.getMessage(), e);
        }
    }

    private void startStorm(long i, long samples, int streams) {
        PumpSource pumps = (PumpSource) source;
        for (int s = 0; s < streams; s++) {
            pumps.inject(new FaultEvent(s, i, samples, FaultKind.values()[s % FaultKind.values().length]));
        }
        storms.add(new Storm(i, samples));
    }

    private void flushLabels(Outbox out, ArrayDeque<PendingLabel> pending, long now) {
        while (!pending.isEmpty() && pending.peekFirst().dueSample() <= now) {
            PendingLabel p = pending.pollFirst();
            out.add(p.topic(), p.payload());
            counts.labels.incrementAndGet();
        }
    }

    /**
     * Publishes each message at once (batch 1), or collects them per topic and publishes each topic's as one
     * JSON array on {@link #flush()} (the sensor and label parsers take arrays of samples and of labels).
     */
    private static final class Outbox {
        private final MessageSink sink;
        private final int batch;
        private final Map<String, StringBuilder> open = new LinkedHashMap<>();

        Outbox(MessageSink sink, int batch) {
            this.sink = sink;
            this.batch = batch;
        }

        void add(String topic, byte[] json) {
            if (batch == 1) {
                sink.publish(topic, json);
                return;
            }
            StringBuilder b = open.computeIfAbsent(topic, t -> new StringBuilder(batch * 160).append('['));
            b.append(b.length() > 1 ? "," : "").append(new String(json, StandardCharsets.UTF_8));
        }

        void flush() {
            open.forEach((topic, b) -> sink.publish(topic, b.append(']').toString().getBytes(StandardCharsets.UTF_8)));
            open.clear();
        }
    }

    private BufferedWriter openCsv() throws IOException {
        if (settings.csvOut() == null) {
            return null;
        }
        if (settings.csvOut().getParent() != null) {
            Files.createDirectories(settings.csvOut().getParent());
        }
        BufferedWriter w = Files.newBufferedWriter(settings.csvOut(), StandardCharsets.UTF_8);
        w.write("stream;datetime;" + String.join(";", PumpStream.CHANNELS) + ";anomaly;fault\n");
        return w;
    }

    private static void writeCsv(BufferedWriter w, String stream, double ts, float[] v, int label, String fault)
            throws IOException {
        StringBuilder b = new StringBuilder(160).append(stream).append(';')
                .append(CSV_TIME.format(Instant.ofEpochMilli(Math.round(ts))));
        for (float x : v) {
            b.append(';').append(x);
        }
        w.write(b.append(';').append(label).append(';').append(fault).append('\n').toString());
    }

    static byte[] sampleJson(double ts, float[] v) {
        StringBuilder b = new StringBuilder(160).append("{\"ts\":").append(tsText(ts)).append(",\"values\":[");
        for (int c = 0; c < v.length; c++) {
            b.append(c == 0 ? "" : ",").append(v[c]);
        }
        return b.append("]}").toString().getBytes(StandardCharsets.UTF_8);
    }

    static byte[] labelJson(double ts, int label) {
        return ("{\"ts\":" + tsText(ts) + ",\"label\":" + label + "}").getBytes(StandardCharsets.UTF_8);
    }

    /** Whole milliseconds without a decimal point, else three decimals. */
    private static String tsText(double ts) {
        return ts == Math.rint(ts) ? Long.toString((long) ts) : String.format(Locale.ROOT, "%.3f", ts);
    }

    /** One line for the log: what was published. */
    public String summary() {
        return String.format(Locale.ROOT, "%d samples published (%d during faults), %d labels (%d left out, %d wrong)",
                counts.samples.get(), counts.faultySamples.get(), counts.labels.get(), counts.labelsMissing.get(),
                counts.labelsWrong.get());
    }
}
