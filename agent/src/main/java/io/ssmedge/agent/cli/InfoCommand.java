package io.ssmedge.agent.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.ssmedge.model.ModelInfo;
import io.ssmedge.model.SsmModel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.util.Arrays;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

@Command(name = "info", mixinStandardHelpOptions = true,
        description = {"Describes a model: architecture, states per layer, size in memory and stability.",
                "Example: ssm-edge info embedded:s5-skab"})
public final class InfoCommand implements Callable<Integer> {
    @picocli.CommandLine.Mixin
    ModelParameter model;

    @Option(names = "--json", description = "print one JSON object instead of text")
    boolean json;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        SsmModel m = model.load();
        ModelInfo i = ModelInfo.of(m);
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(new ObjectMapper().writeValueAsString(i.toJson()));
            out.flush();
            return 0;
        }
        String unit = "s4d".equals(i.architecture()) ? "(channel, state) units" : "complex states";
        out.printf("Model         %s%n", model);
        out.printf("Architecture  %s%n", i.summary());
        out.printf("Inputs        %d channels: %s%s%n", i.inputs(), String.join(", ", i.channels()),
                i.normalizedInputs() ? " (raw values are normalized with the model's mean/std)" : "");
        out.printf("Classes       %d: %s (class 0 is treated as normal)%n", i.classes().size(), String.join(", ", i.classes()));
        out.printf("Layers        %d, width %d%n", i.layers(), i.width());
        out.printf("States        %s per layer = %d %s%n",
                Arrays.stream(i.unitsPerLayer()).mapToObj(Integer::toString).collect(Collectors.joining(" ")), i.totalUnits(), unit);
        out.printf("Parameters    %,d%n", i.parameters());
        out.printf("Weights       %,d bytes in memory (float32)%n", i.weightBytes());
        out.printf("Per stream    %,d bytes of state kept between samples (%,d bytes with step buffers)%n",
                i.stateBytes(), i.stateBytesTotal());
        out.printf("Stability     max |λ̄| = %.6f, margin %.6f: %s%n", i.maxPole(), i.stabilityMargin(),
                i.maxPole() < 1 ? "stable (every state decays)" : "UNSTABLE");
        for (io.ssmedge.model.UnstableState u : i.unstableStates()) {
            out.printf("  unstable    %s (does not decay: fine on windows, refused in continuous mode unless "
                    + "model.stabilize: clip)%n", u.describe(i.window()));
        }
        if (m.trainingWindow() > 0) {
            out.printf("Trained on    windows of %d samples%s%n", m.trainingWindow(),
                    m.evaluationStride() > 0 ? ", tested with stride " + m.evaluationStride() : "");
        }
        out.flush();
        return 0;
    }
}
