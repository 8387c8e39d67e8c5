package io.ssmedge.agent.stream;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link TopicFilter#streamOf} against the matching rule written plainly with {@code String.split} as oracle. */
class TopicFilterProperties {
    /** MQTT matching as in the specification (§4.7), level by level, on split strings; the stream is the first '+'. */
    static String oracle(String filter, String topic) {
        String[] levels = filter.split("/", -1);
        String[] t = topic.split("/", -1);
        int streamLevel = java.util.Arrays.asList(levels).indexOf("+");
        for (int i = 0; i < levels.length; i++) {
            if (levels[i].equals("#")) {
                break;
            }
            if (i >= t.length || !levels[i].equals("+") && !levels[i].equals(t[i])) {
                return null;
            }
        }
        if (!levels[levels.length - 1].equals("#") && t.length != levels.length) {
            return null;
        }
        String s = t[streamLevel];
        return s.isEmpty() ? null : s;
    }

    @Provide
    Arbitrary<String> filters() {
        Arbitrary<String> level = Arbitraries.of("a", "b", "ab", "+", "+", "");
        return Combinators.combine(level.list().ofMinSize(0).ofMaxSize(3), Arbitraries.of("+", "+/+"),
                level.list().ofMinSize(0).ofMaxSize(3), Arbitraries.of("", "/#"))
                .as((before, plus, after, hash) -> {
                    StringBuilder b = new StringBuilder();
                    before.forEach(l -> b.append(l).append('/'));
                    b.append(plus);
                    after.forEach(l -> b.append('/').append(l));
                    return b.append(hash).toString();
                });
    }

    @Provide
    Arbitrary<String> topics() {
        return Arbitraries.of("a", "b", "ab", "x", "", "a/", "/").list().ofMinSize(1).ofMaxSize(7)
                .map(l -> String.join("/", l));
    }

    @Property(tries = 20_000)
    void streamsAsTheOracle(@ForAll("filters") String filter, @ForAll("topics") String topic) {
        assertThat(new TopicFilter(filter).streamOf(topic)).as("%s against %s", topic, filter)
                .isEqualTo(oracle(filter, topic));
    }
}
