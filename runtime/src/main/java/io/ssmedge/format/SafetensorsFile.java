package io.ssmedge.format;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A safetensors file read completely into memory and validated once.
 *
 * <p>Layout: 8-byte little-endian header length n, n bytes of UTF-8 JSON mapping tensor names to
 * {@code {"dtype", "shape", "data_offsets": [begin, end]}} (offsets relative to the data section)
 * plus an optional {@code "__metadata__"} string map, then the raw little-endian data.
 *
 * <p>Checked here, each failure reported as a {@link ModelFormatException} naming the file and tensor:
 * header length within the file and below {@value #MAX_HEADER_BYTES} bytes, valid JSON object without
 * duplicate keys, known dtype, non-negative shape, offsets inside the data section, byte count equal to
 * elements × dtype size, and no two tensors overlapping.
 */
public final class SafetensorsFile {
    /** Largest header accepted (the reference implementation uses the same bound). */
    public static final int MAX_HEADER_BYTES = 100_000_000;
    private static final String METADATA = "__metadata__";
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    private final String source;
    private final Map<String, Tensor> tensors;
    private final Map<String, String> metadata;

    private SafetensorsFile(String source, Map<String, Tensor> tensors, Map<String, String> metadata) {
        this.source = source;
        this.tensors = Collections.unmodifiableMap(tensors);
        this.metadata = Collections.unmodifiableMap(metadata);
    }

    /** Reads and validates a file. */
    public static SafetensorsFile read(Path path) {
        byte[] bytes;
        try {
            long size = Files.size(path);
            if (size > Integer.MAX_VALUE - 16) {
                throw new ModelFormatException(path + ": file is " + size + " bytes; files above 2 GiB are not supported");
            }
            bytes = Files.readAllBytes(path);
        } catch (NoSuchFileException e) {
            throw new ModelFormatException(path + ": file not found", e);
        } catch (IOException e) {
            throw new UncheckedIOException(path + ": cannot read: " + e.getMessage(), e);
        }
        return parse(path.toString(), bytes);
    }

    /** Reads and validates a stream (e.g. a classpath resource); {@code source} names it in errors. */
    public static SafetensorsFile read(InputStream in, String source) {
        try {
            return parse(source, in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(source + ": cannot read: " + e.getMessage(), e);
        }
    }

    /** Parses and validates file content; {@code source} names it in error messages. */
    public static SafetensorsFile parse(String source, byte[] bytes) {
        if (bytes.length < 8) {
            throw new ModelFormatException(source + ": file is " + bytes.length
                    + " bytes, shorter than the 8-byte header length field (truncated or not a safetensors file)");
        }
        ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        long headerLen = buf.getLong(0);
        long available = bytes.length - 8L;
        if (headerLen < 2 || headerLen > available || headerLen > MAX_HEADER_BYTES) {
            throw new ModelFormatException(source + ": header length field says " + Long.toUnsignedString(headerLen)
                    + " bytes, but " + available + " bytes follow it (limit " + MAX_HEADER_BYTES
                    + "); the file is truncated or not a safetensors file");
        }
        int dataStart = 8 + (int) headerLen;
        int dataLen = bytes.length - dataStart;
        JsonNode header;
        try {
            header = JSON.readTree(new String(bytes, 8, (int) headerLen, StandardCharsets.UTF_8));
        } catch (JsonProcessingException e) {
            throw new ModelFormatException(source + ": header is not valid JSON: " + e.getOriginalMessage(), e);
        }
        if (header == null || !header.isObject()) {
            throw new ModelFormatException(source + ": header must be a JSON object, got "
                    + (header == null ? "nothing" : header.getNodeType().toString().toLowerCase()));
        }

        Map<String, String> metadata = new LinkedHashMap<>();
        List<Entry> entries = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = header.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> f = it.next();
            if (METADATA.equals(f.getKey())) {
                readMetadata(source, f.getValue(), metadata);
            } else {
                entries.add(parseEntry(source, f.getKey(), f.getValue(), dataLen));
            }
        }

        List<Entry> byOffset = new ArrayList<>(entries);
        byOffset.sort(Comparator.comparingLong((Entry e) -> e.begin).thenComparingLong(e -> e.end));
        for (int i = 1; i < byOffset.size(); i++) {
            Entry prev = byOffset.get(i - 1);
            Entry cur = byOffset.get(i);
            if (cur.begin < prev.end) {
                throw new ModelFormatException(source + ": tensors '" + prev.name + "' [" + prev.begin + ", " + prev.end
                        + ") and '" + cur.name + "' [" + cur.begin + ", " + cur.end + ") overlap in the data section");
            }
        }

        Map<String, Tensor> tensors = new LinkedHashMap<>();
        for (Entry e : entries) {
            tensors.put(e.name, decode(e, buf, dataStart));
        }
        return new SafetensorsFile(source, tensors, metadata);
    }

    private static void readMetadata(String source, JsonNode node, Map<String, String> out) {
        if (!node.isObject()) {
            throw new ModelFormatException(source + ": '__metadata__' must be an object of strings");
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> m = it.next();
            if (!m.getValue().isTextual()) {
                throw new ModelFormatException(source + ": '__metadata__' value of '" + m.getKey() + "' must be a string");
            }
            out.put(m.getKey(), m.getValue().asText());
        }
    }

    private static Entry parseEntry(String source, String name, JsonNode node, int dataLen) {
        if (!node.isObject()) {
            throw ModelFormatException.tensor(source, name, "header entry must be an object with dtype, shape and data_offsets");
        }
        JsonNode dt = node.get("dtype");
        JsonNode sh = node.get("shape");
        JsonNode off = node.get("data_offsets");
        if (dt == null || sh == null || off == null) {
            throw ModelFormatException.tensor(source, name, "header entry needs 'dtype', 'shape' and 'data_offsets'");
        }
        DType dtype = dt.isTextual() ? DType.parse(dt.asText()) : null;
        if (dtype == null) {
            throw ModelFormatException.tensor(source, name, "unsupported dtype " + dt + " (supported: F32, F64, I32, I64)");
        }
        if (!sh.isArray()) {
            throw ModelFormatException.tensor(source, name, "shape must be an array of non-negative integers, got " + sh);
        }
        int[] shape = new int[sh.size()];
        for (int i = 0; i < shape.length; i++) {
            JsonNode d = sh.get(i);
            if (!d.isIntegralNumber() || !d.canConvertToInt() || d.asInt() < 0) {
                throw ModelFormatException.tensor(source, name, "shape must be an array of non-negative integers, got " + sh);
            }
            shape[i] = d.asInt();
        }
        if (!off.isArray() || off.size() != 2 || !off.get(0).isIntegralNumber() || !off.get(1).isIntegralNumber()
                || !off.get(0).canConvertToLong() || !off.get(1).canConvertToLong()) {
            throw ModelFormatException.tensor(source, name, "data_offsets must be [begin, end], got " + off);
        }
        long begin = off.get(0).asLong();
        long end = off.get(1).asLong();
        if (begin < 0 || end < begin || end > dataLen) {
            throw ModelFormatException.tensor(source, name, "data_offsets [" + begin + ", " + end
                    + "] lie outside the data section of " + dataLen + " bytes (truncated file?)");
        }
        long numel = Tensor.numel(shape);
        if (numel < 0 || numel > Integer.MAX_VALUE) {
            throw ModelFormatException.tensor(source, name, "shape " + sh + " has too many elements");
        }
        long expectedBytes = numel * dtype.bytes();
        if (end - begin != expectedBytes) {
            throw ModelFormatException.tensor(source, name, "shape " + sh + " of " + dtype + " needs " + expectedBytes
                    + " bytes, but data_offsets span " + (end - begin));
        }
        return new Entry(name, dtype, shape, begin, end);
    }

    private static Tensor decode(Entry e, ByteBuffer buf, int dataStart) {
        int n = (int) Tensor.numel(e.shape);
        int pos = dataStart + (int) e.begin;
        ByteBuffer slice = buf.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        slice.position(pos);
        slice = slice.slice().order(ByteOrder.LITTLE_ENDIAN);
        switch (e.dtype) {
            case F32: {
                float[] a = new float[n];
                slice.asFloatBuffer().get(a);
                return Tensor.f32(e.name, a, e.shape);
            }
            case F64: {
                double[] a = new double[n];
                slice.asDoubleBuffer().get(a);
                return Tensor.f64(e.name, a, e.shape);
            }
            case I32: {
                int[] a = new int[n];
                slice.asIntBuffer().get(a);
                return Tensor.i32(e.name, a, e.shape);
            }
            default: {
                long[] a = new long[n];
                slice.asLongBuffer().get(a);
                return Tensor.i64(e.name, a, e.shape);
            }
        }
    }

    private static final class Entry {
        final String name;
        final DType dtype;
        final int[] shape;
        final long begin;
        final long end;

        Entry(String name, DType dtype, int[] shape, long begin, long end) {
            this.name = name;
            this.dtype = dtype;
            this.shape = shape;
            this.begin = begin;
            this.end = end;
        }
    }

    /** The file (or resource) name used in error messages. */
    public String source() {
        return source;
    }

    public Set<String> names() {
        return tensors.keySet();
    }

    public Map<String, Tensor> tensors() {
        return tensors;
    }

    public Map<String, String> metadata() {
        return metadata;
    }

    public boolean has(String name) {
        return tensors.containsKey(name);
    }

    /** The tensor, or a {@link ModelFormatException} naming the file and tensor. */
    public Tensor get(String name) {
        Tensor t = tensors.get(name);
        if (t == null) {
            throw ModelFormatException.missing(source, name, null);
        }
        return t;
    }

    /** The tensor, checked to be of a float dtype and of exactly this shape. */
    public Tensor require(String name, int... shape) {
        Tensor t = get(name);
        if (!t.dtype().isFloat()) {
            throw ModelFormatException.tensor(source, name, "expected dtype F32 or F64, got " + t.dtype());
        }
        if (!t.hasShape(shape)) {
            throw ModelFormatException.shape(source, name, shape, t.shape());
        }
        return t;
    }

    /**
     * A checkpoint reader's step: the finite float32 values of tensor {@code name} with the given shape, removed
     * from {@code unused} (the names still to be read, so that leftovers can be reported).
     *
     * @throws ModelFormatException naming the tensor when it is missing, has another shape or holds NaN/Inf
     */
    public float[] take(java.util.Set<String> unused, String name, int... shape) {
        if (!has(name)) {
            throw ModelFormatException.missing(source(), name, "expected shape " + java.util.Arrays.toString(shape));
        }
        float[] v = requireFinite(name, shape);
        unused.remove(name);
        return v;
    }

    /** {@link #require} returning finite float32 values; NaN or Inf is reported with its index. */
    public float[] requireFinite(String name, int... shape) {
        float[] v = require(name, shape).toFloats();
        for (int i = 0; i < v.length; i++) {
            if (!Float.isFinite(v[i])) {
                throw ModelFormatException.tensor(source, name, "element " + i + " is " + v[i]
                        + "; weights must be finite (corrupt or diverged checkpoint)");
            }
        }
        return v;
    }
}
