package io.ssmedge.agent.stream;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import io.ssmedge.agent.config.PayloadFormat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads sensor samples from a message payload into a {@link SampleBatch}. Accepted forms (one sample, or
 * several: a JSON array of samples, or several CSV lines):
 * <pre>
 *   {"ts": 1732800000123.5, "values": [0.02, 0.04, 1.33, 0.05, 79.3, 26.0, 233.1, 32.0]}
 *   {"ts": "2020-03-09T10:14:33Z", "Accelerometer1RMS": 0.02, "Current": 1.33, ...}   (every model channel by name)
 *   1732800000123.5,0.02,0.04,1.33,0.05,79.3,26.0,233.1,32.0                        (ts first, or no ts; ',' or ';')
 * </pre>
 * Anything else is rejected with a {@link PayloadException} and nothing of the message is kept (all or nothing,
 * so a half-read message never reaches a stream). The parser never throws anything else, whatever the bytes.
 * Thread-safe (holds no per-message state).
 */
public final class SensorPayloadParser {
    static final JsonFactory JSON = JsonFactory.builder()
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS) // NaN / Infinity are read, then rejected as not finite
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(16).maxNumberLength(64)
                    .maxStringLength(1 << 16).build())
            .build();

    private final PayloadFormat format;
    private final int maxBytes;
    private final List<String> channels;
    private final Map<String, Integer> channelIndex = new HashMap<>();

    public SensorPayloadParser(PayloadFormat format, int maxBytes, List<String> channels) {
        this.format = format;
        this.maxBytes = maxBytes;
        this.channels = List.copyOf(channels);
        for (int i = 0; i < channels.size(); i++) {
            channelIndex.put(channels.get(i), i);
        }
    }

    public int maxBytes() {
        return maxBytes;
    }

    /**
     * Reads all samples of a payload into {@code out} (cleared first).
     *
     * @throws PayloadException when the payload cannot be used; {@code out} is then empty
     */
    public void parse(byte[] payload, SampleBatch out) throws PayloadException {
        out.clear();
        try {
            checkSize(payload, maxBytes);
            if (isJson(payload, format)) {
                parseJson(payload, out);
            } else {
                parseCsv(payload, out);
            }
            if (out.count() == 0) {
                throw new PayloadException(RejectReason.EMPTY, "the message holds no sample");
            }
        } catch (PayloadException e) {
            out.clear();
            throw e;
        } catch (RuntimeException e) { // a parser bug must not reach the worker loop as anything but a rejection
            out.clear();
            throw new PayloadException(RejectReason.BAD_JSON, "cannot read the message: " + e);
        }
    }

    static void checkSize(byte[] payload, int maxBytes) throws PayloadException {
        if (payload.length > maxBytes) {
            throw new PayloadException(RejectReason.TOO_LARGE, "message of " + payload.length + " bytes is larger than "
                    + "payload.max_bytes (" + maxBytes + ")");
        }
        if (payload.length == 0) {
            throw new PayloadException(RejectReason.EMPTY, "empty message");
        }
    }

    /** JSON when forced, or (auto) when the first non-blank byte is '{' or '['. */
    static boolean isJson(byte[] payload, PayloadFormat format) {
        if (format != PayloadFormat.AUTO) {
            return format == PayloadFormat.JSON;
        }
        for (byte b : payload) {
            if (b == ' ' || b == '\t' || b == '\r' || b == '\n' || b == (byte) 0xEF || b == (byte) 0xBB || b == (byte) 0xBF) {
                continue; // blanks and a UTF-8 byte order mark
            }
            return b == '{' || b == '[';
        }
        return false;
    }

    private void parseJson(byte[] payload, SampleBatch out) throws PayloadException {
        try (JsonParser p = JSON.createParser(payload)) {
            JsonToken t = p.nextToken();
            if (t == JsonToken.START_OBJECT) {
                readSample(p, out);
            } else if (t == JsonToken.START_ARRAY) {
                while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
                    if (t != JsonToken.START_OBJECT) {
                        throw new PayloadException(RejectReason.BAD_JSON, "a JSON array must hold sample objects {\"ts\":…, "
                                + "\"values\":[…]}, found " + describe(t));
                    }
                    readSample(p, out);
                }
            } else {
                throw new PayloadException(RejectReason.BAD_JSON, "expected a JSON object {\"ts\":…, \"values\":[…]}, found "
                        + describe(t));
            }
            if (p.nextToken() != null) {
                throw new PayloadException(RejectReason.BAD_JSON, "unexpected content after the JSON value");
            }
        } catch (PayloadException e) {
            throw e;
        } catch (IOException e) {
            throw new PayloadException(RejectReason.BAD_JSON, "not valid JSON: " + firstLine(e.getMessage()));
        }
    }

    /** Reads one sample object; the parser is on its START_OBJECT and ends on its END_OBJECT. */
    private void readSample(JsonParser p, SampleBatch out) throws IOException {
        int off = out.add(Double.NaN);
        float[] v = out.values();
        boolean[] seen = null;  // (channels) named channels seen, made at the first one
        int found = 0;
        boolean array = false;
        JsonToken t;
        while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken vt = p.nextToken();
            if ("ts".equals(name)) {
                out.setTs(out.count() - 1, readTs(p, vt));
            } else if ("values".equals(name)) {
                if (vt != JsonToken.START_ARRAY) {
                    throw new PayloadException(RejectReason.BAD_JSON, "\"values\" must be an array of " + channels.size()
                            + " numbers, found " + describe(vt));
                }
                int n = 0;
                while ((vt = p.nextToken()) != JsonToken.END_ARRAY) {
                    if (n == channels.size()) {
                        throw wrongCount(n + 1 + countRest(p));
                    }
                    v[off + n] = number(p, vt, "values[" + n + "]");
                    n++;
                }
                if (n != channels.size()) {
                    throw wrongCount(n);
                }
                array = true;
            } else {
                Integer idx = channelIndex.get(name);
                if (idx == null) {
                    p.skipChildren(); // other fields (stream, unit, …) are ignored
                    continue;
                }
                v[off + idx] = number(p, vt, name);
                if (seen == null) {
                    seen = new boolean[channels.size()];
                }
                if (!seen[idx]) {
                    seen[idx] = true;
                    found++;
                }
            }
        }
        if (t != JsonToken.END_OBJECT) {
            throw new PayloadException(RejectReason.BAD_JSON, "not valid JSON: unexpected " + describe(t));
        }
        if (array && found > 0) {
            throw new PayloadException(RejectReason.BAD_JSON, "give either \"values\" or named channels, not both");
        }
        if (!array && found < channels.size()) {
            if (found == 0) {
                throw new PayloadException(RejectReason.MISSING_CHANNEL, "a sample needs \"values\": [" + channels.size()
                        + " numbers] or every channel by name: " + String.join(", ", channels));
            }
            int missing = 0;
            while (seen[missing]) {
                missing++;
            }
            throw new PayloadException(RejectReason.MISSING_CHANNEL, "channel '" + channels.get(missing)
                    + "' is missing (the model needs " + String.join(", ", channels) + ")");
        }
    }

    private static int countRest(JsonParser p) throws IOException {
        int n = 0;
        JsonToken t;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY && t != null) {
            p.skipChildren();
            n++;
        }
        return n;
    }

    static double readTs(JsonParser p, JsonToken t) throws IOException {
        if (t == JsonToken.VALUE_NUMBER_INT || t == JsonToken.VALUE_NUMBER_FLOAT) {
            return Timestamps.finite(p.getDoubleValue(), p.getText());
        }
        if (t == JsonToken.VALUE_STRING) {
            return Timestamps.parse(p.getText());
        }
        if (t == JsonToken.VALUE_NULL) {
            return Double.NaN;
        }
        p.skipChildren();
        throw new PayloadException(RejectReason.BAD_TIMESTAMP, "ts must be a number of milliseconds or a date-time text, "
                + "found " + describe(t));
    }

    private static float number(JsonParser p, JsonToken t, String what) throws IOException {
        if (t != JsonToken.VALUE_NUMBER_INT && t != JsonToken.VALUE_NUMBER_FLOAT) {
            p.skipChildren();
            throw new PayloadException(RejectReason.NOT_A_NUMBER, what + " must be a number, found " + describe(t));
        }
        float f = p.getFloatValue();
        if (!Float.isFinite(f)) {
            throw new PayloadException(RejectReason.NOT_A_NUMBER, what + " must be a finite number, found " + p.getText());
        }
        return f;
    }

    private PayloadException wrongCount(int n) {
        return new PayloadException(RejectReason.WRONG_CHANNEL_COUNT, "expected " + channels.size() + " values ("
                + String.join(", ", channels) + "), got " + n);
    }

    static String describe(JsonToken t) {
        if (t == null) {
            return "the end of the message";
        }
        switch (t) {
            case START_OBJECT: return "an object";
            case START_ARRAY: return "an array";
            case VALUE_STRING: return "a text";
            case VALUE_NULL: return "null";
            case VALUE_TRUE: case VALUE_FALSE: return "true/false";
            case VALUE_NUMBER_INT: case VALUE_NUMBER_FLOAT: return "a number";
            default: return t.asString() == null ? t.name() : "'" + t.asString() + "'";
        }
    }

    static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        String l = nl < 0 ? s : s.substring(0, nl);
        return l.length() > 200 ? l.substring(0, 200) + "…" : l;
    }

    /** CSV: one sample per line, "v1,…,vN" or "ts,v1,…,vN"; ';' works as separator too. */
    private void parseCsv(byte[] payload, SampleBatch out) throws PayloadException {
        String text = new String(payload, StandardCharsets.UTF_8);
        int n = channels.size();
        int lineNo = 0;
        for (String raw : CsvLines.split(text)) {
            lineNo++;
            String line = raw.strip();
            if (line.isEmpty()) {
                continue;
            }
            String[] f = CsvLines.fields(line);
            if (f.length != n && f.length != n + 1) {
                throw new PayloadException(RejectReason.WRONG_CHANNEL_COUNT, "CSV line " + lineNo + ": expected " + n
                        + " values (" + String.join(", ", channels) + "), optionally after a ts, got " + f.length + " fields");
            }
            int first = f.length - n;
            int off = out.add(first == 1 ? Timestamps.parse(f[0]) : Double.NaN);
            float[] v = out.values();
            for (int i = 0; i < n; i++) {
                v[off + i] = CsvLines.number(f[first + i], lineNo, channels.get(i));
            }
        }
    }
}
