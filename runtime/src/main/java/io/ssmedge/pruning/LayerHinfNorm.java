package io.ssmedge.pruning;

import io.ssmedge.model.LayerSystem;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.SingularOps_DDRM;

import java.util.ArrayList;
import java.util.List;

/**
 * The H∞ norm of a layer's whole state part, by a frequency sweep: the check on the per-unit scores
 * and the number the report shows per layer.
 *
 * <pre>
 *   x_k = Λ̄ x_{k−1} + B̄ u_k,  y_k = f·(C̃ x_k + conj(C̃ x_k))   (f = 1 for conjugate pairs, ½ otherwise)
 *   G(z) = f·[ C̃ diag(z/(z − λ̄)) B̄ + conj(C̃) diag(z/(z − λ̄*)) conj(B̄) ]
 *   ‖G‖∞ = max over ω ∈ [0, π] of σ_max(G(e^{iω}))
 * </pre>
 * D is left out: pruning does not change it. A single unit's norm is ‖C̃ᵢ‖‖B̄ᵢ‖/(1 − |λ̄ᵢ|) (up to the
 * conjugate term), whose square is the hᵢ of {@link StateScores}. The sweep evaluates a uniform grid plus
 * every pole angle (where peaks sit), then refines the best candidates by golden-section search.
 * σ_max comes from EJML's SVD of the real 2H × 2H embedding [[Re G, −Im G], [Im G, Re G]].
 */
public final class LayerHinfNorm {
    private LayerHinfNorm() {
    }

    /**
     * @param norm  ‖G‖∞ (+∞ when a measured unit is unstable, |λ̄| ≥ 1: its response does not decay, so the
     *              system has no finite H∞ norm)
     * @param omega the frequency (rad/sample) where it is reached (NaN when unstable)
     */
    public record Result(double norm, double omega) {
        public boolean unstable() {
            return Double.isInfinite(norm);
        }
    }

    public static Result of(LayerSystem s) {
        return of(s, null, 256);
    }

    /**
     * @param units the units whose subsystem to measure (null for all), e.g. the pruned ones to bound the
     *              error of removing them: ‖G − G_kept‖∞ = ‖G_pruned‖∞
     */
    public static Result of(LayerSystem s, int[] units, int grid) {
        int[] idx = units;
        if (idx == null) {
            idx = new int[s.units()];
            for (int i = 0; i < idx.length; i++) {
                idx[i] = i;
            }
        }
        if (idx.length == 0) {
            return new Result(0, 0);
        }
        for (int i : idx) {
            if (!(s.poleMagnitude(i) < 1.0)) {
                return new Result(Double.POSITIVE_INFINITY, Double.NaN);
            }
        }
        Evaluator ev = new Evaluator(s, idx);
        List<Double> candidates = new ArrayList<>();
        for (int g = 0; g <= grid; g++) {
            candidates.add(Math.PI * g / grid);
        }
        for (int i : idx) {
            candidates.add(Math.abs(Math.atan2(s.lambdaIm()[i], s.lambdaRe()[i])));
        }
        double[] best = {-1, -1, -1};
        double[] bestW = {0, 0, 0};
        for (double w : candidates) {
            double v = ev.sigmaMax(w);
            for (int b = 0; b < 3; b++) {
                if (v > best[b]) {
                    for (int c = 2; c > b; c--) {
                        best[c] = best[c - 1];
                        bestW[c] = bestW[c - 1];
                    }
                    best[b] = v;
                    bestW[b] = w;
                    break;
                }
            }
        }
        double norm = best[0];
        double omega = bestW[0];
        double step = Math.PI / grid;
        for (int b = 0; b < 3; b++) {
            if (best[b] < 0) {
                continue;
            }
            double lo = Math.max(0, bestW[b] - step);
            double hi = Math.min(Math.PI, bestW[b] + step);
            double phi = (Math.sqrt(5) - 1) / 2;
            double x1 = hi - phi * (hi - lo);
            double x2 = lo + phi * (hi - lo);
            double f1 = ev.sigmaMax(x1);
            double f2 = ev.sigmaMax(x2);
            for (int it = 0; it < 40; it++) {
                if (f1 > f2) {
                    hi = x2;
                    x2 = x1;
                    f2 = f1;
                    x1 = hi - phi * (hi - lo);
                    f1 = ev.sigmaMax(x1);
                } else {
                    lo = x1;
                    x1 = x2;
                    f1 = f2;
                    x2 = lo + phi * (hi - lo);
                    f2 = ev.sigmaMax(x2);
                }
            }
            double w = f1 > f2 ? x1 : x2;
            double v = Math.max(f1, f2);
            if (v > norm) {
                norm = v;
                omega = w;
            }
        }
        return new Result(norm, omega);
    }

