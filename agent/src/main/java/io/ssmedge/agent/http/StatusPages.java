package io.ssmedge.agent.http;

import io.ssmedge.agent.command.CommandDispatcher;
import io.ssmedge.agent.metrics.MetricsExposition;

/** What the HTTP server shows; implemented by the daemon. Called on the server's event loop thread. */
public interface StatusPages {
    /** /readyz: connected to the broker and the model loaded. */
    boolean ready();

    /** Why not ready (shown by /readyz), empty when ready. */
    String readiness();

    /** /metrics in the format the Accept header asks for (null: the Prometheus text format). */
    MetricsExposition metrics(String accept);

    /** /api/status as JSON. */
    byte[] statusJson();

    /**
     * /api/status with the query's options: {@code streams_limit=N} lists at most N streams (sorted by name) and
     * {@code stream_filter=TEXT} only streams whose name contains TEXT (the dashboard's table); without options the
     * same as {@link #statusJson()}.
     */
    default byte[] statusJson(java.util.Map<String, String> query) {
        return statusJson();
    }

    /** /api/history?since=MS: the dashboard's curves of the last hour (points after {@code sinceMillis}). */
    default byte[] historyJson(long sinceMillis) {
        return "{\"period_seconds\":10,\"points\":[]}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    /** Where POST /api/commands/{name} goes (the same place as signed MQTT commands). */
    CommandDispatcher commands();
}
