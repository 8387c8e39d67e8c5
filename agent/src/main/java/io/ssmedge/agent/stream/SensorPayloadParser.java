package io.ssmedge.agent.stream;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
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
public final class SensorPayloadParser extends PayloadParser<SampleBatch> {
    private final List<String> channels;
    private final Map<String, Integer> channelIndex = new HashMap<>();

    public SensorPayloadParser(PayloadFormat format, int maxBytes, List<String> channels) {
        super(format, maxBytes, "sample");
        this.channels = List.copyOf(channels);
        for (int i = 0; i < channels.size(); i++) {
            channelIndex.put(channels.get(i), i);
        }
    }

    @Override
    int count(SampleBatch out) {
        return out.count();
    }

    @Override
    void clear(SampleBatch out) {
        out.clear();
    }

    @Override
    void parseJson(byte[] payload, SampleBatch out) throws PayloadException {
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
                    v[off + n] = number(p, vt, null, n);
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
                v[off + idx] = number(p, vt, name, 0);
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

    /** @param name the channel's name, or null for values[index] (the message is built only for a bad value) */
    private static float number(JsonParser p, JsonToken t, String name, int index) throws IOException {
        if (t != JsonToken.VALUE_NUMBER_INT && t != JsonToken.VALUE_NUMBER_FLOAT) {
            p.skipChildren();
            throw new PayloadException(RejectReason.NOT_A_NUMBER, what(name, index) + " must be a number, found "
                    + describe(t));
        }
        float f = p.getFloatValue();
        if (!Float.isFinite(f)) {
            throw new PayloadException(RejectReason.NOT_A_NUMBER, what(name, index) + " must be a finite number, found "
                    + p.getText());
        }
        return f;
    }

    private static String what(String name, int index) {
        return name != null ? name : "values[" + index + "]";
    }

    private PayloadException wrongCount(int n) {
        return new PayloadException(RejectReason.WRONG_CHANNEL_COUNT, "expected " + channels.size() + " values ("
                + String.join(", ", channels) + "), got " + n);
    }

    /**
     * CSV: one sample per line, "v1,…,vN" or "ts,v1,…,vN"; ';' works as separator too. Lines and fields are read in
     * place as index ranges of the text: no string per line or field (CsvLines, Timestamps, FastDecimal).
     */
    @Override
    void parseCsv(byte[] payload, SampleBatch out) throws PayloadException {
        String text = new String(payload, StandardCharsets.UTF_8);
        int n = channels.size();
        int lineNo = 0;
        for (int start = CsvLines.firstLine(text); start >= 0; start = CsvLines.nextLine(text, start)) {
            lineNo++;
            int lineEnd = CsvLines.lineEnd(text, start); // the line is text[from, to), stripped of white space
            int from = CsvLines.skipSpace(text, start, lineEnd);
            int to = CsvLines.trimSpace(text, from, lineEnd);
            if (from == to) {
                continue;
            }
            char sep = CsvLines.separator(text, from, to);
            int fields = CsvLines.count(text, from, to, sep);
            if (fields != n && fields != n + 1) {
                throw new PayloadException(RejectReason.WRONG_CHANNEL_COUNT, "CSV line " + lineNo + ": expected " + n
                        + " values (" + String.join(", ", channels) + "), optionally after a ts, got " + fields + " fields");
            }
            double ts = Double.NaN;
            if (fields == n + 1) {
                int end = CsvLines.find(text, sep, from, to);
                ts = Timestamps.parse(text, from, end);
                from = end + 1;
            }
            int off = out.add(ts);
            float[] v = out.values();
            for (int i = 0; i < n; i++) {
                int end = CsvLines.find(text, sep, from, to);
                v[off + i] = CsvLines.number(text, from, end, lineNo, channels.get(i));
                from = end + 1;
            }
        }
    }
}
