package io.ssmedge.train;

import io.ssmedge.model.s5.S5Activation;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Where each trainable tensor of an S5 classifier lives in one flat float64 vector θ (and in its
 * gradient, which has the same layout). One layout per architecture and per-layer state count.
 *
 * <p>Re Λ is not stored directly: θ holds ρ with Re Λ = −exp(ρ), so every pole stays in the open left
 * half-plane (|λ̄| &lt; 1 for ZOH and bilinear) whatever the optimizer does.
 */
public final class ParamLayout {
    /** Optimizer group: the S5 code trains Λ, B̃, log Δ and the norms with Adam at a lower rate, no weight decay. */
    public enum Group { SSM, REGULAR }

    /** One named slice of θ. */
    public record Slice(String name, int offset, int size, Group group) {
    }

    /**
     * Offsets of one layer's tensors in θ; −1 when the tensor does not exist for this activation.
     *
     * @param rho      (P) Re Λ = −exp(ρ)
     * @param lamIm    (P) Im Λ
     * @param b        (P, H, 2) B̃
     * @param c        (H, P, 2) C̃
     * @param d        (H)
     * @param logStep  (P)
     * @param normScale (H)
     * @param normBias (H)
     * @param out1K    (H, H)
     * @param out1B    (H)
     * @param out2K    (H, H)
     * @param out2B    (H)
     */
    public record Layer(int states, int rho, int lamIm, int b, int c, int d, int logStep, int normScale, int normBias,
                        int out1K, int out1B, int out2K, int out2B) {
    }

    final int dInput;
    final int width;
    final int dOutput;
    final int encK;  // (d_input, H)
    final int encB;  // (H)
    final int decK;  // (H, d_output)
    final int decB;  // (d_output)
    final Layer[] layers;
    private final List<Slice> slices;
    private final int size;

    public ParamLayout(int dInput, int width, int dOutput, int[] states, S5Activation activation) {
        this.dInput = dInput;
        this.width = width;
        this.dOutput = dOutput;
        List<Slice> s = new ArrayList<>();
        int[] at = {0};
        encK = add(s, at, "encoder/kernel", dInput * width, Group.REGULAR);
        encB = add(s, at, "encoder/bias", width, Group.REGULAR);
        layers = new Layer[states.length];
        int h = width;
        for (int l = 0; l < states.length; l++) {
            int p = states[l];
            String n = "layers_" + l + "/";
            int rho = add(s, at, n + "rho", p, Group.SSM);
            int im = add(s, at, n + "Lambda_im", p, Group.SSM);
            int b = add(s, at, n + "B", p * h * 2, Group.SSM);
            int c = add(s, at, n + "C", h * p * 2, Group.REGULAR);
            int d = add(s, at, n + "D", h, Group.REGULAR);
            int ls = add(s, at, n + "log_step", p, Group.SSM);
            int ns = add(s, at, n + "norm/scale", h, Group.SSM);
            int nb = add(s, at, n + "norm/bias", h, Group.SSM);
            int o1k = activation.hasOut1() ? add(s, at, n + "out1/kernel", h * h, Group.REGULAR) : -1;
            int o1b = activation.hasOut1() ? add(s, at, n + "out1/bias", h, Group.REGULAR) : -1;
            int o2k = activation.hasOut2() ? add(s, at, n + "out2/kernel", h * h, Group.REGULAR) : -1;
            int o2b = activation.hasOut2() ? add(s, at, n + "out2/bias", h, Group.REGULAR) : -1;
            layers[l] = new Layer(p, rho, im, b, c, d, ls, ns, nb, o1k, o1b, o2k, o2b);
        }
        decK = add(s, at, "decoder/kernel", width * dOutput, Group.REGULAR);
        decB = add(s, at, "decoder/bias", dOutput, Group.REGULAR);
        slices = Collections.unmodifiableList(s);
        size = at[0];
    }

    private static int add(List<Slice> s, int[] at, String name, int n, Group g) {
        int off = at[0];
        s.add(new Slice(name, off, n, g));
        at[0] += n;
        return off;
    }

    /** Length of θ. */
    public int size() {
        return size;
    }

    public List<Slice> slices() {
        return slices;
    }

    public int layerCount() {
        return layers.length;
    }

    public Layer layer(int l) {
        return layers[l];
    }

    public int[] states() {
        int[] s = new int[layers.length];
        for (int l = 0; l < layers.length; l++) {
            s[l] = layers[l].states();
        }
        return s;
    }

    /** (size) true where the element belongs to the SSM group. */
    public boolean[] ssmMask() {
        boolean[] m = new boolean[size];
        for (Slice s : slices) {
            if (s.group() == Group.SSM) {
                java.util.Arrays.fill(m, s.offset(), s.offset() + s.size(), true);
            }
        }
        return m;
    }
}
