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

    /**
     * The stream id when the topic matches this filter, else null. Walks the topic's levels in place (called for
     * every message on the MQTT thread: {@code String.split} made 7 % of the agent's garbage under load, JFR, #12);
     * the only string it makes is the stream id.
     */
    public String streamOf(String topic) {
        int n = topic.length();
        int start = 0; // of the topic's current level; n + 1 once past its last level
        String stream = null;
        for (int i = 0; i < levels.length; i++) {
            String level = levels[i];
            if (level.equals("#")) {
                break; // matches the rest (the '+' level comes before it)
            }
            if (start > n) {
                return null; // the topic has fewer levels
            }
            int end = topic.indexOf('/', start);
            if (end < 0) {
                end = n;
            }
            if (i == streamLevel) {
                stream = topic.substring(start, end);
            } else if (!level.equals("+") && (end - start != level.length() || !topic.startsWith(level, start))) {
                return null;
            }
            start = end + 1;
        }
        boolean multi = levels[levels.length - 1].equals("#");
        if (!multi && start <= n) {
            return null; // the topic has more levels
        }
        return stream == null || stream.isEmpty() ? null : stream;
    }

    @Override
    public String toString() {
        return filter;
    }
}
