package io.ssmedge.testing;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ssmedge.model.ModelFiles;
import io.ssmedge.model.ModelLoader;
import io.ssmedge.model.s5.S5Checkpoint;
import io.ssmedge.model.s5.S5LayerParams;
import io.ssmedge.model.s5.S5Model;
import io.ssmedge.model.s5.S5Params;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A checkpoint as training without clip_eigs can leave it: the S5 fixture with a few states of one layer given
 * Re Λ > 0, so that |λ̄| = e^{Re Λ·Δ} is the given magnitude (ZOH), and clip_eigs off in config.json. Written with
 * the project's safetensors writer.
 */
public final class UnstableModels {
    private UnstableModels() {
    }

    /**
     * @param dir       folder to write config.json and model.safetensors into
     * @param layer     layer whose states to make unstable
     * @param states    their indices
     * @param magnitude |λ̄| to give them (≥ 1)
     */
    public static Path write(Path dir, int layer, int[] states, double magnitude) {
        S5Model m = (S5Model) ModelLoader.load(Fixtures.dir(Fixtures.S5));
        S5Params p = m.params();
        List<S5LayerParams> layers = new ArrayList<>(p.layers());
        S5LayerParams lp = layers.get(layer);
        float[] re = lp.lambdaRe().clone();
        for (int i : states) {
            double delta = m.config().stepRescale() * Math.exp(lp.logStep()[i]);
            re[i] = (float) (Math.log(magnitude) / delta);
        }
        layers.set(layer, lp.withLambdaRe(re));
        S5Params unstable = new S5Params(p.encoderKernel(), p.encoderBias(), List.copyOf(layers), p.decoderKernel(),
                p.decoderBias());
        try {
            ObjectNode config = (ObjectNode) new com.fasterxml.jackson.databind.ObjectMapper().readTree(
                    Files.readString(Fixtures.dir(Fixtures.S5).resolve(ModelFiles.CONFIG)));
            config.put("clip_eigs", false);
            ModelFiles.save(dir, S5Checkpoint.write(unstable, m.config()), config);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return dir;
    }
}
