package io.ssmedge.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A state whose discrete pole is on or outside the unit circle (|λ̄| ≥ 1): its part of the response does not
 * decay, x_k = λ̄^k x_0 + …, so over a window of L samples it grows by up to |λ̄|^L. Checkpoints trained without
 * {@code clip_eigs} (the S5 reference code's default) can end with a few. Windowed inference stays finite (the
 * state is reset every window); a continuous stream never resets and would grow without bound.
 *
 * @param layer     layer index
 * @param unit      state (S5) or unit (S4D) index within the layer
 * @param magnitude |λ̄|
 */
public record UnstableState(int layer, int unit, double magnitude) {

    /** The unstable poles of one layer's discrete system (λ̄ as Re and Im arrays). */
    public static List<UnstableState> find(int layer, double[] lambdaRe, double[] lambdaIm) {
        List<UnstableState> out = new ArrayList<>();
        for (int i = 0; i < lambdaRe.length; i++) {
            double mag = Math.hypot(lambdaRe[i], lambdaIm[i]);
            if (!(mag < 1.0)) {
                out.add(new UnstableState(layer, i, mag));
            }
        }
        return out;
    }

    /** |λ̄|^steps: how much this state's part of the response can grow over {@code steps} samples. */
    public double growth(int steps) {
        return Math.pow(magnitude, steps);
    }

    /** "layer 0 state 3: |λ̄| = 1.00210, ×1.23 over 100 samples". */
    public String describe(int window) {
        return String.format(Locale.ROOT, "layer %d state %d: |λ̄| = %.5f, ×%.3g over %d samples", layer, unit,
                magnitude, growth(window), window);
    }

    /** One line for a list of unstable states (empty list: empty string). */
    public static String describe(List<UnstableState> states, int window) {
        return String.join("; ", states.stream().map(s -> s.describe(window)).toList());
    }
}
