package io.ssmedge.model;

import java.util.List;

/** The parts of {@link SsmModel} every architecture answers the same way, from its {@link ModelSpec}. */
public abstract class AbstractSsmModel implements SsmModel {
    protected final ModelSpec spec;

    protected AbstractSsmModel(ModelSpec spec) {
        this.spec = spec;
    }

    @Override
    public final int inputSize() {
        return spec.inputSize();
    }

    @Override
    public final int outputSize() {
        return spec.outputSize();
    }

    @Override
    public final int width() {
        return spec.width();
    }

    @Override
    public final HeadMode mode() {
        return spec.mode();
    }

    @Override
    public final InputNormalization normalization() {
        return spec.normalization();
    }

    @Override
    public final List<String> channels() {
        return spec.channels();
    }

    @Override
    public final List<String> classes() {
        return spec.classes();
    }

    @Override
    public final int trainingWindow() {
        return spec.trainingWindow();
    }

    @Override
    public final int evaluationStride() {
        return spec.evaluationStride();
    }

    /** None by default: an architecture whose poles can leave the unit circle overrides this and {@link #stabilized}. */
    @Override
    public List<UnstableState> unstableStates() {
        return List.of();
    }

    @Override
    public SsmModel stabilized() {
        return this;
    }

    @Override
    public double maxPoleMagnitude() {
        double m = 0;
        for (LayerSystem s : layerSystems()) {
            m = Math.max(m, s.maxPoleMagnitude());
        }
        return m;
    }

    /** float64 → float32, element-wise (discretized weights are computed in double, stored in float). */
    public static float[] toFloat(double[] a) {
        float[] f = new float[a.length];
        for (int i = 0; i < a.length; i++) {
            f[i] = (float) a[i];
        }
        return f;
    }
}
