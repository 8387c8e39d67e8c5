package io.ssmedge.model;

/**
 * One layer's discrete system in float64, as a discretizer computes it from the checkpoint: the diagonal Λ̄ and
 * B̄. Computed once at load to build the float32 step arrays, and again on demand for norms, pruning and reports
 * (models do not keep it).
 *
 * @param lambdaRe (U) Re λ̄
 * @param lambdaIm (U) Im λ̄
 * @param bRe      Re B̄: (P, H) for S5 (row i for state i), (U) for S4D (one input channel per unit)
 * @param bIm      Im B̄, same shape
 */
public record DiscreteLayer(double[] lambdaRe, double[] lambdaIm, double[] bRe, double[] bIm) {
}
