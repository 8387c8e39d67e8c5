package io.ssmedge.data;

import io.ssmedge.format.DType;
import io.ssmedge.format.ModelFormatException;
import io.ssmedge.format.SafetensorsFile;
import io.ssmedge.format.Tensor;

import java.nio.file.Path;

/**
 * Windows stored as safetensors, as in the conformance {@code expected.safetensors}: {@code x_test}
 * (N, L, d) float32 and {@code y_test} (N) int32. Other tensor names can be chosen.
 */
public final class DatasetFile {
    public static final String X = "x_test";
    public static final String X_RAW = "x_test_raw";
    public static final String Y = "y_test";

    private DatasetFile() {
    }

    /**
     * @param raw     true when the stored values are raw sensor values that still need normalization;
     *                with {@code xName} null this picks {@code x_test_raw} when present
     * @param xName   tensor with the windows, or null for the default
     * @param yName   tensor with the labels, or null for {@code y_test} (optional)
     */
    public static WindowSet read(Path file, boolean raw, String xName, String yName) {
        SafetensorsFile f = SafetensorsFile.read(file);
        String xn = xName != null ? xName : (raw && f.has(X_RAW) ? X_RAW : X);
        if (!f.has(xn)) {
            throw ModelFormatException.missing(f.source(), xn, "expected the windows as (N, L, d) float32");
        }
        Tensor x = f.get(xn);
        if (x.rank() != 3 || !x.dtype().isFloat()) {
            throw ModelFormatException.tensor(f.source(), xn, "expected (N, L, d) F32 windows, got " + x.dtype()
                    + java.util.Arrays.toString(x.shape()));
        }
        int n = x.dim(0);
        int[] labels = null;
        String yn = yName != null ? yName : Y;
        if (f.has(yn)) {
            Tensor y = f.get(yn);
            if (y.dtype() != DType.I32 && y.dtype() != DType.I64) {
                throw ModelFormatException.tensor(f.source(), yn, "expected I32 labels, got " + y.dtype());
            }
            if (!y.hasShape(n)) {
                throw ModelFormatException.shape(f.source(), yn, new int[]{n}, y.shape());
            }
            labels = y.toInts();
        } else if (yName != null) {
            throw ModelFormatException.missing(f.source(), yn, "labels (N) int32");
        }
        float[] xs = x.toFloats();
        for (int i = 0; i < xs.length; i++) {
            if (!Float.isFinite(xs[i])) {
                int per = x.dim(1) * x.dim(2);
                throw ModelFormatException.tensor(f.source(), xn, "window " + (i / per) + " holds " + xs[i]
                        + "; inputs must be finite");
            }
        }
        return new WindowSet(xs, labels, n, x.dim(1), x.dim(2), !raw);
    }
}
