package io.ssmedge.agent.mqtt;

import io.ssmedge.SsmEdgeException;

/** The broker connection failed or refused something; the message says which broker and why. */
public class MqttException extends SsmEdgeException {
    private static final long serialVersionUID = 1L;

    public MqttException(String message) {
        super(message);
    }

    public MqttException(String message, Throwable cause) {
        super(message, cause);
    }
}
