package io.ssmedge.agent.http;

import io.ssmedge.agent.command.CommandDispatcher;

/** What the HTTP server shows; implemented by the daemon. Called on the server's event loop thread. */
public interface StatusPages {
    /** /readyz: connected to the broker and the model loaded. */
    boolean ready();

    /** Why not ready (shown by /readyz), empty when ready. */
    String readiness();

    /** /metrics in the Prometheus text format. */
    String prometheus();

    /** /api/status as JSON. */
    byte[] statusJson();

    /** Where POST /api/commands/{name} goes (the same place as signed MQTT commands). */
    CommandDispatcher commands();
}
