package io.ssmedge.agent.stream;

/**
 * What a stream id (the topic level at the subscription's '+') may be: at most input.max_stream_id_length
 * characters, each a letter, a digit or one of {@code - _ . : @ ~}. Ids end up in topics, JSON, logs and metrics;
 * a limit keeps a hostile id from breaking publishing or flooding the log.
 */
public final class StreamIds {
    static final String PUNCTUATION = "-_.:@~";
    private static final int SHOWN = 64;

    private StreamIds() {
    }

    /** Why the id is not acceptable, or null when it is. */
    public static String problem(String id, int maxLength) {
        if (id.length() > maxLength) {
            return "stream id of " + id.length() + " characters is longer than input.max_stream_id_length ("
                    + maxLength + "): '" + shown(id) + "'";
        }
        for (int i = 0; i < id.length(); ) {
            int c = id.codePointAt(i);
            if (!Character.isLetterOrDigit(c) && PUNCTUATION.indexOf(c) < 0) {
                return "stream id '" + shown(id) + "' holds the character U+" + String.format("%04X", c)
                        + "; use letters, digits and " + PUNCTUATION;
            }
            i += Character.charCount(c);
        }
        return null;
    }

    /** The id cut to a length fit for a log line or an error report. */
    public static String shown(String id) {
        return id.length() <= SHOWN ? id : id.substring(0, SHOWN) + "… (" + id.length() + " characters)";
    }
}
