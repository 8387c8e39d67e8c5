package io.ssmedge.format;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes safetensors files: tensors in the order added, data packed without gaps, header padded with
 * spaces to a multiple of 8 bytes. {@link #write(Path)} writes a temporary file and moves it into
 * place, so a reader never sees a half-written model.
 */
public final class SafetensorsWriter {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final List<Tensor> tensors = new ArrayList<>();
    private final Map<String, String> metadata = new LinkedHashMap<>();

    public SafetensorsWriter add(Tensor t) {
        for (Tensor existing : tensors) {
            if (existing.name().equals(t.name())) {
                throw new IllegalArgumentException("tensor '" + t.name() + "' added twice");
            }
        }
        tensors.add(t);
        return this;
    }

    public SafetensorsWriter addAll(Iterable<Tensor> ts) {
        for (Tensor t : ts) {
            add(t);
        }
        return this;
    }

    public SafetensorsWriter metadata(String key, String value) {
        metadata.put(key, value);
        return this;
    }

    /** The complete file content. */
    public byte[] toBytes() {
        ObjectNode header = JSON.createObjectNode();
        if (!metadata.isEmpty()) {
            ObjectNode m = header.putObject("__metadata__");
            metadata.forEach(m::put);
        }
        long offset = 0;
        for (Tensor t : tensors) {
            ObjectNode e = header.putObject(t.name());
            e.put("dtype", t.dtype().name());
            ArrayNode shape = e.putArray("shape");
            Arrays.stream(t.shape()).forEach(shape::add);
            long bytes = (long) t.numel() * t.dtype().bytes();
            ArrayNode off = e.putArray("data_offsets");
            off.add(offset);
            off.add(offset + bytes);
            offset += bytes;
        }
        byte[] json;
        try {
            json = JSON.writeValueAsString(header).getBytes(StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        int padded = (json.length + 7) / 8 * 8;
        long total = 8L + padded + offset;
        if (total > Integer.MAX_VALUE - 16) {
            throw new IllegalStateException("safetensors content of " + total + " bytes exceeds 2 GiB");
        }
        ByteBuffer buf = ByteBuffer.allocate((int) total).order(ByteOrder.LITTLE_ENDIAN);
        buf.putLong(padded);
        buf.put(json);
        for (int i = json.length; i < padded; i++) {
            buf.put((byte) ' ');
        }
        for (Tensor t : tensors) {
            switch (t.dtype()) {
                case F32:
                    for (float v : t.floats()) {
                        buf.putFloat(v);
                    }
                    break;
                case F64:
                    for (double v : t.doubles()) {
                        buf.putDouble(v);
                    }
                    break;
                case I32:
                    for (int v : t.ints()) {
                        buf.putInt(v);
                    }
                    break;
                default:
                    for (long v : t.longs()) {
                        buf.putLong(v);
                    }
            }
        }
        return buf.array();
    }

    /** Writes atomically: to a temporary file beside {@code path}, then a move over it. */
    public void write(Path path) {
        byte[] bytes = toBytes();
        Path dir = path.toAbsolutePath().getParent();
        try {
            Files.createDirectories(dir);
            Path tmp = Files.createTempFile(dir, path.getFileName().toString(), ".tmp");
            try {
                try (OutputStream out = Files.newOutputStream(tmp)) {
                    out.write(bytes);
                }
                Files.move(tmp, path, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + path + ": " + e.getMessage(), e);
        }
    }
}
