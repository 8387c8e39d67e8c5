package io.ssmedge.agent.stream;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class TopicFilterTest {
    @Test
    void streamIsTheFirstPlusLevel() {
        TopicFilter f = new TopicFilter("factory/line3/+/sensors");
        assertThat(f.streamOf("factory/line3/pump7/sensors")).isEqualTo("pump7");
        assertThat(f.streamOf("factory/line3/pump7/labels")).isNull();
        assertThat(f.streamOf("factory/line3/pump7/sensors/x")).isNull();
        assertThat(f.streamOf("factory/line3//sensors")).isNull();
        assertThat(f.streamOf("factory/line4/pump7/sensors")).isNull();
        TopicFilter g = new TopicFilter("plant/+/+/#");
        assertThat(g.streamOf("plant/a/b/c/d")).isEqualTo("a");
        assertThat(g.streamOf("plant/a/b")).isEqualTo("a");
        assertThat(g.streamOf("other/a/b")).isNull();
    }
}
