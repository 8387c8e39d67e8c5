package io.ssmedge.agent.control;

import java.util.Locale;

/**
 * A received document (configuration, command or key rotation) that the gateway refuses; nothing changes. The
 * message is one sentence for the operator and goes into the acknowledgement as {@code reason}.
 */
public final class Refusal extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Why, as a stable word for scripts ({@code code} in the acknowledgement). */
    public enum Code {
        TOO_LARGE, MALFORMED, NO_SIGNATURE, UNKNOWN_KEY, BAD_SIGNATURE, NOT_ENOUGH_SIGNATURES, WRONG_KIND,
        NOT_FOR_THIS_GATEWAY, EXPIRED, NOT_YET_VALID, VERSION_NOT_GREATER, INVALID_CONTENT, MODEL_MISMATCH,
        COMMAND_TOO_OLD, COMMAND_REPLAYED, NOT_STARTED;

        /** {@code version_not_greater} */
        public String key() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final Code code;

    public Refusal(Code code, String message) {
        super(message, null, false, false);
        this.code = code;
    }

    public Code code() {
        return code;
    }
}
