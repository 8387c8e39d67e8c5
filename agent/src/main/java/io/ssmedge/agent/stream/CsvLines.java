package io.ssmedge.agent.stream;

import java.util.ArrayList;
import java.util.List;

/**
 * Splitting CSV payloads (one record per line, ',' or ';' separated, no quoting). By hand rather than with
 * {@code Pattern.split}: on the sensor path of every message, the regular expressions were 7 % of the agent's CPU
 * under load (JFR, 1000 streams × 10 Hz).
 */
final class CsvLines {
    private CsvLines() {
    }

    /** Lines of the text, split at "\r\n", "\n" or "\r"; a leading byte order mark is dropped; an empty last line is
     * kept (as {@code Pattern.split(text, -1)} does). */
    static String[] split(String text) {
        int start = text.startsWith("\uFEFF") ? 1 : 0;
        List<String> lines = new ArrayList<>(4);
        int n = text.length();
        for (int i = start; i < n; i++) {
            char c = text.charAt(i);
            if (c == '\n' || c == '\r') {
                lines.add(text.substring(start, i));
                if (c == '\r' && i + 1 < n && text.charAt(i + 1) == '\n') {
                    i++;
                }
                start = i + 1;
            }
        }
        lines.add(text.substring(start));
        return lines.toArray(new String[0]);
    }

    /** Fields of a line: ';' separates when the line has one, else ','; empty fields are kept. */
    static String[] fields(String line) {
        char sep = separator(line);
        String[] f = new String[count(line, sep)];
        int start = 0;
        int k = 0;
        for (int i = 0; i < line.length(); i++) {
            if (line.charAt(i) == sep) {
                f[k++] = line.substring(start, i);
                start = i + 1;
            }
        }
        f[k] = line.substring(start);
        return f;
    }

    /** The separator of a line: ';' when the line has one, else ','. */
    static char separator(String line) {
        return line.indexOf(';') >= 0 ? ';' : ',';
    }

    /** Fields of a line with separator {@code sep} (as {@code fields(line).length}). */
    static int count(String line, char sep) {
        int count = 1;
        for (int i = 0; i < line.length(); i++) {
            if (line.charAt(i) == sep) {
                count++;
            }
        }
        return count;
    }

    /**
     * The number in {@code line[from, to)} without surrounding white space; makes no string unless the value is not
     * a plain decimal (the sensor path reads every field
     * this way: field substrings were 15 % of the agent's garbage under load, JFR, #12).
     */
    static float number(String line, int from, int to, int lineNo, String what) throws PayloadException {
        while (from < to && Character.isWhitespace(line.charAt(from))) {
            from++;
        }
        while (to > from && Character.isWhitespace(line.charAt(to - 1))) {
            to--;
        }
        float v;
        try {
            v = FastDecimal.parseFloat(line, from, to);
        } catch (NumberFormatException e) {
            String t = line.substring(from, to);
            String shown = t.length() > 40 ? t.substring(0, 40) + "…" : t;
            throw new PayloadException(RejectReason.NOT_A_NUMBER, "CSV line " + lineNo + ": " + what
                    + " must be a number, got '" + shown + "'");
        }
        if (!Float.isFinite(v)) {
            throw new PayloadException(RejectReason.NOT_A_NUMBER, "CSV line " + lineNo + ": " + what
                    + " must be a finite number, got " + line.substring(from, to));
        }
        return v;
    }
}
