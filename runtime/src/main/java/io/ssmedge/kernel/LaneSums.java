package io.ssmedge.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * The lane sums of L vectors at once (L = lanes of the preferred species): one vector whose lane
 * {@link #LANE}[r] is Σ of the lanes of vector r. This is what a row-wise reduction over L rows needs (LayerNorm's
 * statistics, the two-class head's dot products): JDK 17 reduces one vector by adding its lanes one at a time
 * (L − 1 dependent adds and as many shuffles per row); the tree below needs 4 vector operations per pair of
 * vectors and level, L − 1 pairs in all, i.e. about 4 operations per row.
 * <pre>
 *   level with half-block size B (L/2, L/4, …, 1), pairs (a, b) of the level's vectors:
 *     lane i of (a ⊕ b) = a[i] + a[i ^ B]   when ⌊i / B⌋ is even
 *                         b[i] + b[i ^ B]   when ⌊i / B⌋ is odd
 *   computed as  blend(a, b, odd blocks) + swap_B(blend(b, a, odd blocks))
 * </pre>
 * After log₂ L levels each lane holds the full sum of one input vector; which one ({@link #LANE}) is fixed by the
 * pairing and computed once below by running the same tree on row numbers. Used by {@link VectorKernels} only.
 */
final class LaneSums {
    static final VectorSpecies<Float> SP = FloatVector.SPECIES_PREFERRED;
    static final int L = SP.length();
    /** Whether this species is one the tree is written for (2 to 16 lanes); else callers reduce row by row. */
    static final boolean SUPPORTED = L >= 2 && L <= 16 && Integer.bitCount(L) == 1;
    /** LANE[r]: the lane of {@link #reduce}'s result that holds the sum of input vector r (null if unsupported). */
    static final int[] LANE = SUPPORTED ? lanes() : null;
    /** v.rearrange(ROW_ORDER) puts the sum of input vector r in lane r (null if unsupported). */
    static final VectorShuffle<Float> ROW_ORDER = SUPPORTED ? VectorShuffle.fromArray(SP, LANE, 0) : null;

    private static final VectorMask<Float> ODD8 = oddBlocks(8);
    private static final VectorMask<Float> ODD4 = oddBlocks(4);
    private static final VectorMask<Float> ODD2 = oddBlocks(2);
    private static final VectorMask<Float> ODD1 = oddBlocks(1);
    private static final VectorShuffle<Float> SWAP8 = swap(8);
    private static final VectorShuffle<Float> SWAP4 = swap(4);
    private static final VectorShuffle<Float> SWAP2 = swap(2);
    private static final VectorShuffle<Float> SWAP1 = swap(1);

    private LaneSums() {
    }

    /** Lanes i with ⌊i / B⌋ odd (B ≥ L: none, that level is not used). */
    private static VectorMask<Float> oddBlocks(int b) {
        boolean[] m = new boolean[L];
        for (int i = 0; i < L; i++) {
            m[i] = b < L && (i / b) % 2 == 1;
        }
        return VectorMask.fromArray(SP, m, 0);
    }

    /** i → i ^ B (identity when B ≥ L). */
    private static VectorShuffle<Float> swap(int b) {
        return VectorShuffle.fromOp(SP, i -> b < L ? i ^ b : i);
    }

    /**
     * Replaces the L vectors at buf[off, off + L·L) (vector r at off + r·L) by the tree's levels, in place; the last
     * level is left at buf[off, off + L): lane {@link #LANE}[r] = Σ_j buf[off + r·L + j] (as it was on entry). (The
     * result stays in the array: a vector returned from a method that C2 does not inline is boxed.)
     */
    static void reduce(float[] buf, int off) {
        if (L >= 16) {
            level(buf, off, 8, ODD8, SWAP8);
        }
        if (L >= 8) {
            level(buf, off, 4, ODD4, SWAP4);
        }
        if (L >= 4) {
            level(buf, off, 2, ODD2, SWAP2);
        }
        level(buf, off, 1, ODD1, SWAP1);
    }

    /**
     * One level, half-block size b: its 2b input vectors (from buf[off]) pairwise into b vectors (to buf[off]). The
     * mask and shuffle are arguments so that each call site, inlined, has them as constants.
     */
    private static void level(float[] buf, int off, int b, VectorMask<Float> odd, VectorShuffle<Float> swap) {
        for (int q = 0; q < b; q++) {
            FloatVector a = FloatVector.fromArray(SP, buf, off + 2 * q * L);
            FloatVector c = FloatVector.fromArray(SP, buf, off + (2 * q + 1) * L);
            a.blend(c, odd).add(c.blend(a, odd).rearrange(swap)).intoArray(buf, off + q * L);
        }
    }

    /** The tree on row numbers instead of values: which input vector each lane of the result sums. */
    private static int[] lanes() {
        int[][] rows = new int[L][L]; // rows[v][i]: the input vector whose lanes lane i of vector v sums so far
        for (int v = 0; v < L; v++) {
            java.util.Arrays.fill(rows[v], v);
        }
        int count = L;
        for (int b = L / 2; b >= 1; b /= 2, count /= 2) {
            for (int q = 0; q < count / 2; q++) {
                int[] a = rows[2 * q];
                int[] c = rows[2 * q + 1];
                int[] out = new int[L];
                for (int i = 0; i < L; i++) {
                    int[] from = (i / b) % 2 == 1 ? c : a;
                    if (from[i] != from[i ^ b]) {
                        throw new IllegalStateException("lane tree mixes vectors " + from[i] + " and " + from[i ^ b]);
                    }
                    out[i] = from[i];
                }
                rows[q] = out;
            }
        }
        int[] lane = new int[L];
        for (int i = 0; i < L; i++) {
            lane[rows[0][i]] = i;
        }
        return lane;
    }
}
