package io.ssmedge.oracle;

import io.ssmedge.model.RandomModels;
import io.ssmedge.model.RandomModels.S4DSpec;
import io.ssmedge.model.RandomModels.S5Spec;
import io.ssmedge.model.SsmModel;
import io.ssmedge.model.s4d.S4DModel;
import io.ssmedge.model.s5.S5Model;
import io.ssmedge.pruning.Pruner;
import io.ssmedge.pruning.PruningMethod;
import io.ssmedge.testing.Run;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every S5 variant of the checkpoint format (activation × pre/post-norm × LayerNorm/BatchNorm ×
 * ZOH/bilinear × conj_sym × pool/last) and S4D (pre/post-norm, several sizes, ragged after pruning),
 * each a random small model, against the float64 oracle. Tolerance: |Δ| ≤ 1e-4 + 1e-4·|oracle|.
 */
class ModelVsOracleTest {
    static final double ABS = 1e-4;
    static final double REL = 1e-4;
    static final int LENGTH = 24;

    static Stream<Arguments> s5Variants() {
        List<Arguments> out = new ArrayList<>();
        long seed = 1;
        for (String act : new String[]{"gelu", "half_glu1", "half_glu2", "full_glu"}) {
            for (boolean pre : new boolean[]{false, true}) {
                for (boolean bn : new boolean[]{false, true}) {
                    for (String disc : new String[]{"zoh", "bilinear"}) {
                        for (boolean conj : new boolean[]{true, false}) {
                            for (String mode : new String[]{"last", "pool"}) {
                                S5Spec spec = S5Spec.like(3, 8, 4, 2, 3).withActivation(act).withNorm(pre, bn)
                                        .withDiscretization(disc).withConjSym(conj).withMode(mode);
                                out.add(Arguments.of(spec, seed++));
                            }
                        }
                    }
                }
            }
        }
        // other depths and widths
        out.add(Arguments.of(S5Spec.like(5, 16, 8, 1, 2), 1000L));
        out.add(Arguments.of(S5Spec.like(2, 6, 3, 5, 4).withClipEigs(false), 1001L));
        return out.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("s5Variants")
    void s5MatchesOracle(S5Spec spec, long seed) {
        S5Model m = RandomModels.s5(spec, seed);
        check(m, new S5Oracle(m.config(), m.params()), seed);
    }

    /** A sample of the variants (every eighth, and the other depths and widths) is enough after pruning. */
    static Stream<Arguments> s5PrunedVariants() {
        return s5Variants().filter(a -> (long) a.get()[1] % 8 == 0);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("s5PrunedVariants")
    void s5PrunedPerLayerStateCountsMatchOracle(S5Spec spec, long seed) {
        S5Model m = (S5Model) Pruner.apply(RandomModels.s5(spec, seed), Pruner.plan(RandomModels.s5(spec, seed),
                PruningMethod.LAST, 40));
        check(m, new S5Oracle(m.config(), m.params()), seed);
    }

    static Stream<Arguments> s4dVariants() {
        return Stream.of(
                Arguments.of(new S4DSpec(3, 8, 8, 2, 2, false, "pool"), 7L),
                Arguments.of(new S4DSpec(3, 8, 8, 2, 2, true, "pool"), 8L),
                Arguments.of(new S4DSpec(4, 12, 16, 3, 3, true, "last"), 9L),
                Arguments.of(new S4DSpec(2, 5, 2, 1, 2, false, "last"), 10L));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("s4dVariants")
    void s4dMatchesOracle(S4DSpec spec, long seed) {
        S4DModel m = RandomModels.s4d(spec, seed);
        check(m, new S4DOracle(m.config(), m.params()), seed);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("s4dVariants")
    void s4dRaggedAfterPruningMatchesOracle(S4DSpec spec, long seed) {
        S4DModel full = RandomModels.s4d(spec, seed);
        S4DModel m = (S4DModel) Pruner.apply(full, Pruner.plan(full, PruningMethod.LAST, 45));
        check(m, new S4DOracle(m.config(), m.params()), seed);
    }

    private static void check(SsmModel m, ClassifierOracle oracle, long seed) {
        SplittableRandom r = new SplittableRandom(seed * 31 + 7);
        for (int w = 0; w < 3; w++) {
            float[][] x = Run.randomWindow(r, LENGTH, m.inputSize());
            double[] want = oracle.logp(x);
            float[] got = Run.window(m, x);
            for (int k = 0; k < want.length; k++) {
                assertThat((double) got[k]).as("window %d class %d", w, k)
                        .isCloseTo(want[k], org.assertj.core.data.Offset.offset(ABS + REL * Math.abs(want[k])));
            }
        }
    }
}
