package io.ssmedge.oracle;

import io.ssmedge.model.HeadMode;

/**
 * A float64 reference implementation of a whole classifier: encoder → layers (whole sequences) →
 * pool/last → decoder → log-softmax.
 */
public abstract class ClassifierOracle {
    /** Input projection of one sample. */
    abstract double[] encode(double[] x);

    /** Number of layers. */
    abstract int layers();

    /** Layer l applied to a whole sequence (L, H). */
    abstract double[][] layer(int l, double[][] seq);

    abstract HeadMode mode();

    /** Decoder logits of the head's input. */
    abstract double[] decode(double[] feat);

    /** Log-probabilities of one window x (L, d_input) of normalized inputs. */
    public double[] logp(float[][] x) {
        double[][] seq = new double[x.length][];
        for (int t = 0; t < x.length; t++) {
            seq[t] = encode(OracleMath.toDouble(x[t]));
        }
        for (int l = 0; l < layers(); l++) {
            seq = layer(l, seq);
        }
        return OracleMath.logSoftmax(decode(OracleMath.readout(seq, mode())));
    }
}
