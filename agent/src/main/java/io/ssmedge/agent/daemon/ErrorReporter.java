package io.ssmedge.agent.daemon;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.ssmedge.agent.logging.LogThrottle;
import io.ssmedge.agent.metrics.AgentMetrics;
import io.ssmedge.agent.mqtt.MqttConnection;
import io.ssmedge.agent.mqtt.MqttException;
import io.ssmedge.agent.stream.InboundMessage;
import io.ssmedge.agent.stream.RejectReason;
import io.ssmedge.agent.stream.RejectionListener;
import io.ssmedge.agent.stream.Timestamps;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;

/**
 * Tells the plant about rejected messages: a JSON report on the error topic
 * ({@code {"stream":"pump7","kind":"sensor","reason":"not_a_number","message":"values[2] must be a finite number, found NaN","ts":…,"suppressed":0}})
 * at most {@value #REPORTS_PER_SECOND} per second per reason (the rest are counted as suppressed and in /metrics),
 * and one log line per reason at most every 10 s. (Counting per reason in metrics is the worker's job.)
 */
public final class ErrorReporter implements RejectionListener {
    static final int REPORTS_PER_SECOND = 10;
    private static final Logger log = LoggerFactory.getLogger(ErrorReporter.class);
    private static final JsonFactory JSON = new JsonFactory();

    private final MqttConnection connection;
    private final String topic;
    private final AgentMetrics metrics;
    private final Map<RejectReason, Budget> budgets = new EnumMap<>(RejectReason.class);

    public ErrorReporter(MqttConnection connection, String topic, AgentMetrics metrics) {
        this.connection = connection;
        this.topic = topic;
        this.metrics = metrics;
        for (RejectReason r : RejectReason.values()) {
            budgets.put(r, new Budget());
        }
    }

    /** Reports per second and log lines per 10 s of one reason. */
    private static final class Budget {
        long second;
        int sent;
        long suppressed;
        final LogThrottle logLines = new LogThrottle(Duration.ofSeconds(10));
    }

    @Override
    public void rejected(String stream, InboundMessage.Kind kind, RejectReason reason, String message) {
        Budget b = budgets.get(reason);
        long suppressed;
        synchronized (b) {
            long now = System.nanoTime();
            long second = now / 1_000_000_000L;
            if (second != b.second) {
                b.second = second;
                b.sent = 0;
            }
            if (b.sent >= REPORTS_PER_SECOND) {
                b.suppressed++;
                metrics.errorReportsSuppressed.increment();
                suppressed = -1;
            } else {
                b.sent++;
                suppressed = b.suppressed;
                b.suppressed = 0;
            }
        }
        long n = b.logLines.due();
        if (n > 0) {
            log.warn("rejected {} message{} ({}) since the previous warning, e.g. stream '{}': {}", n,
                    n == 1 ? "" : "s", reason.key(), stream, message);
        }
        if (suppressed >= 0) {
            try {
                connection.publish(topic, report(stream, kind, reason, message, suppressed), 0, false);
            } catch (MqttException e) {
                log.debug("error report not published: {}", e.getMessage());
            }
        }
    }

    static byte[] report(String stream, InboundMessage.Kind kind, RejectReason reason, String message, long suppressed) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("stream", stream);
            g.writeStringField("kind", kind.name().toLowerCase(Locale.ROOT));
            g.writeStringField("reason", reason.key());
            g.writeStringField("message", message);
            g.writeNumberField("ts", Timestamps.nowMillis());
            g.writeNumberField("suppressed", suppressed);
            g.writeEndObject();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return out.toByteArray();
    }
}
