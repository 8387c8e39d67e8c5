package io.ssmedge.kernel;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;
import java.util.function.DoubleUnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;

/** The fast nonlinearities against Math.* (float64) on seeded random inputs, absolute + relative tolerance. */
class FastMathTest {
    static final double ABS = 2e-6;
    static final double REL = 2e-6;

    interface F {
        float apply(float x);
    }

    static void check(String name, F fast, DoubleUnaryOperator exact, double range) {
        SplittableRandom r = new SplittableRandom(42);
        double worst = 0;
        for (int i = 0; i < 200_000; i++) {
            // half the samples near 0, the rest over the whole range, plus the ends
            float x = (float) ((i % 2 == 0 ? 1.0 : range) * (2 * r.nextDouble() - 1));
            double e = exact.applyAsDouble(x);
            double err = Math.abs(fast.apply(x) - e);
            worst = Math.max(worst, err / (ABS + REL * Math.abs(e)));
        }
        for (float x : new float[]{0f, -0f, 1e-30f, -50f, 50f, 1e4f, -1e4f, Float.MAX_VALUE, -Float.MAX_VALUE}) {
            double e = exact.applyAsDouble(x);
            assertThat(Math.abs(fast.apply(x) - e)).as("%s(%s)", name, x).isLessThanOrEqualTo(ABS + REL * Math.abs(e));
        }
        assertThat(worst).as("%s: worst |error| / (abs + rel·|exact|)", name).isLessThanOrEqualTo(1.0);
    }

    @Test
    void tanhMatchesMath() {
        check("tanh", FastMath::tanh, Math::tanh, 12);
    }

    @Test
    void erfMatchesSeriesErf() {
        check("erf", FastMath::erf, Activations::erf, 6);
    }

    @Test
    void sigmoidMatchesExpFormula() {
        check("sigmoid", FastMath::sigmoid, x -> 1 / (1 + Math.exp(-x)), 30);
    }

    @Test
    void gelusMatchActivations() {
        check("geluTanh", FastMath::geluTanh, x -> Activations.geluTanh((float) x), 10);
        check("geluErf", FastMath::geluErf, x -> Activations.geluErf((float) x), 10);
    }

    @Test
    void arrayFormsEqualScalarForms() {
        SplittableRandom r = new SplittableRandom(7);
        int n = 1000;
        float[] x = new float[n];
        float[] g = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) (8 * r.nextDouble() - 4);
            g[i] = (float) (8 * r.nextDouble() - 4);
        }
        float[] y = new float[n];
        FastMath.geluTanh(x, n, y);
        for (int i = 0; i < n; i++) {
            assertThat(y[i]).isEqualTo(FastMath.geluTanh(x[i]));
        }
        FastMath.geluErf(x, n, y);
        for (int i = 0; i < n; i++) {
            assertThat(y[i]).isEqualTo(FastMath.geluErf(x[i]));
        }
        FastMath.gate(x, g, n, y);
        for (int i = 0; i < n; i++) {
            assertThat(y[i]).isEqualTo(x[i] * FastMath.sigmoid(g[i]));
        }
    }
}
