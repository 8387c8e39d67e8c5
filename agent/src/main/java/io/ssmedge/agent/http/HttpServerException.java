package io.ssmedge.agent.http;

import io.ssmedge.SsmEdgeException;

/** The status server cannot start (port in use, unreadable token file, …). */
public class HttpServerException extends SsmEdgeException {
    private static final long serialVersionUID = 1L;

    public HttpServerException(String message) {
        super(message);
    }

    public HttpServerException(String message, Throwable cause) {
        super(message, cause);
    }
}
