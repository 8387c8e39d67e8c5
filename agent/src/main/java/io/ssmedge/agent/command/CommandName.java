package io.ssmedge.agent.command;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * The operator commands a gateway understands, whatever carries them (HTTP API, dashboard button, signed MQTT
 * command). The wire name is the lower-case form with '-' (e.g. {@code retry-stage}).
 */
public enum CommandName {
    /** Hold the staged rollout where it is (serving model unchanged). */
    PAUSE,
    /** Continue a paused rollout. */
    RESUME,
    /** Serve the last good model again, at once. */
    ROLLBACK,
    /** Try the current (or quarantined) stage again, ignoring its backoff. */
    RETRY_STAGE,
    /** Run the current stage's gates again from the start. */
    RERUN_GATES,
    /** Load the model named in the configuration again (after delivery of a new model). */
    RELOAD_MODEL,
    /** Forget one stream's state (argument {@code stream}): its windows restart and its last ts is cleared. */
    RESET_STREAM;

    /** The name used on the wire: {@code retry-stage}. */
    public String wire() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** Parses a wire name ({@code retry-stage} or {@code retry_stage}, any case). */
    public static Optional<CommandName> parse(String s) {
        if (s == null) {
            return Optional.empty();
        }
        String n = s.trim().toUpperCase(Locale.ROOT).replace('-', '_');
        return Arrays.stream(values()).filter(c -> c.name().equals(n)).findFirst();
    }
}
