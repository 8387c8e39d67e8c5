package io.ssmedge.data;

import io.ssmedge.SsmEdgeException;

/** A data file (CSV, dataset safetensors, sensor payload) is malformed; the message names file, line and column. */
public class DataFormatException extends SsmEdgeException {
    private static final long serialVersionUID = 1L;

    public DataFormatException(String message) {
        super(message);
    }

    public DataFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
