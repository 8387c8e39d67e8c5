package io.ssmedge.agent.stream;

/**
 * An MQTT topic filter such as {@code factory/line3/+/sensors} that also names streams: the topic level at
 * the filter's first '+' is the stream id ({@code factory/line3/pump7/sensors} → {@code pump7}).
 */
public final class TopicFilter {
    private final String filter;
    private final String[] levels;
    private final int streamLevel;

    public TopicFilter(String filter) {
        this.filter = filter;
        this.levels = filter.split("/", -1);
        int s = -1;
        for (int i = 0; i < levels.length; i++) {
            if (levels[i].equals("+")) {
                s = i;
                break;
            }
        }
        if (s < 0) {
            throw new IllegalArgumentException("topic filter '" + filter + "' has no '+' level for the stream id");
        }
        this.streamLevel = s;
    }

    public String filter() {
        return filter;
    }

    /** The stream id when the topic matches this filter, else null. */
    public String streamOf(String topic) {
        String[] t = topic.split("/", -1);
        for (int i = 0; i < levels.length; i++) {
            if (levels[i].equals("#")) {
                break; // matches the rest (the '+' level comes before it)
            }
            if (i >= t.length || !levels[i].equals("+") && !levels[i].equals(t[i])) {
                return null;
            }
        }
        boolean multi = levels[levels.length - 1].equals("#");
        if (!multi && t.length != levels.length) {
            return null;
        }
        String s = t[streamLevel];
        return s.isEmpty() ? null : s;
    }

    @Override
    public String toString() {
        return filter;
    }
}
