package io.ssmedge.format;

import java.util.Arrays;
import java.util.Objects;

/**
 * One named tensor: a dtype, a shape and its elements in row-major order, held as the matching
 * Java array ({@code float[]}, {@code double[]}, {@code int[]} or {@code long[]}).
 * The arrays handed in and out are never copied: treat them as read-only.
 */
public final class Tensor {
    private final String name;
    private final DType dtype;
    private final int[] shape;
    private final Object data;

    private Tensor(String name, DType dtype, int[] shape, Object data, int length) {
        this.name = Objects.requireNonNull(name, "name");
        this.dtype = dtype;
        this.shape = shape.clone();
        long n = numel(this.shape);
        if (n != length) {
            throw new IllegalArgumentException("tensor '" + name + "': shape " + Arrays.toString(shape)
                    + " needs " + n + " elements, got " + length);
        }
        this.data = data;
    }

    public static Tensor f32(String name, float[] data, int... shape) {
        return new Tensor(name, DType.F32, shape, data, data.length);
    }

    public static Tensor f64(String name, double[] data, int... shape) {
        return new Tensor(name, DType.F64, shape, data, data.length);
    }

    public static Tensor i32(String name, int[] data, int... shape) {
        return new Tensor(name, DType.I32, shape, data, data.length);
    }

    public static Tensor i64(String name, long[] data, int... shape) {
        return new Tensor(name, DType.I64, shape, data, data.length);
    }

    /** Number of elements of a shape; -1 if it overflows a long or a dimension is negative. */
    public static long numel(int[] shape) {
        long n = 1;
        for (int d : shape) {
            if (d < 0) {
                return -1;
            }
            try {
                n = Math.multiplyExact(n, (long) d);
            } catch (ArithmeticException e) {
                return -1;
            }
        }
        return n;
    }

    public String name() {
        return name;
    }

    public DType dtype() {
        return dtype;
    }

    public int[] shape() {
        return shape.clone();
    }

    public int rank() {
        return shape.length;
    }

    public int dim(int i) {
        return shape[i];
    }

    public int numel() {
        return (int) numel(shape);
    }

    public boolean hasShape(int... expected) {
        return Arrays.equals(shape, expected);
    }

    /** The F32 elements (no copy). */
    public float[] floats() {
        requireType(DType.F32);
        return (float[]) data;
    }

    /** The F64 elements (no copy). */
    public double[] doubles() {
        requireType(DType.F64);
        return (double[]) data;
    }

    /** The I32 elements (no copy). */
    public int[] ints() {
        requireType(DType.I32);
        return (int[]) data;
    }

    /** The I64 elements (no copy). */
    public long[] longs() {
        requireType(DType.I64);
        return (long[]) data;
    }

    /** Elements as float64, converting from any dtype (a new array unless already F64). */
    public double[] toDoubles() {
        switch (dtype) {
            case F64:
                return (double[]) data;
            case F32: {
                float[] f = (float[]) data;
                double[] out = new double[f.length];
                for (int i = 0; i < f.length; i++) {
                    out[i] = f[i];
                }
                return out;
            }
            case I32: {
                int[] v = (int[]) data;
                double[] out = new double[v.length];
                for (int i = 0; i < v.length; i++) {
                    out[i] = v[i];
                }
                return out;
            }
            default: {
                long[] v = (long[]) data;
                double[] out = new double[v.length];
                for (int i = 0; i < v.length; i++) {
                    out[i] = v[i];
                }
                return out;
            }
        }
    }

    /** Elements as float32 (F32 without copy; F64 rounded; integers converted). */
    public float[] toFloats() {
        if (dtype == DType.F32) {
            return (float[]) data;
        }
        double[] d = toDoubles();
        float[] out = new float[d.length];
        for (int i = 0; i < d.length; i++) {
            out[i] = (float) d[i];
        }
        return out;
    }

    /** Elements as int (I32 without copy; I64 checked for range); float types are refused. */
    public int[] toInts() {
        if (dtype == DType.I32) {
            return (int[]) data;
        }
        if (dtype == DType.I64) {
            long[] v = (long[]) data;
            int[] out = new int[v.length];
            for (int i = 0; i < v.length; i++) {
                out[i] = Math.toIntExact(v[i]);
            }
            return out;
        }
        throw new IllegalStateException("tensor '" + name + "' is " + dtype + ", not an integer type");
    }

    /** Raw backing array (float[], double[], int[] or long[]). */
    Object data() {
        return data;
    }

    private void requireType(DType t) {
        if (dtype != t) {
            throw new IllegalStateException("tensor '" + name + "' is " + dtype + ", not " + t);
        }
    }

    @Override
    public String toString() {
        return name + " " + dtype + Arrays.toString(shape);
    }
}
