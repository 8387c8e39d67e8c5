package io.ssmedge.model;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ssmedge.format.ModelFormatException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Typed, validated access to a model's config.json. Every failure is a {@link ModelFormatException}
 * of the form {@code <file>: key '<key>': expected <what>, got <value>}.
 */
public final class ConfigReader {
    static final ObjectMapper JSON = new ObjectMapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    private final String source;
    private final ObjectNode root;

    public ConfigReader(String source, ObjectNode root) {
        this.source = source;
        this.root = root;
    }

    public static ConfigReader read(Path file) {
        try {
            return parse(file.toString(), Files.readString(file));
        } catch (NoSuchFileException e) {
            throw new ModelFormatException(file + ": file not found (a model directory needs config.json and model.safetensors)", e);
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": cannot read: " + e.getMessage(), e);
        }
    }

    public static ConfigReader parse(String source, String text) {
        JsonNode n;
        try {
            n = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new ModelFormatException(source + ": not valid JSON: " + e.getOriginalMessage(), e);
        }
        if (n == null || !n.isObject()) {
            throw new ModelFormatException(source + ": expected a JSON object at the top level");
        }
        return new ConfigReader(source, (ObjectNode) n);
    }

    public String source() {
        return source;
    }

    /** The parsed document (a copy; keeps keys ssm-edge does not use, e.g. training settings). */
    public ObjectNode root() {
        return root.deepCopy();
    }

    public boolean has(String key) {
        return root.hasNonNull(key);
    }

    public ModelFormatException error(String key, String expected, Object got) {
        return new ModelFormatException(source + ": key '" + key + "': expected " + expected + ", got " + got);
    }

    private JsonNode need(String key, String expected) {
        JsonNode v = root.get(key);
        if (v == null || v.isNull()) {
            throw new ModelFormatException(source + ": missing key '" + key + "' (" + expected + ")");
        }
        return v;
    }

    public int requireInt(String key, int min) {
        JsonNode v = need(key, "an integer ≥ " + min);
        if (!v.isIntegralNumber() || !v.canConvertToInt() || v.asInt() < min) {
            throw error(key, "an integer ≥ " + min, v);
        }
        return v.asInt();
    }

    public int optInt(String key, int min, int dflt) {
        return has(key) ? requireInt(key, min) : dflt;
    }

    public boolean requireBool(String key) {
        JsonNode v = need(key, "true or false");
        if (!v.isBoolean()) {
            throw error(key, "true or false", v);
        }
        return v.asBoolean();
    }

    public boolean optBool(String key, boolean dflt) {
        return has(key) ? requireBool(key) : dflt;
    }

    public double optDouble(String key, double dflt, double minExclusive) {
        if (!has(key)) {
            return dflt;
        }
        JsonNode v = root.get(key);
        if (!v.isNumber() || !Double.isFinite(v.asDouble()) || v.asDouble() <= minExclusive) {
            throw error(key, "a finite number > " + minExclusive, v);
        }
        return v.asDouble();
    }

    public String requireString(String key, List<String> allowed) {
        JsonNode v = need(key, "one of " + allowed);
        if (!v.isTextual() || !allowed.contains(v.asText())) {
            throw error(key, "one of " + String.join(", ", allowed), v);
        }
        return v.asText();
    }

    public String optString(String key, List<String> allowed, String dflt) {
        return has(key) ? requireString(key, allowed) : dflt;
    }

    /** A float array of the given length with finite entries, or null when absent. */
    public float[] optFloatArray(String key, int length, boolean positive) {
        if (!has(key)) {
            return null;
        }
        JsonNode v = root.get(key);
        String what = length + " finite " + (positive ? "positive " : "") + "numbers";
        if (!v.isArray() || v.size() != length) {
            throw error(key, "an array of " + what, abbreviate(v));
        }
        float[] out = new float[length];
        for (int i = 0; i < length; i++) {
            JsonNode e = v.get(i);
            float f = (float) e.asDouble();
            if (!e.isNumber() || !Float.isFinite(f) || (positive && f <= 0)) {
                throw error(key + "[" + i + "]", "a finite " + (positive ? "positive " : "") + "number", e);
            }
            out[i] = f;
        }
        return out;
    }

    /** An int array of the given length with entries ≥ min, or null when absent. */
    public int[] optIntArray(String key, int length, int min) {
        if (!has(key)) {
            return null;
        }
        JsonNode v = root.get(key);
        if (!v.isArray() || v.size() != length) {
            throw error(key, "an array of " + length + " integers ≥ " + min, abbreviate(v));
        }
        int[] out = new int[length];
        for (int i = 0; i < length; i++) {
            JsonNode e = v.get(i);
            if (!e.isIntegralNumber() || !e.canConvertToInt() || e.asInt() < min) {
                throw error(key + "[" + i + "]", "an integer ≥ " + min, e);
            }
            out[i] = e.asInt();
        }
        return out;
    }

    /** A list of non-empty strings of the given length, or {@code dflt} when absent. */
    public List<String> optStringList(String key, int length, List<String> dflt) {
        if (!has(key)) {
            return dflt;
        }
        JsonNode v = root.get(key);
        if (!v.isArray() || v.size() != length) {
            throw error(key, "an array of " + length + " names", abbreviate(v));
        }
        List<String> out = new ArrayList<>();
        for (JsonNode e : v) {
            if (!e.isTextual() || e.asText().isBlank()) {
                throw error(key, "non-empty strings", e);
            }
            out.add(e.asText());
        }
        return List.copyOf(out);
    }

    private static String abbreviate(JsonNode v) {
        String s = v.toString();
        return s.length() > 80 ? s.substring(0, 77) + "..." : s;
    }

    /** seq_len, else windowing.length, else 0. */
    public static int windowLength(ObjectNode doc, int seqLen) {
        if (seqLen > 0) {
            return seqLen;
        }
        JsonNode w = doc.path("windowing").path("length");
        return w.canConvertToInt() && w.asInt() > 0 ? w.asInt() : 0;
    }

    /** windowing.test_stride, else 0. */
    public static int testStride(ObjectNode doc) {
        JsonNode w = doc.path("windowing").path("test_stride");
        return w.canConvertToInt() && w.asInt() > 0 ? w.asInt() : 0;
    }

    /** Names "prefix0", "prefix1", … */
    public static List<String> generatedNames(String prefix, int n) {
        String[] out = new String[n];
        for (int i = 0; i < n; i++) {
            out[i] = prefix + i;
        }
        return List.copyOf(Arrays.asList(out));
    }
}
