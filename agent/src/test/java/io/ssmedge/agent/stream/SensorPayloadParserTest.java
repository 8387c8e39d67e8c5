package io.ssmedge.agent.stream;

import io.ssmedge.agent.config.PayloadFormat;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SensorPayloadParserTest {
    static final List<String> CH = List.of("a", "b", "c");
    final SensorPayloadParser parser = new SensorPayloadParser(PayloadFormat.AUTO, 1000, CH);
    final SampleBatch out = new SampleBatch(3);

    private void parse(String s) {
        parser.parse(s.getBytes(StandardCharsets.UTF_8), out);
    }

    private float[] row(int i) {
        float[] r = new float[3];
        out.copyRow(i, r);
        return r;
    }

    @Test
    void jsonValues() {
        parse("{\"ts\": 1000.5, \"values\": [1, 2.5, -3e-2], \"stream\": \"x\"}");
        assertThat(out.count()).isEqualTo(1);
        assertThat(out.ts(0)).isEqualTo(1000.5);
        assertThat(row(0)).containsExactly(1f, 2.5f, -0.03f);
    }

    @Test
    void jsonNamedChannelsInModelOrder() {
        parse("{\"c\": 3, \"ts\": \"2020-03-09 10:14:33\", \"a\": 1, \"b\": 2, \"unit\": {\"x\": [1]}}");
        assertThat(row(0)).containsExactly(1f, 2f, 3f);
        assertThat(out.ts(0)).isEqualTo(1583748873000.0);
    }

    @Test
    void jsonArrayOfSamplesAndMissingTs() {
        parse("[{\"values\":[1,2,3]}, {\"ts\":5,\"values\":[4,5,6]}]");
        assertThat(out.count()).isEqualTo(2);
        assertThat(out.ts(0)).isNaN();
        assertThat(row(1)).containsExactly(4f, 5f, 6f);
    }

    @Test
    void csvWithAndWithoutTs() {
        parse("1,2,3\n2020-03-09T10:14:33Z;4;5;6\r\n\n7,8,9,10\n");
        assertThat(out.count()).isEqualTo(3);
        assertThat(out.ts(0)).isNaN();
        assertThat(out.ts(1)).isEqualTo(1583748873000.0);
        assertThat(out.ts(2)).isEqualTo(7.0);
        assertThat(row(2)).containsExactly(8f, 9f, 10f);
    }

    @Test
    void rejectionsAreClassified() {
        expect("{\"values\": [1, 2, 3]", RejectReason.BAD_JSON);
        expect("{\"values\": [1, 2]}", RejectReason.WRONG_CHANNEL_COUNT);
        expect("{\"values\": [1, 2, 3, 4, 5]}", RejectReason.WRONG_CHANNEL_COUNT);
        expect("{\"values\": [1, NaN, 3]}", RejectReason.NOT_A_NUMBER);
        expect("{\"values\": [1, \"2\", 3]}", RejectReason.NOT_A_NUMBER);
        expect("{\"values\": [1, null, 3]}", RejectReason.NOT_A_NUMBER);
        expect("{\"a\": 1, \"b\": 2}", RejectReason.MISSING_CHANNEL);
        expect("{\"ts\": \"yesterday\", \"values\": [1, 2, 3]}", RejectReason.BAD_TIMESTAMP);
        expect("{\"ts\": [1], \"values\": [1, 2, 3]}", RejectReason.BAD_TIMESTAMP);
        expect("1,2", RejectReason.WRONG_CHANNEL_COUNT);
        expect("1,x,3", RejectReason.NOT_A_NUMBER);
        expect("1,NaN,3", RejectReason.NOT_A_NUMBER);
        expect("   ", RejectReason.EMPTY);
        expect("", RejectReason.EMPTY);
        expect("[]", RejectReason.EMPTY);
        expect("{\"values\":[1,2,3]} x", RejectReason.BAD_JSON);
        expect("x".repeat(1001), RejectReason.TOO_LARGE);
    }

    @Test
    void messagesExplainTheProblem() {
        assertThatThrownBy(() -> parse("{\"values\": [1, 2]}"))
                .hasMessage("expected 3 values (a, b, c), got 2");
        assertThatThrownBy(() -> parse("{\"a\": 1, \"c\": 2}"))
                .hasMessage("channel 'b' is missing (the model needs a, b, c)");
    }

    @Test
    void rejectionLeavesBatchEmpty() {
        expect("[{\"values\":[1,2,3]}, {\"values\":[1,2]}]", RejectReason.WRONG_CHANNEL_COUNT);
        assertThat(out.count()).isZero();
    }

    @Test
    void forcedFormat() {
        SensorPayloadParser csv = new SensorPayloadParser(PayloadFormat.CSV, 1000, CH);
        assertThatThrownBy(() -> csv.parse("{\"values\":[1,2,3]}".getBytes(StandardCharsets.UTF_8), out))
                .isInstanceOf(PayloadException.class);
    }

    private void expect(String payload, RejectReason reason) {
        assertThatThrownBy(() -> parse(payload)).as(payload).isInstanceOfSatisfying(PayloadException.class,
                e -> assertThat(e.reason()).as(payload + ": " + e.getMessage()).isEqualTo(reason));
    }
}
