package io.ssmedge.model;

import java.util.Arrays;

/**
 * Per-channel normalization of raw sensor values before the model: u = (raw − mean) / std.
 * The identity when the model's config has no {@code input_mean}/{@code input_std}.
 */
public final class InputNormalization {
    private final float[] mean;   // (d_input)
    private final float[] invStd; // (d_input) 1 / std

    private InputNormalization(float[] mean, float[] invStd) {
        this.mean = mean;
        this.invStd = invStd;
    }

    public static InputNormalization identity(int dInput) {
        float[] one = new float[dInput];
        Arrays.fill(one, 1f);
        return new InputNormalization(new float[dInput], one);
    }

    /** std entries must be positive and finite (checked by the config reader). */
    public static InputNormalization of(float[] mean, float[] std) {
        float[] inv = new float[std.length];
        for (int i = 0; i < std.length; i++) {
            inv[i] = 1f / std[i];
        }
        return new InputNormalization(mean.clone(), inv);
    }

    /** Mean of channel i in raw units. */
    public float mean(int i) {
        return mean[i];
    }

    /** Standard deviation of channel i in raw units. */
    public float std(int i) {
        return 1f / invStd[i];
    }

    public int size() {
        return mean.length;
    }

    public boolean isIdentity() {
        for (int i = 0; i < mean.length; i++) {
            if (mean[i] != 0f || invStd[i] != 1f) {
                return false;
            }
        }
        return true;
    }

    /** out[i] = (raw[i] − mean[i]) / std[i]; {@code out} may be {@code raw}. */
    public void apply(float[] raw, float[] out) {
        for (int i = 0; i < mean.length; i++) {
            out[i] = (raw[i] - mean[i]) * invStd[i];
        }
    }

    /** Normalizes {@code count} consecutive samples of a flat (count, d_input) array in place. */
    public void applyInPlace(float[] samples, int count) {
        int d = mean.length;
        for (int s = 0; s < count; s++) {
            int o = s * d;
            for (int i = 0; i < d; i++) {
                samples[o + i] = (samples[o + i] - mean[i]) * invStd[i];
            }
        }
    }
}
