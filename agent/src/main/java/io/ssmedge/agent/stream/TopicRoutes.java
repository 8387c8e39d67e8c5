package io.ssmedge.agent.stream;

/**
 * Where a topic's messages go: a stream's sensor samples, its labels, or nowhere. The stream id is cut out of the
 * topic by the sensor filter, else the label filter; each topic's answer is remembered in a direct-mapped cache,
 * because cutting it out made a string per message (issue #12, JFR) while a gateway hears the same few thousand
 * topics again and again. The sensor input hands the same string for a topic it has seen (mqtt.PublishDecoder), so a
 * hit is one reference comparison; other strings are compared by content.
 *
 * <p>Racy on purpose: entries are immutable, so threads that share a cache (the sensor input has one thread) can
 * only overwrite each other's entries, never see half of one.
 */
public final class TopicRoutes {
    /** A topic's destination. */
    public record Route(String topic, InboundMessage.Kind kind, String stream) {
    }

    static final int SLOTS = 16_384; // a power of two; 10,000 streams (the default max_streams) mostly hit
    private final TopicFilter sensors;
    private final TopicFilter labels;
    private Route[] cache; // [SLOTS] by the topic's hash code; made on the first message (an idle agent has none)

    /** @param labels null when the agent takes no labels */
    public TopicRoutes(TopicFilter sensors, TopicFilter labels) {
        this.sensors = sensors;
        this.labels = labels;
    }

    /** The route of {@code topic}, or null when it is neither a sensor nor a label topic (not remembered). */
    public Route route(String topic) {
        Route[] table = cache;
        if (table == null) {
            table = cache = new Route[SLOTS];
        }
        int h = topic.hashCode();
        int slot = (h ^ (h >>> 16)) & (SLOTS - 1);
        Route r = table[slot];
        if (r != null && (r.topic == topic || r.topic.equals(topic))) {
            return r;
        }
        String stream = sensors.streamOf(topic);
        InboundMessage.Kind kind = InboundMessage.Kind.SENSOR;
        if (stream == null && labels != null) {
            stream = labels.streamOf(topic);
            kind = InboundMessage.Kind.LABEL;
        }
        if (stream == null) {
            return null;
        }
        r = new Route(topic, kind, stream);
        table[slot] = r;
        return r;
    }
}
