package io.ssmedge.agent.rollout.store;

import io.ssmedge.SsmEdgeException;

/** A stored pruned model is missing or its bytes do not match the SHA-256 recorded for it. */
public class ModelVerificationException extends SsmEdgeException {
    private static final long serialVersionUID = 1L;

    public ModelVerificationException(String message) {
        super(message);
    }
}
