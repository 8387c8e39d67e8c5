package io.ssmedge.agent.rollout.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * The rollout journal {@code <data_dir>/rollout/events.jsonl}: one JSON object per line, appended and fsynced.
 * A crash during an append can leave a torn last line; opening the journal cuts it off (the event it held was
 * not acted on: the state file is written after the journal line). Keeps the last {@value #RECENT} events in
 * memory for the status.
 */
public final class EventJournal {
    public static final int RECENT = 50;
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Path file;
    private final CrashHook crash;
    private final Deque<ObjectNode> recent = new ArrayDeque<>();
    private long lines;

    public EventJournal(Path file, CrashHook crash) {
        this.file = file;
        this.crash = crash;
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            if (Files.exists(file)) {
                repair();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the rollout journal " + file + ": " + e.getMessage(), e);
        }
    }

    private void repair() throws IOException {
        byte[] all = Files.readAllBytes(file);
        int good = 0;
        int start = 0;
        for (int i = 0; i < all.length; i++) {
            if (all[i] == '\n') {
                String line = new String(all, start, i - start, StandardCharsets.UTF_8);
                try {
                    JsonNode n = JSON.readTree(line);
                    if (n instanceof ObjectNode o) {
                        remember(o);
                        lines++;
                    }
                } catch (IOException e) {
                    break;                           // a damaged line: cut here
                }
                good = i + 1;
                start = i + 1;
            }
        }
        if (good < all.length) {
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
                ch.truncate(good);
                ch.force(true);
            }
        }
    }

    private void remember(ObjectNode o) {
        recent.addLast(o);
        while (recent.size() > RECENT) {
            recent.removeFirst();
        }
    }

    /** Appends one event (durably) and remembers it. */
    public synchronized void append(ObjectNode event) {
        byte[] line = (event.toString() + "\n").getBytes(StandardCharsets.UTF_8);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND)) {
            ByteBuffer b = ByteBuffer.wrap(line);
            b.limit(line.length / 2);
            while (b.hasRemaining()) {
                ch.write(b);
            }
            crash.at("journal-half");
            b.limit(line.length);
            while (b.hasRemaining()) {
                ch.write(b);
            }
            ch.force(false);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot append to the rollout journal " + file + ": " + e.getMessage(), e);
        }
        lines++;
        remember(event);
    }

    public synchronized List<ObjectNode> recent() {
        return new ArrayList<>(recent);
    }

    public synchronized long lines() {
        return lines;
    }

    /** Every event in the file (for tests and the rehearsal summary). */
    public static List<ObjectNode> readAll(Path file) {
        List<ObjectNode> out = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                out.add((ObjectNode) JSON.readTree(line));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
        return out;
    }
}
