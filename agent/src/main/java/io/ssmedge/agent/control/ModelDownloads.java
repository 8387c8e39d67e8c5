package io.ssmedge.agent.control;

import io.ssmedge.agent.mqtt.MqttConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;

/**
 * Models being received in chunks ({@link ModelChunks}), one per folder hash, each on its own broker connection
 * subscribed to {@code TOPIC/#}; the configurations waiting for a model are handed back (to be handled again)
 * when it is complete and verified, when it fails its check, or after {@link #TIMEOUT}. Thread-safe.
 */
final class ModelDownloads implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ModelDownloads.class);
    /** How long a model published in chunks may take to arrive completely. */
    static final Duration TIMEOUT = Duration.ofMinutes(10);

    /** One model being received, and what waits for it. */
    private static final class Download {
        final String topic;
        final ModelChunks chunks;
        final List<Runnable> waiting = new ArrayList<>();
        MqttConnection connection;

        Download(String topic, ModelChunks chunks) {
            this.topic = topic;
            this.chunks = chunks;
        }
    }

    private final ModelStore models;
    private final Executor inbox;
    private final Map<String, Download> running = new HashMap<>();
    private final Map<String, String> failed = new HashMap<>();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "ssm-edge-model-download");
        t.setDaemon(true);
        return t;
    });
    /** (topic filter, sha256) → a started connection delivering to {@link #message}; null without a broker (tests). */
    private volatile BiFunction<String, String, MqttConnection> connector;

    /** @param inbox where retries and messages run (the remote control's one thread) */
    ModelDownloads(ModelStore models, Executor inbox) {
        this.models = models;
        this.inbox = inbox;
    }

    void connectWith(BiFunction<String, String, MqttConnection> c) {
        this.connector = c;
    }

    /** Why the last attempt for this model failed (once), or null. */
    synchronized String takeFailure(String sha256) {
        return failed.remove(sha256);
    }

    /** Starts receiving the model (unless under way) and runs {@code retry} on the inbox when it is settled. */
    synchronized void await(String topic, String sha256, Runnable retry) {
        Download dl = running.get(sha256);
        if (dl == null) {
            dl = new Download(topic, new ModelChunks(sha256, models.downloadDir(sha256)));
            running.put(sha256, dl);
            BiFunction<String, String, MqttConnection> c = connector;
            if (c != null) {
                dl.connection = c.apply(topic + "/#", sha256);
            }
            timer.schedule(() -> inbox.execute(() -> fail(sha256, "not complete within " + TIMEOUT.toMinutes()
                    + " minutes")), TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        }
        dl.waiting.add(retry);
    }

    /** One message of a model topic. */
    synchronized void message(String topic, byte[] payload) {
        for (Map.Entry<String, Download> en : new ArrayList<>(running.entrySet())) {
            Download dl = en.getValue();
            if (!topic.startsWith(dl.topic + "/")) {
                continue;
            }
            try {
                if (dl.chunks.accept(topic.substring(dl.topic.length() + 1), payload)) {
                    Path folder = dl.chunks.assemble();
                    models.verifiedCopy(folder, en.getKey()); // checks the folder hash
                    log.info("model {} received and verified", en.getKey());
                    finish(en.getKey());
                }
            } catch (Refusal | IllegalArgumentException | IOException | UncheckedIOException ex) {
                fail(en.getKey(), ex.getMessage());
            }
        }
    }

    private synchronized void fail(String sha256, String reason) {
        if (!running.containsKey(sha256)) {
            return; // settled meanwhile
        }
        log.warn("model {} not received: {}", sha256, reason);
        failed.put(sha256, reason);
        finish(sha256);
    }

    private void finish(String sha256) {
        Download dl = running.remove(sha256);
        if (dl.connection != null) {
            MqttConnection c = dl.connection;
            timer.execute(() -> c.close(Duration.ofSeconds(2)));
        }
        ModelStore.deleteTree(models.downloadDir(sha256));
        dl.waiting.forEach(inbox::execute);
    }

    @Override
    public void close() {
        timer.shutdownNow();
        synchronized (this) {
            running.values().forEach(d -> {
                if (d.connection != null) {
                    d.connection.close(Duration.ofSeconds(2));
                }
            });
            running.clear();
        }
    }
}
