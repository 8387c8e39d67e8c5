package io.ssmedge.agent.stream;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.ssmedge.agent.config.PayloadFormat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Reads ground-truth labels: {@code {"ts": 1732800000123, "label": 1}} or {@code "label": "anomaly"} (class
 * index or name), a JSON array of those, or CSV lines {@code ts,label}. A label needs its ts (that is how it
 * finds its prediction). Like {@link SensorPayloadParser}: all or nothing, and only {@link PayloadException}.
 */
public final class LabelPayloadParser extends PayloadParser<LabelBatch> {
    private final List<String> classes;

    public LabelPayloadParser(PayloadFormat format, int maxBytes, List<String> classes) {
        super(format, maxBytes, "label");
        this.classes = List.copyOf(classes);
    }

    @Override
    int count(LabelBatch out) {
        return out.count();
    }

    @Override
    void clear(LabelBatch out) {
        out.clear();
    }

    @Override
    void parseJson(byte[] payload, LabelBatch out) throws PayloadException {
        try (JsonParser p = JSON.createParser(payload)) {
            JsonToken t = p.nextToken();
            if (t == JsonToken.START_OBJECT) {
                readLabel(p, out);
            } else if (t == JsonToken.START_ARRAY) {
                while ((t = p.nextToken()) == JsonToken.START_OBJECT) {
                    readLabel(p, out);
                }
                if (t != JsonToken.END_ARRAY) {
                    throw new PayloadException(RejectReason.BAD_JSON, "a JSON array must hold label objects {\"ts\":…, "
                            + "\"label\":…}, found " + describe(t));
                }
            } else {
                throw new PayloadException(RejectReason.BAD_JSON, "expected a JSON object {\"ts\":…, \"label\":…}, found "
                        + describe(t));
            }
            if (p.nextToken() != null) {
                throw new PayloadException(RejectReason.BAD_JSON, "unexpected content after the JSON value");
            }
        } catch (PayloadException e) {
            throw e;
        } catch (IOException e) {
            throw new PayloadException(RejectReason.BAD_JSON, "not valid JSON: "
                    + firstLine(e.getMessage()));
        }
    }

    private void readLabel(JsonParser p, LabelBatch out) throws IOException {
        double ts = Double.NaN;
        int label = -1;
        JsonToken t;
        while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken vt = p.nextToken();
            if ("ts".equals(name)) {
                ts = readTs(p, vt);
            } else if ("label".equals(name)) {
                if (vt == JsonToken.VALUE_NUMBER_INT || vt == JsonToken.VALUE_NUMBER_FLOAT || vt == JsonToken.VALUE_STRING) {
                    label = classIndex(p.getText());
                } else {
                    p.skipChildren();
                    throw new PayloadException(RejectReason.UNKNOWN_CLASS, "label must be a class number or name ("
                            + describeClasses() + "), found " + describe(vt));
                }
            } else {
                p.skipChildren();
            }
        }
        if (t != JsonToken.END_OBJECT) {
            throw new PayloadException(RejectReason.BAD_JSON, "not valid JSON: unexpected " + describe(t));
        }
        add(ts, label, out);
    }

    private void add(double ts, int label, LabelBatch out) throws PayloadException {
        if (Double.isNaN(ts)) {
            throw new PayloadException(RejectReason.BAD_TIMESTAMP, "a label needs the ts of the sample it describes");
        }
        if (label < 0) {
            throw new PayloadException(RejectReason.UNKNOWN_CLASS, "a label needs \"label\": a class number or name ("
                    + describeClasses() + ")");
        }
        out.add(ts, label);
    }

    @Override
    void parseCsv(byte[] payload, LabelBatch out) throws PayloadException {
        int lineNo = 0;
        for (String raw : CsvLines.split(new String(payload, StandardCharsets.UTF_8))) {
            lineNo++;
            String line = raw.strip();
            if (line.isEmpty()) {
                continue;
            }
            String[] f = CsvLines.fields(line);
            if (f.length != 2) {
                throw new PayloadException(RejectReason.BAD_CSV, "CSV line " + lineNo + ": expected ts,label, got "
                        + f.length + " fields");
            }
            add(Timestamps.parse(f[0]), classIndex(f[1].strip()), out);
        }
    }

    /** A class number (0, 1, also written 1.0) or a class name. */
    int classIndex(String text) throws PayloadException {
        int byName = classes.indexOf(text);
        if (byName >= 0) {
            return byName;
        }
        try {
            double d = Double.parseDouble(text);
            if (d == Math.rint(d) && d >= 0 && d < classes.size()) {
                return (int) d;
            }
        } catch (NumberFormatException e) {
            // falls through to the message below
        }
        String shown = text.length() > 40 ? text.substring(0, 40) + "…" : text;
        throw new PayloadException(RejectReason.UNKNOWN_CLASS, "label '" + shown + "' is not a class of the model ("
                + describeClasses() + ")");
    }

    private String describeClasses() {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < classes.size(); i++) {
            b.append(i == 0 ? "" : ", ").append(i).append(" = ").append(classes.get(i));
        }
        return b.toString();
    }
}
