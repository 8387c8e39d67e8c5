package io.ssmedge.agent.stream;

import io.ssmedge.data.DataFormatException;

/** A message's payload cannot be used; {@link #reason()} classifies it for metrics, the message explains it. */
public class PayloadException extends DataFormatException {
    private static final long serialVersionUID = 1L;
    private final RejectReason reason;

    public PayloadException(RejectReason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public RejectReason reason() {
        return reason;
    }
}
