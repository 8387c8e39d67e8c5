package io.ssmedge.agent.cli;

import io.ssmedge.model.SsmModel;
import picocli.CommandLine.Parameters;

/** The MODEL argument every model command takes first (a mixin). */
public final class ModelParameter {
    @Parameters(index = "0", paramLabel = "MODEL", converter = ModelRef.Converter.class,
            description = "model folder (config.json + model.safetensors) or embedded:s5-skab / embedded:s4d-skab")
    ModelRef model;

    public SsmModel load() {
        return model.load();
    }

    public String spec() {
        return model.spec();
    }

    @Override
    public String toString() {
        return model.spec();
    }
}
