package io.ssmedge.agent.stream;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The cached routes give what the topic filters say, for repeated, new and colliding topics. */
class TopicRoutesProperties {
    static final TopicFilter SENSORS = new TopicFilter("factory/line3/+/sensors");
    static final TopicFilter LABELS = new TopicFilter("factory/line3/+/labels");

    @Provide
    Arbitrary<List<String>> topics() {
        Arbitrary<String> id = Arbitraries.of("p1", "p2", "pump-7", "", "ü", "x/y", "a+b");
        Arbitrary<String> kind = Arbitraries.of("sensors", "labels", "other", "sensors/extra");
        Arbitrary<String> topic = Arbitraries.of("factory/line3/", "factory/line4/", "plant/line3/", "factory/")
                .flatMap(prefix -> id.flatMap(i -> kind.map(k -> prefix + i + "/" + k)));
        return topic.list().ofMaxSize(60);
    }

    @Property(tries = 1000)
    void asTheFilters(@ForAll("topics") List<String> topics) {
        TopicRoutes routes = new TopicRoutes(SENSORS, LABELS);
        for (int pass = 0; pass < 2; pass++) {
            for (String t : topics) {
                check(routes, new String(t.toCharArray())); // equal strings, not the same instance
                check(routes, t);
            }
        }
    }

    @Example
    void collidingTopicsInMoreStreamsThanSlots() {
        TopicRoutes routes = new TopicRoutes(SENSORS, null);
        int n = 3 * TopicRoutes.SLOTS;
        for (int pass = 0; pass < 2; pass++) {
            for (int i = 0; i < n; i++) {
                TopicRoutes.Route r = routes.route("factory/line3/s" + i + "/sensors");
                assertThat(r.stream()).isEqualTo("s" + i);
                assertThat(r.kind()).isEqualTo(InboundMessage.Kind.SENSOR);
            }
        }
        assertThat(routes.route("factory/line3/s1/labels")).isNull(); // no label filter
    }

    private static void check(TopicRoutes routes, String topic) {
        TopicRoutes.Route r = routes.route(topic);
        String sensor = SENSORS.streamOf(topic);
        String label = LABELS.streamOf(topic);
        if (sensor != null) {
            assertThat(r).isNotNull();
            assertThat(r.kind()).isEqualTo(InboundMessage.Kind.SENSOR);
            assertThat(r.stream()).isEqualTo(sensor);
        } else if (label != null) {
            assertThat(r).isNotNull();
            assertThat(r.kind()).isEqualTo(InboundMessage.Kind.LABEL);
            assertThat(r.stream()).isEqualTo(label);
        } else {
            assertThat(r).isNull();
        }
    }
}
