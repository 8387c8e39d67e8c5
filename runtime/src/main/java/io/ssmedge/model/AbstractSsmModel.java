package io.ssmedge.model;

import io.ssmedge.kernel.Dense;

import java.util.List;

/**
 * The parts of {@link SsmModel} every architecture answers the same way: the facts of its {@link ModelSpec}, and
 * the frame of a step (encoder dense → the architecture's layers → {@link ClassifierHead}) for one stream and for a
 * block, with the argument checks at that boundary, the ownership checks of states and blocks, and the carry of a
 * stream to a pruned copy.
 *
 * @param <S> the architecture's stream state
 * @param <B> the architecture's stream block
 */
public abstract class AbstractSsmModel<S extends ModelState, B extends BlockStates> implements SsmModel {
    protected final ModelSpec spec;
    protected final float[] encW;           // (d_input, H)
    protected final float[] encB;           // (H)
    protected final ClassifierHead head;
    private final Class<S> stateType;
    private final Class<B> blockType;

    protected AbstractSsmModel(ModelSpec spec, Class<S> stateType, Class<B> blockType, float[] encW, float[] encB,
                               ClassifierHead head) {
        this.spec = spec;
        this.stateType = stateType;
        this.blockType = blockType;
        this.encW = encW;
        this.encB = encB;
        this.head = head;
    }

    /** The architecture's layers on one stream's features {@code h} (H, in place; the state's own buffer). */
    protected abstract void stepLayers(S s, float[] h);

    /** The architecture's layers on the features of the first {@code active} streams of a block (in place). */
    protected abstract void stepLayers(B b, int active);

    protected final S own(StreamState state) {
        if (!stateType.isInstance(state) || !((ModelState) state).ownedBy(this)) {
            throw new IllegalArgumentException("stream state belongs to another model");
        }
        return stateType.cast(state);
    }

    protected final B own(StreamBlock block) {
        if (!blockType.isInstance(block) || !((BlockStates) block).ownedBy(this)) {
            throw new IllegalArgumentException("stream block belongs to another model");
        }
        return blockType.cast(block);
    }

    /**
     * Checks, once per call, that {@code a} holds at least {@code floats} values; the message (shape =
     * {@code String.format(shape, p, q)}) is built only on failure, so a passing check allocates nothing.
     */
    private static void need(String method, String array, float[] a, long floats, String shape, int p, int q) {
        if (a == null || a.length < floats) {
            throw new IllegalArgumentException(method + ": " + array + " has " + (a == null ? "no array" : a.length
                    + " floats") + ", expected at least " + floats + " " + String.format(shape, p, q));
        }
    }

    @Override
    public final void reset(StreamState state) {
        own(state).clear();
    }

    @Override
    public final void step(StreamState state, float[] u, float[] logp) {
        S s = own(state);
        need("step", "u", u, inputSize(), "(d_input: one value per channel)", 0, 0);
        need("step", "logp", logp, outputSize(), "(d_output: one per class)", 0, 0);
        Dense.affine(u, inputSize(), encW, encB, width(), s.h);
        stepLayers(s, s.h);
        s.steps++;
        head.readout(s.h, s.pool, s.steps, s.feat, s.logits, logp);
    }

    @Override
    public final void stepBlock(StreamBlock block, int active, float[] u, float[] logp) {
        B b = own(block);
        b.checkActive(active);
        need("stepBlock", "u", u, (long) active * inputSize(), "(active %d × d_input %d)", active, inputSize());
        need("stepBlock", "logp", logp, (long) active * outputSize(), "(active %d × d_output %d)", active,
                outputSize());
        b.encode(active, u, inputSize(), encW, encB);
        stepLayers(b, active);
        b.finish(active, head, logp);
    }

    /**
     * The one way a stream moves to a pruned model: {@code target} must be a pruned copy of this model made with
     * {@code keptUnits} ({@link PrunedCopy#check}, cached for the pair), else nothing is copied.
     */
    @Override
    public final void carry(StreamBlock from, int fromStream, int[][] keptUnits, SsmModel target, StreamBlock to,
                            int toStream) {
        B a = own(from);
        PrunedCopy.check(this, keptUnits, target);
        if (!(target instanceof AbstractSsmModel)) {
            throw new IllegalArgumentException("not a pruned copy: the target is not a model of this runtime");
        }
        BlockStates b = ((AbstractSsmModel<?, ?>) target).own(to);
        BlockStates.carry(a, fromStream, keptUnits, b, toStream);
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
