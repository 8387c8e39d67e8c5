package io.ssmedge.model;

/**
 * One layer's discretized linear system in float64, for offline analysis (H∞ norms, pruning
 * scores, reports): x_k = Λ̄ x_{k−1} + B̄ u_k, y_k = C̃ x_k (+ conjugates) + D u_k.
 * Unit i of the layer is the one-state subsystem (λ̄_i, row i of B̄, column i of C̃).
 *
 * @param width      H, inputs and outputs of the layer
 * @param units      P, complex states stored (for S4D: (channel, state) pairs)
 * @param lambdaRe   (P) Re λ̄
 * @param lambdaIm   (P) Im λ̄
 * @param bRe        (P, H) Re B̄
 * @param bIm        (P, H) Im B̄
 * @param cRe        (H, P) Re C̃
 * @param cIm        (H, P) Im C̃
 * @param d          (H) feed-through
 * @param conjugatePairs true when each stored state stands for a conjugate pair (output 2·Re(C̃x))
 * @param channelOfUnit (P) for multi-SISO layers the channel each unit belongs to, else null
 */
public record LayerSystem(int width, int units, double[] lambdaRe, double[] lambdaIm, double[] bRe, double[] bIm,
                          double[] cRe, double[] cIm, double[] d, boolean conjugatePairs, int[] channelOfUnit) {

    /** |λ̄_i|. */
    public double poleMagnitude(int i) {
        return Math.hypot(lambdaRe[i], lambdaIm[i]);
    }

    /** ‖B̄[i, :]‖² (squared Euclidean norm of row i). */
    public double bRowNorm2(int i) {
        double s = 0;
        for (int h = 0; h < width; h++) {
            double re = bRe[i * width + h];
            double im = bIm[i * width + h];
            s += re * re + im * im;
        }
        return s;
    }

    /** ‖C̃[:, i]‖² (squared Euclidean norm of column i). */
    public double cColNorm2(int i) {
        double s = 0;
        for (int h = 0; h < width; h++) {
            double re = cRe[h * units + i];
            double im = cIm[h * units + i];
            s += re * re + im * im;
        }
        return s;
    }

    /** Largest |λ̄| of the layer (0 for a layer without states). */
    public double maxPoleMagnitude() {
        double m = 0;
        for (int i = 0; i < units; i++) {
            m = Math.max(m, poleMagnitude(i));
        }
        return m;
    }
}
