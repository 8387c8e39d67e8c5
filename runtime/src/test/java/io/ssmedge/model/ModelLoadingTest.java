package io.ssmedge.model;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ssmedge.format.ModelFormatException;
import io.ssmedge.format.SafetensorsFile;
import io.ssmedge.format.SafetensorsWriter;
import io.ssmedge.format.Tensor;
import io.ssmedge.testing.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Bad model directories are rejected with a message naming file, tensor or key, expected and actual. */
class ModelLoadingTest {
    static final ObjectMapper JSON = new ObjectMapper();
    @TempDir
    Path tmp;

    /** A copy of the S5 fixture with its tensors and config edited. */
    Path fixture(UnaryOperator<Map<String, Tensor>> tensors, Consumer<ObjectNode> config) throws IOException {
        Path src = Fixtures.dir(Fixtures.S5);
        Map<String, Tensor> ts = new java.util.LinkedHashMap<>(SafetensorsFile.read(src.resolve("model.safetensors")).tensors());
        ts = tensors.apply(ts);
        Path dir = Files.createTempDirectory(tmp, "model");
        new SafetensorsWriter().addAll(ts.values()).write(dir.resolve("model.safetensors"));
        ObjectNode c = (ObjectNode) JSON.readTree(Files.readString(src.resolve("config.json")));
        config.accept(c);
        Files.writeString(dir.resolve("config.json"), c.toString());
        return dir;
    }

    static final String B0 = "params/encoder/layers_0/seq/B";

    @Test
    void loadsUnchangedCopy() throws IOException {
        assertThat(ModelLoader.load(fixture(t -> t, c -> { })).unitsPerLayer()).containsExactly(16, 16, 16, 16);
    }

    @Test
    void missingTensorNamesFileTensorAndShape() throws IOException {
        Path dir = fixture(t -> { t.remove(B0); return t; }, c -> { });
        assertThatThrownBy(() -> ModelLoader.load(dir)).isInstanceOf(ModelFormatException.class)
                .hasMessageContaining(dir.resolve("model.safetensors").toString())
                .hasMessageContaining("tensor '" + B0 + "' is missing (expected shape [16, 32, 2])");
    }

    @Test
    void wrongShapeNamesExpectedAndActual() throws IOException {
        Path dir = fixture(t -> { t.put(B0, Tensor.f32(B0, new float[16 * 32], 16, 32)); return t; }, c -> { });
        assertThatThrownBy(() -> ModelLoader.load(dir)).isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("tensor '" + B0 + "': expected shape [16, 32, 2], got [16, 32]");
    }

    @Test
    void wrongDtypeIsRejected() throws IOException {
        Path dir = fixture(t -> { t.put(B0, Tensor.i32(B0, new int[16 * 32 * 2], 16, 32, 2)); return t; }, c -> { });
        assertThatThrownBy(() -> ModelLoader.load(dir)).isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("tensor '" + B0 + "': expected dtype F32 or F64, got I32");
    }

    @Test
    void float64CheckpointsAreAccepted() throws IOException {
        Path dir = fixture(t -> {
            Tensor b = t.get(B0);
            t.put(B0, Tensor.f64(B0, b.toDoubles(), b.shape()));
            return t;
        }, c -> { });
        assertThat(ModelLoader.load(dir).layers()).isEqualTo(4);
    }

    @Test
    void nanWeightsAreRejected() throws IOException {
        Path dir = fixture(t -> {
            float[] b = t.get(B0).floats().clone();
            b[37] = Float.POSITIVE_INFINITY;
            t.put(B0, Tensor.f32(B0, b, 16, 32, 2));
            return t;
        }, c -> { });
        assertThatThrownBy(() -> ModelLoader.load(dir)).isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("tensor '" + B0 + "': element 37 is Infinity");
    }

