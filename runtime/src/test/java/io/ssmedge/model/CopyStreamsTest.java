package io.ssmedge.model;

import io.ssmedge.model.RandomModels.S4DSpec;
import io.ssmedge.model.RandomModels.S5Spec;
import io.ssmedge.pruning.PruningMethod;
import io.ssmedge.pruning.Pruner;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link StreamBlock#copyStreams}, the one-pass copy of adjacent streams a windowed batch uses to gather and hand back
 * a stream's window slots, against a plain oracle: every float of each copied stream moved by the layout's index
 * formula (unit j of stream s at [j·S + s] unit-major, [s·U + j] stream-major), nothing else changed, the step counts
 * moved, and the pooling sums seen through the next step: the copied streams give the source streams' output. Both
 * layouts (stream-major S5, unit-major S4D), pruned layers of unequal size, steppable and states-only targets of
 * another capacity.
 */
class CopyStreamsTest {
    private static SsmModel model(String name) {
        return switch (name) {
            case "s5" -> RandomModels.s5(S5Spec.like(8, 32, 16, 3, 3).withMode("pool"), 11);
            case "s5 pruned" -> Pruner.apply(RandomModels.s5(S5Spec.like(5, 40, 13, 2, 2), 12),
                    Pruner.plan(RandomModels.s5(S5Spec.like(5, 40, 13, 2, 2), 12), PruningMethod.LAST, 40));
            case "s4d" -> RandomModels.s4d(new S4DSpec(8, 32, 16, 3, 3, false, "pool"), 13);
            default -> {
                SsmModel m = RandomModels.s4d(new S4DSpec(6, 24, 10, 2, 2, true, "pool"), 14);
                yield Pruner.apply(m, Pruner.plan(m, PruningMethod.LAST, 40));
            }
        };
    }

    /** A block of S streams with different states and step counts: random inputs, some streams reset on the way. */
    private static StreamBlock stepped(SsmModel m, int streams, long seed) {
        StreamBlock b = m.newBlock(streams);
        SplittableRandom r = new SplittableRandom(seed);
        float[] u = new float[streams * m.inputSize()];
        float[] logp = new float[streams * m.outputSize()];
        for (int t = 0; t < 6; t++) {
            for (int i = 0; i < u.length; i++) {
                u[i] = (float) r.nextGaussian();
            }
            m.stepBlock(b, streams, u, logp);
            b.reset(r.nextInt(streams));
        }
        return b;
    }

    @ParameterizedTest
    @ValueSource(strings = {"s5", "s5 pruned", "s4d", "s4d pruned"})
    void copiesEveryFloatOfTheRangeAndNothingElse(String name) {
        SsmModel m = model(name);
        BlockStates src = (BlockStates) stepped(m, 20, 1);
        for (boolean statesOnly : new boolean[] {false, true}) {
            BlockStates to = (BlockStates) (statesOnly ? m.newStateBlock(13) : stepped(m, 13, 2));
            float[][][] expected = expectedStates(src, 5, 7, to, 3);
            long[] expectedSteps = new long[13];
            for (int s = 0; s < 13; s++) {
                expectedSteps[s] = s >= 3 && s < 10 ? src.steps(s + 2) : to.steps(s);
            }
            src.copyStreams(5, 7, to, 3);
            assertStates(to, expected, name);
            for (int s = 0; s < 13; s++) {
                assertThat(to.steps(s)).as("%s steps of stream %d", name, s).isEqualTo(expectedSteps[s]);
            }
            // and back to their first rows in a steppable block of the source's size (checked against the same
            // oracle): the pooling sums and step counts decide the output, so each stream then answers the next sample
            // exactly as its source does (same rows of same-size blocks: the same summation order)
            BlockStates back = (BlockStates) m.newBlock(20);
            float[][][] backExpected = expectedStates(to, 3, 7, back, 5);
            to.copyStreams(3, 7, back, 5);
            assertStates(back, backExpected, name + " copied back");
            float[] u = new float[20 * m.inputSize()];
            for (int i = 0; i < u.length; i++) {
                u[i] = 0.25f * (i % 7) - 0.5f;
            }
            float[] ls = new float[20 * m.outputSize()];
            float[] lb = new float[20 * m.outputSize()];
            m.stepBlock(src, 20, u, ls);
            m.stepBlock(back, 20, u, lb);
            int o = m.outputSize();
            assertThat(java.util.Arrays.copyOfRange(lb, 5 * o, 12 * o)).as("%s output of the copied streams", name)
                    .containsExactly(java.util.Arrays.copyOfRange(ls, 5 * o, 12 * o));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"s5", "s4d"})
    void refusesRangesOutsideEitherBlockAndOtherModels(String name) {
        SsmModel m = model(name);
        StreamBlock src = m.newBlock(8);
        StreamBlock to = m.newStateBlock(4);
        assertThatThrownBy(() -> src.copyStreams(0, 0, to, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> src.copyStreams(6, 3, to, 0)).hasMessageContaining("3 streams from 6 of 8");
        assertThatThrownBy(() -> src.copyStreams(0, 3, to, 2)).hasMessageContaining("to 2 of 4");
        assertThatThrownBy(() -> src.copyStreams(0, 1, model(name.equals("s5") ? "s4d" : "s5").newBlock(1), 0))
                .hasMessageContaining("another model");
    }

    /** Index of unit j of stream s in a state array of block b with U units per stream. */
    private static int at(BlockStates b, int s, int j, int units) {
        return b.unitMajor ? j * b.capacity + s : s * units + j;
    }

    /** [layer][0 = Re, 1 = Im]: to's state arrays after streams first..first+count-1 of src are copied to toFirst... */
    private static float[][][] expectedStates(BlockStates src, int first, int count, BlockStates to, int toFirst) {
        float[][][] e = new float[src.xRe.length][][];
        for (int l = 0; l < e.length; l++) {
            e[l] = new float[][] {to.xRe[l].clone(), to.xIm[l].clone()};
            float[][] from = {src.xRe[l], src.xIm[l]};
            for (int p = 0; p < 2; p++) {
                int units = from[p].length / src.capacity;
                for (int k = 0; k < count; k++) {
                    for (int j = 0; j < units; j++) {
                        e[l][p][at(to, toFirst + k, j, units)] = from[p][at(src, first + k, j, units)];
                    }
                }
            }
        }
        return e;
    }

    private static void assertStates(BlockStates b, float[][][] expected, String name) {
        assertThat(b.xRe.length).isEqualTo(expected.length);
        for (int l = 0; l < expected.length; l++) {
            assertThat(b.xRe[l]).as("%s layer %d Re", name, l).containsExactly(expected[l][0]);
            assertThat(b.xIm[l]).as("%s layer %d Im", name, l).containsExactly(expected[l][1]);
        }
    }
}
