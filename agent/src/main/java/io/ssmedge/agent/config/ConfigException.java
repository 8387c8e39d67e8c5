package io.ssmedge.agent.config;

import io.ssmedge.SsmEdgeException;

/** The agent's configuration file is invalid; the message names the file, the key and what is expected. */
public class ConfigException extends SsmEdgeException {
    private static final long serialVersionUID = 1L;

    public ConfigException(String message) {
        super(message);
    }

    public ConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
