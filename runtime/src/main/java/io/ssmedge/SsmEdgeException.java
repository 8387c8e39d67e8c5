package io.ssmedge;

/**
 * Base of every exception ssm-edge throws on purpose. Each subclass names what was wrong
 * (file, tensor, key, expected versus actual) so a plant engineer can act on the message alone.
 */
public class SsmEdgeException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public SsmEdgeException(String message) {
        super(message);
    }

    public SsmEdgeException(String message, Throwable cause) {
        super(message, cause);
    }
}
