package io.ssmedge.agent.stream;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import io.ssmedge.agent.config.PayloadFormat;

import java.io.IOException;

/**
 * What the sensor and label parsers share: the size limit, JSON-or-CSV detection, and the all-or-nothing rule —
 * a payload is read completely into its batch or rejected with a {@link PayloadException} and an empty batch; no
 * other exception leaves {@link #parse}, whatever the bytes.
 *
 * @param <B> the reusable batch the payload is read into
 */
abstract class PayloadParser<B> {
    static final JsonFactory JSON = JsonFactory.builder()
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS) // NaN / Infinity are read, then rejected as not finite
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(16).maxNumberLength(64)
                    .maxStringLength(1 << 16).build())
            .build();

    private final PayloadFormat format;
    private final int maxBytes;
    private final String noun;

    PayloadParser(PayloadFormat format, int maxBytes, String noun) {
        this.format = format;
        this.maxBytes = maxBytes;
        this.noun = noun;
    }

    public int maxBytes() {
        return maxBytes;
    }

    /**
     * Reads everything a payload holds into {@code out} (cleared first).
     *
     * @throws PayloadException when the payload cannot be used; {@code out} is then empty
     */
    public final void parse(byte[] payload, B out) throws PayloadException {
        clear(out);
        try {
            if (payload.length > maxBytes) {
                throw new PayloadException(RejectReason.TOO_LARGE, "message of " + payload.length
                        + " bytes is larger than payload.max_bytes (" + maxBytes + ")");
            }
            if (payload.length == 0) {
                throw new PayloadException(RejectReason.EMPTY, "empty message");
            }
            if (isJson(payload)) {
                parseJson(payload, out);
            } else {
                parseCsv(payload, out);
            }
            if (count(out) == 0) {
                throw new PayloadException(RejectReason.EMPTY, "the message holds no " + noun);
            }
        } catch (PayloadException e) {
            clear(out);
            throw e;
        } catch (RuntimeException e) { // a parser bug must not reach the worker loop as anything but a rejection
            clear(out);
            throw new PayloadException(RejectReason.BAD_JSON, "cannot read the message: " + e);
        }
    }

    abstract void parseJson(byte[] payload, B out) throws PayloadException;

    abstract void parseCsv(byte[] payload, B out) throws PayloadException;

    abstract int count(B out);

    abstract void clear(B out);

    /** JSON when forced, or (auto) when the first non-blank byte is '{' or '['. */
    private boolean isJson(byte[] payload) {
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

    /** A ts field: a number of milliseconds or a date-time text; null = none. */
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
}
