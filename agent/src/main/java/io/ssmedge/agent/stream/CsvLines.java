package io.ssmedge.agent.stream;

import java.util.regex.Pattern;

/** Splitting CSV payloads (one record per line, ',' or ';' separated, no quoting). */
final class CsvLines {
    private static final Pattern LINES = Pattern.compile("\r?\n|\r");
    private static final Pattern SEMICOLON = Pattern.compile(";", Pattern.LITERAL);
    private static final Pattern COMMA = Pattern.compile(",", Pattern.LITERAL);

    private CsvLines() {
    }

    static String[] split(String text) {
        return LINES.split(text.startsWith("\uFEFF") ? text.substring(1) : text, -1);
    }

    /** Fields of a line: ';' separates when the line has one, else ','. */
    static String[] fields(String line) {
        return (line.indexOf(';') >= 0 ? SEMICOLON : COMMA).split(line, -1);
    }

    static float number(String field, int lineNo, String what) throws PayloadException {
        String t = field.strip();
        float v;
        try {
            v = Float.parseFloat(t);
        } catch (NumberFormatException e) {
            String shown = t.length() > 40 ? t.substring(0, 40) + "…" : t;
            throw new PayloadException(RejectReason.NOT_A_NUMBER, "CSV line " + lineNo + ": " + what
                    + " must be a number, got '" + shown + "'");
        }
        if (!Float.isFinite(v)) {
            throw new PayloadException(RejectReason.NOT_A_NUMBER, "CSV line " + lineNo + ": " + what
                    + " must be a finite number, got " + t);
        }
        return v;
    }
}