    /** σ_max(G(e^{iω})) of the whole layer at one frequency. */
    public static double sigmaMax(LayerSystem s, double omega) {
        int[] all = new int[s.units()];
        for (int i = 0; i < all.length; i++) {
            all[i] = i;
        }
        return new Evaluator(s, all).sigmaMax(omega);
    }

    /** Evaluates σ_max(G(e^{iω})) for a fixed set of units. */
    private static final class Evaluator {
        private final LayerSystem s;
        private final int[] idx;
        private final int h;
        private final double f;
        private final double[] gRe; // (H, H)
        private final double[] gIm; // (H, H)
        private final DMatrixRMaj embed;

        Evaluator(LayerSystem s, int[] idx) {
            this.s = s;
            this.idx = idx;
            this.h = s.width();
            this.f = s.conjugatePairs() ? 1.0 : 0.5;
            this.gRe = new double[h * h];
            this.gIm = new double[h * h];
            this.embed = s.channelOfUnit() == null ? new DMatrixRMaj(2 * h, 2 * h) : null;
        }

        double sigmaMax(double w) {
            java.util.Arrays.fill(gRe, 0);
            java.util.Arrays.fill(gIm, 0);
            double zr = Math.cos(w);
            double zi = Math.sin(w);
            int p = s.units();
            for (int i : idx) {
                // r1 = z/(z − λ̄),  r2 = z/(z − conj λ̄)
                double[] r1 = div(zr, zi, zr - s.lambdaRe()[i], zi - s.lambdaIm()[i]);
                double[] r2 = div(zr, zi, zr - s.lambdaRe()[i], zi + s.lambdaIm()[i]);
                for (int row = 0; row < h; row++) {
                    double cr = s.cRe()[row * p + i];
                    double ci = s.cIm()[row * p + i];
                    if (cr == 0 && ci == 0) {
                        continue;
                    }
                    // a = C̃[row,i]·r1 ;  b = conj(C̃[row,i])·r2
                    double ar = cr * r1[0] - ci * r1[1];
                    double ai = cr * r1[1] + ci * r1[0];
                    double br = cr * r2[0] + ci * r2[1];
                    double bi = cr * r2[1] - ci * r2[0];
                    for (int col = 0; col < h; col++) {
                        double xr = s.bRe()[i * h + col];
                        double xi = s.bIm()[i * h + col];
                        if (xr == 0 && xi == 0) {
                            continue;
                        }
                        // a·B̄ + b·conj(B̄)
                        gRe[row * h + col] += f * (ar * xr - ai * xi + br * xr + bi * xi);
                        gIm[row * h + col] += f * (ar * xi + ai * xr + bi * xr - br * xi);
                    }
                }
            }
            if (embed == null) { // multi-SISO: G is diagonal
                double m = 0;
                for (int k = 0; k < h; k++) {
                    m = Math.max(m, Math.hypot(gRe[k * h + k], gIm[k * h + k]));
                }
                return m;
            }
            for (int r = 0; r < h; r++) {
                for (int c = 0; c < h; c++) {
                    double re = gRe[r * h + c];
                    double im = gIm[r * h + c];
                    embed.set(r, c, re);
                    embed.set(r, c + h, -im);
                    embed.set(r + h, c, im);
                    embed.set(r + h, c + h, re);
                }
            }
            double[] sv = SingularOps_DDRM.singularValues(embed.copy());
            double m = 0;
            for (double v : sv) {
                m = Math.max(m, v);
            }
            return m;
        }

        private static double[] div(double ar, double ai, double br, double bi) {
            double den = br * br + bi * bi;
            return new double[]{(ar * br + ai * bi) / den, (ai * br - ar * bi) / den};
        }
    }
}
