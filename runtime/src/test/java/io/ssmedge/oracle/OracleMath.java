package io.ssmedge.oracle;

/** Double-precision building blocks of the oracles, written from the formulas, independent of the runtime. */
final class OracleMath {
    private OracleMath() {
    }

    /** float → double, element-wise. */
    static double[] toDouble(float[] x) {
        double[] d = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            d[i] = x[i];
        }
        return d;
    }

    /** The classifier head's input: mean over time (pool) or the last step (last). */
    static double[] readout(double[][] seq, io.ssmedge.model.HeadMode mode) {
        if (mode == io.ssmedge.model.HeadMode.LAST) {
            return seq[seq.length - 1];
        }
        double[] feat = new double[seq[0].length];
        for (double[] v : seq) {
            for (int k = 0; k < feat.length; k++) {
                feat[k] += v[k] / seq.length;
            }
        }
        return feat;
    }

    /** x @ W + b with W (in, out) row-major. */
    static double[] dense(double[] x, float[] w, float[] b, int out) {
        double[] y = new double[out];
        for (int j = 0; j < out; j++) {
            double s = b == null ? 0 : b[j];
            for (int i = 0; i < x.length; i++) {
                s += x[i] * w[i * out + j];
            }
            y[j] = s;
        }
        return y;
    }

    /** W x + b with W (out, in) row-major (PyTorch Linear). */
    static double[] linear(double[] x, float[] w, float[] b, int out) {
        double[] y = new double[out];
        for (int j = 0; j < out; j++) {
            double s = b[j];
            for (int i = 0; i < x.length; i++) {
                s += w[j * x.length + i] * x[i];
            }
            y[j] = s;
        }
        return y;
    }

    static double[] layerNorm(double[] x, float[] scale, float[] bias, double eps) {
        double mean = 0;
        for (double v : x) {
            mean += v;
        }
        mean /= x.length;
        double var = 0;
        for (double v : x) {
            var += (v - mean) * (v - mean);
        }
        var /= x.length;
        double[] y = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            y[i] = (x[i] - mean) / Math.sqrt(var + eps) * scale[i] + bias[i];
        }
        return y;
    }

    static double geluTanh(double x) {
        return 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x)));
    }

    static double geluErf(double x) {
        return 0.5 * x * (1 + erf(x / Math.sqrt(2)));
    }

    static double sigmoid(double x) {
        return 1 / (1 + Math.exp(-x));
    }

    /** erf by its Taylor series (|x| < 3) or the Laplace continued fraction of erfc (|x| ≥ 3). */
    static double erf(double x) {
        double a = Math.abs(x);
        double r;
        if (a < 3) {
            double sum = 0;
            double term = a;
            for (int n = 0; n < 200; n++) {
                sum += term / (2 * n + 1);
                term *= -a * a / (n + 1);
                if (Math.abs(term) < 1e-18) {
                    break;
                }
            }
            r = 2 / Math.sqrt(Math.PI) * sum;
        } else {
            double f = 0;
            for (int k = 60; k >= 1; k--) {
                f = k / 2.0 / (a + f);
            }
            r = 1 - Math.exp(-a * a) / Math.sqrt(Math.PI) / (a + f);
        }
        return x < 0 ? -r : r;
    }

    static double[] logSoftmax(double[] l) {
        double m = Double.NEGATIVE_INFINITY;
        for (double v : l) {
            m = Math.max(m, v);
        }
        double s = 0;
        for (double v : l) {
            s += Math.exp(v - m);
        }
        double lse = m + Math.log(s);
        double[] out = new double[l.length];
        for (int i = 0; i < l.length; i++) {
            out[i] = l[i] - lse;
        }
        return out;
    }
}