    @Test
    void unstablePoleLoadsAndIsListed() throws IOException {
        String lre = "params/encoder/layers_2/seq/Lambda_re";
        Path dir = fixture(t -> {
            float[] v = t.get(lre).floats().clone();
            v[3] = 0.5f;
            t.put(lre, Tensor.f32(lre, v, 16));
            return t;
        }, c -> c.put("clip_eigs", false));
        // loads (windows still work) and names the state: layer 2, state 3
        SsmModel unstable = ModelLoader.load(dir);
        assertThat(unstable.unstableStates()).hasSize(1);
        assertThat(unstable.unstableStates().get(0).layer()).isEqualTo(2);
        assertThat(unstable.unstableStates().get(0).unit()).isEqualTo(3);
        assertThat(unstable.unstableStates().get(0).magnitude()).isGreaterThan(1.0);
        // with clip_eigs the same checkpoint is fine: Re Λ is clamped to −1e-4
        Path clipped = fixture(t -> {
            float[] v = t.get(lre).floats().clone();
            v[3] = 0.5f;
            t.put(lre, Tensor.f32(lre, v, 16));
            return t;
        }, c -> { });
        assertThat(ModelLoader.load(clipped).maxPoleMagnitude()).isLessThan(1.0);
    }

    @Test
    void unusedTensorsAreReported() throws IOException {
        Path dir = fixture(t -> { t.put("params/encoder/layers_4/seq/D", Tensor.f32("params/encoder/layers_4/seq/D", new float[32], 32)); return t; },
                c -> { });
        assertThatThrownBy(() -> ModelLoader.load(dir)).isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("tensors not used by an S5 model with n_layers=4").hasMessageContaining("layers_4/seq/D");
    }

    @Test
    void configErrorsNameTheKey() throws IOException {
        assertConfigError(c -> c.put("activation", "relu"),
                "key 'activation': expected one of gelu, half_glu1, half_glu2, full_glu, got \"relu\"");
        assertConfigError(c -> c.put("ssm_size", 31), "key 'ssm_size': expected an even number when conj_sym is true");
        assertConfigError(c -> c.remove("mode"), "missing key 'mode'");
        assertConfigError(c -> c.put("prenorm", "yes"), "key 'prenorm': expected true or false, got \"yes\"");
        assertConfigError(c -> c.put("d_model", 0), "key 'd_model': expected an integer ≥ 1, got 0");
        assertConfigError(c -> c.putArray("input_std").add(1), "key 'input_std': expected an array of 8 finite positive numbers");
        assertConfigError(c -> c.put("architecture", "mamba"), "key 'architecture': expected one of s5, s4d");
        assertConfigError(c -> c.put("n_layers", 5), "tensor 'params/encoder/layers_4/seq/Lambda_re' is missing");
    }

    private void assertConfigError(Consumer<ObjectNode> edit, String message) throws IOException {
        Path dir = fixture(t -> t, edit);
        assertThatThrownBy(() -> ModelLoader.load(dir)).isInstanceOf(ModelFormatException.class).hasMessageContaining(message);
    }

    @Test
    void missingFilesAreNamed() throws IOException {
        Path empty = Files.createDirectory(tmp.resolve("empty"));
        assertThatThrownBy(() -> ModelLoader.load(empty)).isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("config.json: file not found");
        Files.writeString(empty.resolve("config.json"), "{");
        assertThatThrownBy(() -> ModelLoader.load(empty)).isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("not valid JSON");
        assertThatThrownBy(() -> ModelLoader.load(tmp.resolve("nowhere"))).isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("not a model directory");
    }

    @Test
    void loadsTheDirectoryOfAGivenWeightsFile() {
        assertThat(ModelLoader.load(Fixtures.dir(Fixtures.S5).resolve("model.safetensors")).architecture()).isEqualTo("s5");
    }

    @Test
    void embeddedModelsEqualTheFixtures() throws java.io.IOException {
        for (String name : ModelLoader.EMBEDDED) {
            for (String file : new String[]{ModelFiles.CONFIG, ModelFiles.WEIGHTS}) {
                byte[] embedded;
                try (java.io.InputStream in = ModelLoader.class.getResourceAsStream("/io/ssmedge/models/" + name + "/"
                        + file)) {
                    assertThat(in).as("embedded %s/%s", name, file).isNotNull();
                    embedded = in.readAllBytes();
                }
                byte[] fixture = java.nio.file.Files.readAllBytes(Fixtures.dir(name).resolve(file));
                assertThat(embedded).as("embedded %s/%s equals the fixture byte for byte", name, file)
                        .isEqualTo(fixture);
            }
            SsmModel a = ModelLoader.loadEmbedded(name);
            SsmModel b = ModelLoader.load(Fixtures.dir(name));
            assertThat(a.parameterCount()).isEqualTo(b.parameterCount());
            assertThat(a.unitsPerLayer()).isEqualTo(b.unitsPerLayer());
        }
    }
}
