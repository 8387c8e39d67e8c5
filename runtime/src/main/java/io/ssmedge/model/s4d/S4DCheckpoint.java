package io.ssmedge.model.s4d;

import io.ssmedge.format.DType;
import io.ssmedge.format.ModelFormatException;
import io.ssmedge.format.SafetensorsFile;
import io.ssmedge.format.SafetensorsWriter;
import io.ssmedge.format.Tensor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The S4D checkpoint layout: the state_dict of the state-spaces/s4 example model saved as safetensors.
 * Pruned layers, whose channels keep different numbers of states, are stored ragged: {@code log_A_real}
 * and {@code A_imag} as (U), {@code C} as (U, 2), and the I32 tensor {@code kernel.states_per_channel} (H).
 */
public final class S4DCheckpoint {
    private S4DCheckpoint() {
    }

    static String layer(int l) {
        return "s4_layers." + l + ".";
    }

    public static S4DParams read(SafetensorsFile f, S4DConfig cfg) {
        String src = f.source();
        int h = cfg.dModel();
        int n2 = cfg.statesPerChannel();
        Set<String> unused = new LinkedHashSet<>(f.names());
        float[] encW = f.take(unused, "encoder.weight", h, cfg.dInput());
        float[] encB = f.take(unused, "encoder.bias", h);
        List<S4DLayerParams> layers = new ArrayList<>();
        for (int l = 0; l < cfg.nLayers(); l++) {
            String k = layer(l) + "kernel.";
            float[] logDt = f.take(unused, k + "log_dt", h);
            int[] offset = new int[h + 1];
            float[] lar;
            float[] ai;
            float[] c;
            String raggedName = k + "states_per_channel";
            if (f.has(raggedName)) {
                Tensor spc = f.get(raggedName);
                if (spc.dtype() != DType.I32 && spc.dtype() != DType.I64) {
                    throw ModelFormatException.tensor(src, raggedName, "expected dtype I32, got " + spc.dtype());
                }
                if (!spc.hasShape(h)) {
                    throw ModelFormatException.shape(src, raggedName, new int[]{h}, spc.shape());
                }
                int[] counts = spc.toInts();
                for (int ch = 0; ch < h; ch++) {
                    if (counts[ch] < 0 || counts[ch] > n2) {
                        throw ModelFormatException.tensor(src, raggedName, "channel " + ch + " has " + counts[ch]
                                + " states; expected 0.." + n2 + " (d_state/2)");
                    }
                    offset[ch + 1] = offset[ch] + counts[ch];
                }
                unused.remove(raggedName);
                int u = offset[h];
                lar = f.take(unused, k + "log_A_real", u);
                ai = f.take(unused, k + "A_imag", u);
                c = f.take(unused, k + "C", u, 2);
            } else {
                for (int ch = 0; ch <= h; ch++) {
                    offset[ch] = ch * n2;
                }
                lar = f.take(unused, k + "log_A_real", h, n2);
                ai = f.take(unused, k + "A_imag", h, n2);
                c = f.take(unused, k + "C", h, n2, 2);
            }
            if (cfg.unitsPerLayer() != null && cfg.unitsPerLayer()[l] != offset[h]) {
                throw ModelFormatException.shape(src, k + "log_A_real", new int[]{cfg.unitsPerLayer()[l]}, new int[]{offset[h]});
            }
            float[] d = f.take(unused, layer(l) + "D", h);
            float[] gw = f.take(unused, layer(l) + "output_linear.0.weight", 2 * h, h, 1);
            float[] gb = f.take(unused, layer(l) + "output_linear.0.bias", 2 * h);
            float[] nw = f.take(unused, "norms." + l + ".weight", h);
            float[] nb = f.take(unused, "norms." + l + ".bias", h);
            layers.add(new S4DLayerParams(logDt, lar, ai, c, offset, d, gw, gb, nw, nb));
        }
        float[] decW = f.take(unused, "decoder.weight", cfg.dOutput(), h);
        float[] decB = f.take(unused, "decoder.bias", cfg.dOutput());
        if (!unused.isEmpty()) {
            throw new ModelFormatException(src + ": tensors not used by an S4D model with n_layers=" + cfg.nLayers()
                    + ": " + unused + " (does config.json belong to this checkpoint?)");
        }
        return new S4DParams(encW, encB, List.copyOf(layers), decW, decB);
    }


    public static SafetensorsWriter write(S4DParams p, S4DConfig cfg) {
        SafetensorsWriter w = new SafetensorsWriter();
        int h = cfg.dModel();
        w.metadata("format", "ssm-edge s4d");
        w.add(Tensor.f32("encoder.weight", p.encoderWeight(), h, cfg.dInput()));
        w.add(Tensor.f32("encoder.bias", p.encoderBias(), h));
        for (int l = 0; l < p.layers().size(); l++) {
            S4DLayerParams lp = p.layers().get(l);
            String k = layer(l) + "kernel.";
            w.add(Tensor.f32(k + "log_dt", lp.logDt(), h));
            int u = lp.units();
            if (lp.isRectangular()) {
                int n = h == 0 ? 0 : lp.statesOf(0);
                w.add(Tensor.f32(k + "log_A_real", lp.logAReal(), h, n));
                w.add(Tensor.f32(k + "A_imag", lp.aImag(), h, n));
                w.add(Tensor.f32(k + "C", lp.c(), h, n, 2));
            } else {
                int[] counts = new int[h];
                for (int ch = 0; ch < h; ch++) {
                    counts[ch] = lp.statesOf(ch);
                }
                w.add(Tensor.i32(k + "states_per_channel", counts, h));
                w.add(Tensor.f32(k + "log_A_real", lp.logAReal(), u));
                w.add(Tensor.f32(k + "A_imag", lp.aImag(), u));
                w.add(Tensor.f32(k + "C", lp.c(), u, 2));
            }
            w.add(Tensor.f32(layer(l) + "D", lp.d(), h));
            w.add(Tensor.f32(layer(l) + "output_linear.0.weight", lp.gluWeight(), 2 * h, h, 1));
            w.add(Tensor.f32(layer(l) + "output_linear.0.bias", lp.gluBias(), 2 * h));
            w.add(Tensor.f32("norms." + l + ".weight", lp.normWeight(), h));
            w.add(Tensor.f32("norms." + l + ".bias", lp.normBias(), h));
        }
        w.add(Tensor.f32("decoder.weight", p.decoderWeight(), cfg.dOutput(), h));
        w.add(Tensor.f32("decoder.bias", p.decoderBias(), cfg.dOutput()));
        return w;
    }
}
