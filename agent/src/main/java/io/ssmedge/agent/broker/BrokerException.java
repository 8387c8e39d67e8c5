package io.ssmedge.agent.broker;

import io.ssmedge.SsmEdgeException;

/** The embedded broker could not start (port taken, bad certificate, unreadable users file, ...). */
public final class BrokerException extends SsmEdgeException {
    private static final long serialVersionUID = 1L;

    public BrokerException(String message) {
        super(message);
    }

    public BrokerException(String message, Throwable cause) {
        super(message, cause);
    }
}
