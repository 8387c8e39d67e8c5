package io.ssmedge.format;

import io.ssmedge.SsmEdgeException;

import java.util.Arrays;

/**
 * A model file (safetensors or config.json) is malformed or does not match what the model needs.
 * The message always starts with the file and, where it applies, names the tensor or key with the
 * expected and the actual value.
 */
public class ModelFormatException extends SsmEdgeException {
    private static final long serialVersionUID = 1L;

    public ModelFormatException(String message) {
        super(message);
    }

    public ModelFormatException(String message, Throwable cause) {
        super(message, cause);
    }

    /** {@code file: tensor 'name': expected shape [..], got [..]}. */
    public static ModelFormatException shape(String file, String tensor, int[] expected, int[] actual) {
        return new ModelFormatException(file + ": tensor '" + tensor + "': expected shape "
                + Arrays.toString(expected) + ", got " + Arrays.toString(actual));
    }

    /** {@code file: tensor 'name': what}. */
    public static ModelFormatException tensor(String file, String tensor, String what) {
        return new ModelFormatException(file + ": tensor '" + tensor + "': " + what);
    }

    /** {@code file: tensor 'name' is missing (...)}. */
    public static ModelFormatException missing(String file, String tensor, String why) {
        return new ModelFormatException(file + ": tensor '" + tensor + "' is missing" + (why == null ? "" : " (" + why + ")"));
    }
}
