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
 * a stream's window slots, against its oracle: {@link StreamBlock#copyStream} stream by stream. Both layouts
 * (stream-major S5, unit-major S4D), pruned layers of unequal size, steppable and states-only targets of other
 * capacities; the copied states, step counts and pooling sums (seen through the next step's output) are identical,
 * and nothing outside the target range changes.
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
    void equalsCopyingStreamByStream(String name) {
        SsmModel m = model(name);
        StreamBlock src = stepped(m, 20, 1);
        for (boolean statesOnly : new boolean[] {false, true}) {
            StreamBlock fast = statesOnly ? m.newStateBlock(13) : stepped(m, 13, 2);
            StreamBlock oracle = statesOnly ? m.newStateBlock(13) : stepped(m, 13, 2);
            src.copyStreams(5, 7, fast, 3);
            for (int k = 0; k < 7; k++) {
                src.copyStream(5 + k, oracle, 3 + k);
            }
            assertSameStates((BlockStates) fast, (BlockStates) oracle, name);
            for (int s = 0; s < 13; s++) {
                assertThat(fast.steps(s)).as("%s steps of stream %d", name, s).isEqualTo(oracle.steps(s));
            }
            // back into a steppable block, stepped once: the pooling sums and step counts decide the output too
            StreamBlock a = m.newBlock(13);
            StreamBlock b = m.newBlock(13);
            fast.copyStreams(0, 13, a, 0);
            for (int s = 0; s < 13; s++) {
                oracle.copyStream(s, b, s);
            }
            float[] u = new float[13 * m.inputSize()];
            java.util.Arrays.fill(u, 0.5f);
            float[] la = new float[13 * m.outputSize()];
            float[] lb = new float[13 * m.outputSize()];
            m.stepBlock(a, 13, u, la);
            m.stepBlock(b, 13, u, lb);
            assertThat(la).as("%s output after the copy", name).containsExactly(lb);
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

    private static void assertSameStates(BlockStates a, BlockStates b, String name) {
        assertThat(a.xRe.length).isEqualTo(b.xRe.length);
        for (int l = 0; l < a.xRe.length; l++) {
            assertThat(a.xRe[l]).as("%s layer %d Re", name, l).containsExactly(b.xRe[l]);
            assertThat(a.xIm[l]).as("%s layer %d Im", name, l).containsExactly(b.xIm[l]);
        }
    }
}
