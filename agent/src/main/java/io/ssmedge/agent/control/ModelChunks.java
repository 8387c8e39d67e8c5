package io.ssmedge.agent.control;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A model folder published in chunks on a topic, e.g. {@code ssm-edge/models/SHA256}: the retained message
 * {@code TOPIC/manifest} ({@code {"kind": "model-manifest", "sha256": FOLDER_HASH, "chunk_bytes": N,
 * "files": [{"name": "model.safetensors", "bytes": …, "chunks": …}]}}) and one retained message per chunk,
 * {@code TOPIC/FILE/INDEX}, holding the raw bytes. Nothing here is signed: the signed configuration names the
 * folder hash, and the assembled folder is checked against it before use ({@link ModelStore}), so a forged
 * manifest or chunk can only make the delivery fail. Sizes are bounded so that a hostile manifest cannot fill the
 * disk or the memory.
 */
public final class ModelChunks {
    public static final String MANIFEST = "manifest";
    static final int MAX_FILES = 16;
    static final long MAX_TOTAL_BYTES = 1L << 30;
    static final int MAX_CHUNK_BYTES = 4 << 20;
    private static final Pattern FILE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

    /** One message to publish: sub-topic under the model topic, and its bytes. */
    public record Part(String subTopic, byte[] payload) {
    }

    private final String sha256;
    private final Path incoming;
    private Map<String, long[]> files; // name -> {bytes, chunks}
    private int chunkBytes;
    private final Map<String, BitSet> received = new LinkedHashMap<>();
    private final Map<String, Map<Integer, byte[]>> early = new LinkedHashMap<>();
    private long earlyBytes;

    ModelChunks(String sha256, Path incoming) {
        this.sha256 = sha256;
        this.incoming = incoming;
    }

    /** Splits a model folder into the messages to publish (operator side). */
    public static List<Part> split(Path folder, int chunkBytes) throws IOException {
        if (chunkBytes < 1024 || chunkBytes > MAX_CHUNK_BYTES) {
            throw new IllegalArgumentException("chunk size: expected 1024 to " + MAX_CHUNK_BYTES + " bytes");
        }
        String hash = ModelStore.folderHash(folder);
        List<Part> parts = new ArrayList<>();
        ObjectNode m = ControlJson.MAPPER.createObjectNode();
        m.put("kind", "model-manifest");
        m.put("sha256", hash);
        m.put("chunk_bytes", chunkBytes);
        ArrayNode fs = m.putArray("files");
        try (var list = Files.list(folder)) {
            for (Path f : list.sorted().toList()) {
                byte[] all = Files.readAllBytes(f);
                int n = Math.max(1, (all.length + chunkBytes - 1) / chunkBytes);
                String name = f.getFileName().toString();
                fs.addObject().put("name", name).put("bytes", all.length).put("chunks", n);
                for (int i = 0; i < n; i++) {
                    int from = i * chunkBytes;
                    parts.add(new Part(name + "/" + i, java.util.Arrays.copyOfRange(all, from,
                            Math.min(all.length, from + chunkBytes))));
                }
            }
        }
        parts.add(0, new Part(MANIFEST, ControlJson.bytes(m)));
        return parts;
    }

    /**
     * Takes one message of the model topic ({@code subTopic} is the part after {@code TOPIC/}).
     *
     * @return true when every chunk of every file is there
     * @throws IllegalArgumentException for a manifest or chunk that cannot belong to the model (delivery fails)
     */
    boolean accept(String subTopic, byte[] payload) {
        if (subTopic.equals(MANIFEST)) {
            if (files == null) {
                manifest(payload);
            }
        } else {
            int slash = subTopic.lastIndexOf('/');
            if (slash <= 0) {
                return complete();
            }
            String name = subTopic.substring(0, slash);
            int index;
            try {
                index = Integer.parseInt(subTopic.substring(slash + 1));
            } catch (NumberFormatException e) {
                return complete();
            }
            if (files == null) { // chunks may come before the manifest: hold a bounded amount
                earlyBytes += payload.length;
                if (earlyBytes > 64L << 20) {
                    throw new IllegalArgumentException("more than 64 MB of chunks arrived before the manifest");
                }
                early.computeIfAbsent(name, k -> new LinkedHashMap<>()).put(index, payload);
            } else {
                chunk(name, index, payload);
            }
        }
        return complete();
    }

