package io.ssmedge.agent.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ssmedge.agent.stream.InboundMessage;
import io.ssmedge.agent.stream.RejectReason;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The dashboard's in-memory rings: the last hour of curve points and the last rejections. */
class StatusHistoryTest {
    @Test
    void keepsTheNewestPointsInOrderAndAnswersSince() throws Exception {
        try (StatusHistory h = new StatusHistory(3, 10)) {
            for (int i = 1; i <= 5; i++) {
                h.add(new StatusHistory.Point(1000L * i, i, 2 * i, 100 * i, i == 1 ? Double.NaN : 0.9, 0.01, 0.2, i));
            }
            JsonNode all = new ObjectMapper().readTree(h.json(0));
            assertThat(all.get("period_seconds").asInt()).isEqualTo(10);
            assertThat(all.get("points")).hasSize(3);
            assertThat(all.get("points").get(0).get(0).asLong()).isEqualTo(3000); // 1 and 2 were overwritten
            assertThat(all.get("points").get(2).get(0).asLong()).isEqualTo(5000);
            assertThat(all.get("points").get(2).get(2).asDouble()).isEqualTo(10.0);
            JsonNode since = new ObjectMapper().readTree(h.json(4000));
            assertThat(since.get("points")).hasSize(1);
            assertThat(since.get("points").get(0).get(7).asLong()).isEqualTo(5);
        }
        try (StatusHistory h = new StatusHistory(5, 10)) {
            h.add(new StatusHistory.Point(1, Double.NaN, Double.NaN, 0, Double.NaN, Double.NaN, Double.NaN, 0));
            assertThat(new ObjectMapper().readTree(h.json(0)).get("points").get(0).get(1).isNull()).isTrue();
        }
    }

    @Test
    void recentRejectionsNewestFirstAndPassedOn() {
        List<String> passed = new ArrayList<>();
        RecentRejections r = new RecentRejections((stream, kind, reason, message) -> passed.add(stream), 2);
        r.rejected("a", InboundMessage.Kind.SENSOR, RejectReason.BAD_JSON, "x");
        r.rejected("b", InboundMessage.Kind.SENSOR, RejectReason.NOT_A_NUMBER, "y");
        r.rejected("c", InboundMessage.Kind.LABEL, RejectReason.BAD_JSON, "z".repeat(500));
        assertThat(passed).containsExactly("a", "b", "c");
        assertThat(r.recent()).extracting(RecentRejections.Rejection::stream).containsExactly("c", "b");
        assertThat(r.recent().get(0).message()).hasSize(300);
        assertThat(r.recent().get(0).kind()).isEqualTo("label");
    }
}
