package io.ssmedge.train;

import io.ssmedge.model.s5.S5Config;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.EigenDecomposition_F64;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * The S5 paper's initialization (Smith, Warrington, Linderman 2023, section 4.3 and appendix), learned
 * from the reference code's {@code ssm_init.py} / {@code ssm.py} and written anew:
 * <pre>
 *   HiPPO-LegS  A_nk = −√(2n+1)√(2k+1) (n > k),  A_nn = −(n+1),  0 above the diagonal
 *   HiPPO-N     S = A + p pᵀ with p_n = √(n + ½)  =  −½·I + K,  K skew-symmetric:
 *               K_nk = −½√(2n+1)√(2k+1)·sign(n − k)
 *   Λ = −½ + i·ω  where K v = iω v (eigenvectors V, sorted by ω ascending as numpy's eigh does)
 *   block-diagonal: the same N×N block (N = ssm_size/blocks) repeated; with conj_sym each block keeps
 *   the first N/2 eigenpairs (the partners are their complex conjugates)
 *   B̃ = V⁻¹·B,  B ~ lecun_normal (2P or P rows, H)         C̃ = C·V,  C ~ lecun_normal (H, 2P or P) complex
 *   log Δ ~ U[log 0.001, log 0.1] per state,  D ~ N(0, 1),  dense kernels lecun_normal, biases 0, norms 1/0
 * </pre>
 * Eigenvectors of the skew-symmetric K come from the symmetric K² (eigenvalues −ω², each twice): for a
 * unit u with K²u = −ω²u, v = (u − i·Ku/ω)/√2 satisfies Kv = iωv and |v| = 1.
 */
public final class S5Init {
    public static final double DT_MIN = 0.001;
    public static final double DT_MAX = 0.1;

    private S5Init() {
    }

    /**
     * Eigen-pairs of the HiPPO-N block of size n (even), eigenvalues −½ + iω sorted by ω ascending.
     *
     * @return {re (n), im (n), vRe (n, n), vIm (n, n)}: column j of V is the eigenvector of eigenvalue j
     */
    static double[][] hippoN(int n) {
        if (n % 2 != 0) {
            throw new IllegalArgumentException("HiPPO-N block size must be even, got " + n);
        }
        DMatrixRMaj kk = new DMatrixRMaj(n, n);
        for (int r = 0; r < n; r++) {
            for (int c = 0; c < n; c++) {
                if (r != c) {
                    kk.set(r, c, -0.5 * Math.sqrt(2.0 * r + 1) * Math.sqrt(2.0 * c + 1) * Math.signum(r - c));
                }
            }
        }
        DMatrixRMaj k2 = new DMatrixRMaj(n, n);
        CommonOps_DDRM.mult(kk, kk, k2);
        EigenDecomposition_F64<DMatrixRMaj> eig = DecompositionFactory_DDRM.eig(n, true, true);
        if (!eig.decompose(k2)) {
            throw new IllegalStateException("eigen-decomposition of HiPPO-N failed");
        }
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        // −ω² ascending: the largest ω first; eigenvalues come in equal pairs
        Arrays.sort(order, (a, b) -> Double.compare(eig.getEigenvalue(a).real, eig.getEigenvalue(b).real));
        int half = n / 2;
        double[] om = new double[half];
        double[][] ur = new double[half][];
        for (int j = 0; j < half; j++) {
            int idx = order[2 * j];
            om[j] = Math.sqrt(Math.max(0, -eig.getEigenvalue(idx).real));
            DMatrixRMaj v = eig.getEigenVector(idx);
            double norm = CommonOps_DDRM.elementSum(elementSquare(v));
            ur[j] = new double[n];
            for (int r = 0; r < n; r++) {
                ur[j][r] = v.get(r, 0) / Math.sqrt(norm);
            }
        }
        double[] re = new double[n];
        double[] im = new double[n];
        double[] vr = new double[n * n];
        double[] vi = new double[n * n];
        // columns 0..half−1: −ω (largest first → ascending), columns half..n−1: +ω ascending
        for (int j = 0; j < half; j++) {
            double[] u = ur[j];
            double[] ku = new double[n];
            for (int r = 0; r < n; r++) {
                double acc = 0;
                for (int c = 0; c < n; c++) {
                    acc += kk.get(r, c) * u[c];
                }
                ku[r] = acc / om[j];
            }
            int neg = j;
            int pos = n - 1 - j;
            re[neg] = -0.5;
            re[pos] = -0.5;
            im[neg] = -om[j];
            im[pos] = om[j];
            for (int r = 0; r < n; r++) {
                vr[r * n + pos] = u[r] / Math.sqrt(2);
                vi[r * n + pos] = -ku[r] / Math.sqrt(2);
                vr[r * n + neg] = u[r] / Math.sqrt(2);
                vi[r * n + neg] = ku[r] / Math.sqrt(2);
            }
        }
        return new double[][]{re, im, vr, vi};
    }

    private static DMatrixRMaj elementSquare(DMatrixRMaj v) {
        DMatrixRMaj out = v.copy();
        CommonOps_DDRM.elementMult(out, v);
        return out;
    }

    /**
     * A freshly initialized model.
     *
     * @param blocks HiPPO-N blocks per layer (config key {@code blocks}); ssm_size must be a multiple, and
     *               with conj_sym the block size must be even
     */
    public static TrainableS5 init(S5Config cfg, int blocks, long seed) {
        int ssm = cfg.ssmSize();
        if (blocks < 1 || ssm % blocks != 0) {
            throw new IllegalArgumentException("ssm_size " + ssm + " is not a multiple of blocks " + blocks);
        }
        int nb = ssm / blocks;                    // HiPPO block size N
        int keepPerBlock = cfg.conjSym() ? nb / 2 : nb;
        int p = keepPerBlock * blocks;            // stored states
        int rows = nb * blocks;                   // rows of the real B / columns of the real C (2P with conj_sym)
        int h = cfg.dModel();
        int[] states = new int[cfg.nLayers()];
        Arrays.fill(states, p);
        ParamLayout lay = new ParamLayout(cfg.dInput(), h, cfg.dOutput(), states, cfg.activation());
        double[] th = new double[lay.size()];
        SplittableRandom r = new SplittableRandom(seed);
        double[][] hip = hippoN(nb);
        lecun(r, th, lay.encK, cfg.dInput() * h, cfg.dInput());
        lecun(r, th, lay.decK, h * cfg.dOutput(), h);
        for (int l = 0; l < cfg.nLayers(); l++) {
            ParamLayout.Layer L = lay.layer(l);
            // V restricted to the kept columns of each block: vKept (N, keep)
            for (int blk = 0; blk < blocks; blk++) {
                for (int j = 0; j < keepPerBlock; j++) {
                    int i = blk * keepPerBlock + j;
                    th[L.rho() + i] = Math.log(-hip[0][j]);
                    th[L.lamIm() + i] = hip[1][j];
                    th[L.logStep() + i] = Math.log(DT_MIN) + r.nextDouble() * (Math.log(DT_MAX) - Math.log(DT_MIN));
                }
            }
            // B̃ = V⁻¹ B with V⁻¹ = Vᴴ (unitary eigenvectors), block-diagonal: B̃_i,h = Σ_r conj(V_r,j) B_(blk·N + r),h
            double[] bReal = new double[rows * h];
            for (int i = 0; i < bReal.length; i++) {
                bReal[i] = truncNormal(r) / Math.sqrt(rows);
            }
            for (int blk = 0; blk < blocks; blk++) {
                for (int j = 0; j < keepPerBlock; j++) {
                    int i = blk * keepPerBlock + j;
                    for (int c = 0; c < h; c++) {
                        double re = 0;
                        double im = 0;
                        for (int q = 0; q < nb; q++) {
                            double b = bReal[(blk * nb + q) * h + c];
                            re += hip[2][q * nb + j] * b;
                            im -= hip[3][q * nb + j] * b;
                        }
                        th[L.b() + (i * h + c) * 2] = re;
                        th[L.b() + (i * h + c) * 2 + 1] = im;
                    }
                }
            }
            // C̃ = C V with C (H, rows) complex lecun_normal (fan-in rows·H as flax computes it for shape (H, rows, 2))
            double cStd = 1 / Math.sqrt((double) rows * h);
            for (int c = 0; c < h; c++) {
                double[] cr = new double[rows];
                double[] ci = new double[rows];
                for (int q = 0; q < rows; q++) {
                    cr[q] = truncNormal(r) * cStd;
                    ci[q] = truncNormal(r) * cStd;
                }
                for (int blk = 0; blk < blocks; blk++) {
                    for (int j = 0; j < keepPerBlock; j++) {
                        int i = blk * keepPerBlock + j;
                        double re = 0;
                        double im = 0;
                        for (int q = 0; q < nb; q++) {
                            double vr = hip[2][q * nb + j];
                            double vi = hip[3][q * nb + j];
                            double a = cr[blk * nb + q];
                            double b = ci[blk * nb + q];
                            re += a * vr - b * vi;
                            im += a * vi + b * vr;
                        }
                        th[L.c() + (c * p + i) * 2] = re;
                        th[L.c() + (c * p + i) * 2 + 1] = im;
                    }
                }
            }
            for (int j = 0; j < h; j++) {
                th[L.d() + j] = r.nextGaussian();
                th[L.normScale() + j] = 1;
            }
            if (L.out1K() >= 0) {
                lecun(r, th, L.out1K(), h * h, h);
            }
            if (L.out2K() >= 0) {
                lecun(r, th, L.out2K(), h * h, h);
            }
        }
        double[][] bn = null;
        if (cfg.batchnorm()) {
            bn = new double[cfg.nLayers()][2 * h];
            for (double[] b : bn) {
                Arrays.fill(b, h, 2 * h, 1.0);
            }
        }
        return new TrainableS5(cfg, lay, th, bn);
    }

    /** flax lecun_normal: truncated normal (±2σ) with variance 1/fan_in. */
    private static void lecun(SplittableRandom r, double[] th, int off, int n, int fanIn) {
        double std = 1 / Math.sqrt(fanIn);
        for (int i = 0; i < n; i++) {
            th[off + i] = truncNormal(r) * std;
        }
    }

    /** Standard normal truncated to [−2, 2], rescaled to unit variance (0.87962566 is its std). */
    static double truncNormal(SplittableRandom r) {
        while (true) {
            double z = r.nextGaussian();
            if (Math.abs(z) <= 2) {
                return z / 0.87962566103423978;
            }
        }
    }
}
