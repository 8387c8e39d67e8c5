package io.ssmedge.agent.cli;

import io.ssmedge.model.ModelLoader;
import io.ssmedge.model.SsmModel;
import picocli.CommandLine;

import java.nio.file.Path;

/**
 * A model named on the command line: a directory (or its model.safetensors) or
 * {@code embedded:NAME} for a model bundled in the jar.
 */
public record ModelRef(String spec) {
    public static final String EMBEDDED = "embedded:";

    public boolean embedded() {
        return spec.startsWith(EMBEDDED);
    }

    public SsmModel load() {
        if (embedded()) {
            return ModelLoader.loadEmbedded(spec.substring(EMBEDDED.length()));
        }
        return ModelLoader.load(Path.of(spec));
    }

    @Override
    public String toString() {
        return spec;
    }

    /** picocli converter. */
    public static final class Converter implements CommandLine.ITypeConverter<ModelRef> {
        @Override
        public ModelRef convert(String value) {
            if (value.startsWith(EMBEDDED) && !ModelLoader.EMBEDDED.contains(value.substring(EMBEDDED.length()))) {
                throw new CommandLine.TypeConversionException("no embedded model '" + value.substring(EMBEDDED.length())
                        + "'; embedded models: " + ModelLoader.EMBEDDED);
            }
            return new ModelRef(value);
        }
    }
}