    private void manifest(byte[] payload) {
        ObjectNode m;
        try {
            m = ControlJson.object(payload, Refusal.Code.MALFORMED, "the model manifest");
        } catch (Refusal r) {
            throw new IllegalArgumentException(r.getMessage());
        }
        if (!sha256.equals(m.path("sha256").asText())) {
            throw new IllegalArgumentException("the manifest is for model " + Documents.printable(m.path("sha256").asText())
                    + ", not " + sha256);
        }
        chunkBytes = m.path("chunk_bytes").asInt(0);
        if (chunkBytes < 1024 || chunkBytes > MAX_CHUNK_BYTES) {
            throw new IllegalArgumentException("manifest chunk_bytes out of range");
        }
        JsonNode fs = m.path("files");
        if (!fs.isArray() || fs.isEmpty() || fs.size() > MAX_FILES) {
            throw new IllegalArgumentException("manifest: expected 1 to " + MAX_FILES + " files");
        }
        Map<String, long[]> f = new LinkedHashMap<>();
        long total = 0;
        for (JsonNode e : fs) {
            String name = e.path("name").asText("");
            long bytes = e.path("bytes").asLong(-1);
            long chunks = e.path("chunks").asLong(-1);
            if (!FILE_NAME.matcher(name).matches() || bytes < 0 || chunks != Math.max(1, (bytes + chunkBytes - 1) / chunkBytes)) {
                throw new IllegalArgumentException("manifest: bad file entry " + Documents.printable(e.toString()));
            }
            total += bytes;
            f.put(name, new long[]{bytes, chunks});
            received.put(name, new BitSet());
        }
        if (total > MAX_TOTAL_BYTES) {
            throw new IllegalArgumentException("manifest: the model would have " + total + " bytes, at most "
                    + MAX_TOTAL_BYTES);
        }
        files = f;
        try {
            Files.createDirectories(incoming);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        early.forEach((name, m2) -> m2.forEach((i, b) -> chunk(name, i, b)));
        early.clear();
    }

    private void chunk(String name, int index, byte[] payload) {
        long[] f = files.get(name);
        if (f == null || index < 0 || index >= f[1]) {
            return; // not part of this model: ignored (the hash check would catch any use)
        }
        long expected = index < f[1] - 1 ? chunkBytes : f[0] - (f[1] - 1) * chunkBytes;
        if (payload.length != expected) {
            throw new IllegalArgumentException(name + " chunk " + index + ": " + payload.length + " bytes, expected "
                    + expected);
        }
        try {
            Files.write(incoming.resolve(name + ".part" + index), payload);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        received.get(name).set(index);
    }

    boolean complete() {
        if (files == null) {
            return false;
        }
        for (Map.Entry<String, long[]> e : files.entrySet()) {
            if (received.get(e.getKey()).cardinality() < e.getValue()[1]) {
                return false;
            }
        }
        return true;
    }

    /** Joins the chunks into a folder (incoming/folder); the caller verifies it against the hash. */
    Path assemble() throws IOException {
        Path folder = incoming.resolve("folder");
        Files.createDirectories(folder);
        for (Map.Entry<String, long[]> e : files.entrySet()) {
            try (OutputStream out = Files.newOutputStream(folder.resolve(e.getKey()))) {
                for (int i = 0; i < e.getValue()[1]; i++) {
                    Path part = incoming.resolve(e.getKey() + ".part" + i);
                    out.write(Files.readAllBytes(part));
                    Files.delete(part);
                }
            }
        }
        return folder;
    }
}
