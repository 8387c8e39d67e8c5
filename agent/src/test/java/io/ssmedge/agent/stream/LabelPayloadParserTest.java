package io.ssmedge.agent.stream;

import io.ssmedge.agent.config.PayloadFormat;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LabelPayloadParserTest {
    final LabelPayloadParser parser = new LabelPayloadParser(PayloadFormat.AUTO, 1000, List.of("normal", "anomaly"));
    final LabelBatch out = new LabelBatch();

    private void parse(String s) {
        parser.parse(s.getBytes(StandardCharsets.UTF_8), out);
    }

    @Test
    void formats() {
        parse("{\"ts\": 10, \"label\": 1}");
        assertThat(out.ts(0)).isEqualTo(10.0);
        assertThat(out.label(0)).isEqualTo(1);
        parse("[{\"ts\": 10, \"label\": \"normal\"}, {\"ts\": \"11\", \"label\": 1.0}]");
        assertThat(out.count()).isEqualTo(2);
        assertThat(out.label(0)).isZero();
        assertThat(out.label(1)).isEqualTo(1);
        parse("10,1\n11;anomaly\n");
        assertThat(out.count()).isEqualTo(2);
        assertThat(out.ts(1)).isEqualTo(11.0);
    }

    @Test
    void rejections() {
        assertThatThrownBy(() -> parse("{\"label\": 1}")).isInstanceOfSatisfying(PayloadException.class,
                e -> assertThat(e.reason()).isEqualTo(RejectReason.BAD_TIMESTAMP));
        assertThatThrownBy(() -> parse("{\"ts\": 1, \"label\": 2}")).isInstanceOfSatisfying(PayloadException.class,
                e -> assertThat(e.reason()).isEqualTo(RejectReason.UNKNOWN_CLASS))
                .hasMessageContaining("0 = normal, 1 = anomaly");
        assertThatThrownBy(() -> parse("1,2,3")).isInstanceOfSatisfying(PayloadException.class,
                e -> assertThat(e.reason()).isEqualTo(RejectReason.BAD_CSV));
    }
}
