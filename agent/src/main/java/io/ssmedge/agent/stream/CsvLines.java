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
        List<String> lines = new ArrayList<>(4);
        for (int start = firstLine(text); start >= 0; start = nextLine(text, start)) {
            lines.add(text.substring(start, lineEnd(text, start)));
        }
        return lines.toArray(new String[0]);
    }

    /*
     * The same lines as index ranges, for the sensor path (no strings: line substrings were 7 % of the agent's garbage
     * under load, JFR, #12):  for (int s = firstLine(t); s >= 0; s = nextLine(t, s)) { line is t[s, lineEnd(t, s)) }
     */

    /** Start of the first line: 0, or 1 after a byte order mark. */
    static int firstLine(String text) {
        return text.startsWith("\uFEFF") ? 1 : 0;
    }

    /** End (exclusive) of the line that starts at {@code start}: the next '\n' or '\r', or the end of the text. */
    static int lineEnd(String text, int start) {
        int n = text.length();
        for (int i = start; i < n; i++) {
            char c = text.charAt(i);
            if (c == '\n' || c == '\r') {
                return i;
            }
        }
        return n;
    }

    /** Start of the line after the one that starts at {@code start} ("\r\n" is one break), or -1 after the last line. */
    static int nextLine(String text, int start) {
        int end = lineEnd(text, start);
        int n = text.length();
        if (end == n) {
            return -1;
        }
        return text.charAt(end) == '\r' && end + 1 < n && text.charAt(end + 1) == '\n' ? end + 2 : end + 1;
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
        return separator(line, 0, line.length());
    }

    /** The separator of the line {@code text[from, to)}: ';' when it has one, else ','. */
    static char separator(String text, int from, int to) {
        return find(text, ';', from, to) < to ? ';' : ',';
    }

    /** The first {@code c} in {@code text[from, to)}, or {@code to} (e.g. the end of the field starting at from). */
    static int find(String text, char c, int from, int to) {
        for (int i = from; i < to; i++) {
            if (text.charAt(i) == c) {
                return i;
            }
        }
        return to;
    }

    /** The first index in {@code text[from, to)} that is not white space (as {@code String.strip}), or {@code to}. */
    static int skipSpace(String text, int from, int to) {
        while (from < to && Character.isWhitespace(text.charAt(from))) {
            from++;
        }
        return from;
    }

    /** The end of {@code text[from, to)} without trailing white space (as {@code String.strip}). */
    static int trimSpace(String text, int from, int to) {
        while (to > from && Character.isWhitespace(text.charAt(to - 1))) {
            to--;
        }
        return to;
    }

    /** Fields of a line with separator {@code sep} (as {@code fields(line).length}). */
    static int count(String line, char sep) {
        return count(line, 0, line.length(), sep);
    }

    /** Fields of the line {@code text[from, to)} with separator {@code sep}. */
    static int count(String text, int from, int to, char sep) {
        int count = 1;
        for (int i = from; i < to; i++) {
            if (text.charAt(i) == sep) {
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
        from = skipSpace(line, from, to);
        to = trimSpace(line, from, to);
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
