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

    /** Where POST /api/commands/{name} goes (the same place as signed MQTT commands). */
    CommandDispatcher commands();
}
