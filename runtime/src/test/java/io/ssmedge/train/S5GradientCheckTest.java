package io.ssmedge.train;

import io.ssmedge.model.RandomModels;
import io.ssmedge.model.RandomModels.S5Spec;
import io.ssmedge.model.s5.S5Model;
import io.ssmedge.testing.Run;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.SplittableRandom;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Finite-difference checks of every gradient of {@link S5Network} in float64, for every variant, on tiny
 * random models; and the forward pass against the runtime's inference (an independent implementation).
 */
class S5GradientCheckTest {
    static final int T = 5;
    static final int N = 3;

    static Stream<Arguments> variants() {
        S5Spec base = new S5Spec(3, 4, 3, 2, 3, "half_glu1", false, false, "zoh", true, true, "last");
        return Stream.of(
                Arguments.of("zoh half_glu1 post-LN last", base, 0.0),
                Arguments.of("bilinear", base.withDiscretization("bilinear"), 0.0),
                Arguments.of("no conj_sym", base.withConjSym(false), 0.0),
                Arguments.of("no clip_eigs", base.withClipEigs(false), 0.0),
                Arguments.of("gelu", base.withActivation("gelu"), 0.0),
                Arguments.of("half_glu2", base.withActivation("half_glu2"), 0.0),
                Arguments.of("full_glu", base.withActivation("full_glu"), 0.0),
                Arguments.of("pre-LN", base.withNorm(true, false), 0.0),
                Arguments.of("post-BN", base.withNorm(false, true), 0.0),
                Arguments.of("pre-BN", base.withNorm(true, true), 0.0),
                Arguments.of("pool head", base.withMode("pool"), 0.0),
                Arguments.of("dropout full_glu", base.withActivation("full_glu"), 0.3),
                Arguments.of("dropout gelu bilinear pool", base.withActivation("gelu").withDiscretization("bilinear").withMode("pool"), 0.3));
    }

    private static double[] input(SplittableRandom r, int n, int d) {
        double[] x = new double[n * T * d];
        for (int i = 0; i < x.length; i++) {
            x[i] = r.nextGaussian();
        }
        return x;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("variants")
    void gradientsMatchCentralDifferences(String name, S5Spec spec, double dropout) {
        S5Model m = RandomModels.s5(spec, 7);
        TrainableS5 tm = TrainableS5.of(m);
        S5Network net = new S5Network(tm.config(), tm.layout());
        SplittableRandom r = new SplittableRandom(11);
        double[] x = input(r, N, spec.dInput());
        int[] labels = {0, 2, 1};
        double[] weights = {1.0, 2.0, 0.5};
        S5Network.Mode mode = new S5Network.Mode(true, dropout, dropout > 0 ? new long[]{5, 6, 7} : null);
        double[] th = tm.theta;
        double[] grad = new double[th.length];
        try (Parallel par = new Parallel(2)) {
            S5Network.Tape t = net.forward(th, tm.bnRunning, x, N, T, mode, par);
            net.lossAndGradient(th, t, labels, weights, grad, par);
            double eps = 1e-6;
            double worst = 0;
            String worstName = "";
            for (ParamLayout.Slice s : tm.layout().slices()) {
                for (int i = s.offset(); i < s.offset() + s.size(); i++) {
                    double keep = th[i];
                    th[i] = keep + eps;
                    double lp = loss(net, tm, x, labels, weights, mode, par);
                    th[i] = keep - eps;
                    double lm = loss(net, tm, x, labels, weights, mode, par);
                    th[i] = keep;
                    double fd = (lp - lm) / (2 * eps);
                    double err = Math.abs(fd - grad[i]) / Math.max(1e-3, Math.abs(fd) + Math.abs(grad[i]));
                    if (err > worst) {
                        worst = err;
                        worstName = s.name() + "[" + (i - s.offset()) + "] fd=" + fd + " analytic=" + grad[i];
                    }
                }
            }
            assertThat(worst).as("worst relative gradient error at %s", worstName).isLessThan(2e-5);
        }
    }

    private static double loss(S5Network net, TrainableS5 tm, double[] x, int[] labels, double[] w, S5Network.Mode mode,
                               Parallel par) {
        S5Network.Tape t = net.forward(tm.theta, tm.bnRunning, x, N, T, mode, par);
        double ws = 0;
        double l = 0;
        for (int b = 0; b < N; b++) {
            ws += w[labels[b]];
            l -= w[labels[b]] * t.logp[b * 3 + labels[b]];
        }
        return l / ws;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("variants")
    void forwardEqualsRuntimeInference(String name, S5Spec spec, double ignored) {
        S5Model m = RandomModels.s5(spec, 3);
        TrainableS5 tm = TrainableS5.of(m);
        S5Network net = new S5Network(tm.config(), tm.layout());
        SplittableRandom r = new SplittableRandom(5);
        int len = 12;
        float[][][] windows = new float[N][][];
        double[] x = new double[N * len * spec.dInput()];
        for (int b = 0; b < N; b++) {
            windows[b] = Run.randomWindow(r, len, spec.dInput());
            for (int k = 0; k < len; k++) {
                for (int i = 0; i < spec.dInput(); i++) {
                    x[(b * len + k) * spec.dInput() + i] = windows[b][k][i];
                }
            }
        }
        try (Parallel par = new Parallel(1)) {
            S5Network.Tape t = net.forward(tm.theta, tm.bnRunning, x, N, len, S5Network.Mode.EVAL, par);
            for (int b = 0; b < N; b++) {
                float[] lp = Run.window(m, windows[b]);
                for (int c = 0; c < lp.length; c++) {
                    assertThat(t.logp[b * lp.length + c]).as("window %d class %d", b, c).isCloseTo(lp[c], org.assertj.core.data.Offset.offset(2e-4));
                }
            }
        }
    }
}
