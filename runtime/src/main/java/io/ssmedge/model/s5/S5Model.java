package io.ssmedge.model.s5;

import io.ssmedge.model.BlockStates;
import io.ssmedge.model.DiscreteLayer;
import io.ssmedge.kernel.Kernels;
import io.ssmedge.kernel.Rows;
import io.ssmedge.model.AbstractSsmModel;
import io.ssmedge.model.ClassifierHead;
import io.ssmedge.model.KeptUnits;
import io.ssmedge.model.LayerSystem;
import io.ssmedge.model.ModelFiles;
import io.ssmedge.model.SsmModel;
import io.ssmedge.model.StreamBlock;
import io.ssmedge.model.UnstableState;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * An S5 classifier (Smith et al., 2023): encoder dense → n_layers S5 layers → pool/last → decoder →
 * log-softmax. Immutable; built from a checkpoint by discretizing every layer once, in float64.
 */
public final class S5Model extends AbstractSsmModel<S5State, S5Block> {
    private final S5Config config;
    private final S5Params params;
    private final S5Layer[] layers;
    private final int[] stateOffset; // (n_layers) offset of layer l's states in the per-stream arrays
    private final int totalStates;
    private final int maxStates;
    private final List<UnstableState> unstable; // states with |λ̄| ≥ 1 (possible without clip_eigs)

    /** Builds the model; states with |λ̄| ≥ 1 are listed by {@link #unstableStates()}. */
    public S5Model(S5Config config, S5Params params) {
        super(config.spec(), S5State.class, S5Block.class, params.encoderKernel(), params.encoderBias(),
                new ClassifierHead(config.mode(), config.dModel(), config.dOutput(), params.decoderKernel(),
                        params.decoderBias()));
        this.config = config;
        this.params = params;
        int n = params.layers().size();
        layers = new S5Layer[n];
        stateOffset = new int[n];
        List<UnstableState> unstableStates = new ArrayList<>();
        int off = 0;
        int max = 0;
        for (int l = 0; l < n; l++) {
            S5LayerParams lp = params.layers().get(l);
            DiscreteLayer dl = S5Discretizer.discretize(lp, config);
            unstableStates.addAll(UnstableState.find(l, dl.lambdaRe(), dl.lambdaIm()));
            layers[l] = new S5Layer(lp, dl, config);
            stateOffset[l] = off;
            off += lp.states();
            max = Math.max(max, lp.states());
        }
        unstable = List.copyOf(unstableStates);
        totalStates = off;
        maxStates = max;
    }

    public S5Config config() {
        return config;
    }

    public S5Params params() {
        return params;
    }

    @Override
    public String architecture() {
        return "s5";
    }

    @Override
    public String summary() {
        return "S5, activation " + config.activation().key() + ", " + (config.prenorm() ? "pre-norm " : "post-norm ")
                + (config.batchnorm() ? "BatchNorm" : "LayerNorm") + ", " + config.discretization().key().toUpperCase()
                + " discretization, " + (config.conjSym() ? "conjugate-symmetric states" : "complex states (no conj_sym)")
                + (config.clipEigs() ? ", clip_eigs" : "") + ", head " + config.mode().key();
    }

    @Override
    public int layers() {
        return layers.length;
    }

    @Override
    public int[] unitsPerLayer() {
        return params.statesPerLayer();
    }

    @Override
    public long parameterCount() {
        return params.parameterCount();
    }

    @Override
    public long weightBytes() {
        long b = 4L * (encW.length + encB.length) + head.bytes();
        for (S5Layer l : layers) {
            b += l.bytes();
        }
        return b;
    }

    @Override
    public List<LayerSystem> layerSystems() {
        List<LayerSystem> out = new ArrayList<>();
        int h = width();
        for (int l = 0; l < layers.length; l++) {
            S5LayerParams lp = params.layers().get(l);
            DiscreteLayer dl = S5Discretizer.discretize(lp, config);
            int n = lp.states();
            double[] cRe = new double[h * n];
            double[] cIm = new double[h * n];
            for (int k = 0; k < h * n; k++) {
                cRe[k] = lp.c()[2 * k];
                cIm[k] = lp.c()[2 * k + 1];
            }
            double[] d = new double[h];
            for (int k = 0; k < h; k++) {
                d[k] = lp.d()[k];
            }
            out.add(new LayerSystem(h, n, dl.lambdaRe().clone(), dl.lambdaIm().clone(), dl.bRe().clone(),
                    dl.bIm().clone(), cRe, cIm, d, config.conjSym(), null));
        }
        return out;
    }

    @Override
    public S5State newState() {
        return new S5State(this, totalStates, maxStates);
    }

    @Override
    protected void stepLayers(S5State s, float[] h) {
        for (int l = 0; l < layers.length; l++) {
            layers[l].step(h, s, stateOffset[l]);
        }
    }

    @Override
    public StreamBlock newBlock(int streams, Kernels kernels) {
        return new S5Block(this, streams, spans(), kernels, true);
    }

    @Override
    public StreamBlock newStateBlock(int streams) {
        return new S5Block(this, streams, spans(), Kernels.preferred(), false);
    }

    @Override
    public long stateBytesPerStream() {
        return BlockStates.stateBytes(spans(), false, width()); // as S5Block: Re and Im in one span per layer
    }

    private int[] spans() {
        int[] spans = new int[layers.length];
        for (int l = 0; l < layers.length; l++) {
            spans[l] = layers[l].span;
        }
        return spans;
    }

    /** Stored complex states of layer l. */
    int layerStates(int l) {
        return layers[l].states;
    }

    @Override
    protected void stepLayers(S5Block b, int active) {
        for (int l = 0; l < layers.length; l++) {
            layers[l].stepBlock(b, l, active);
        }
    }

    /**
     * For benchmarks: only the SSM core of every layer (λ̄ ⊙ x, B̄·u, C̃·x, D ⊙ u) for the first
     * {@code active} streams, every layer reading the block's current features as its input. Advances
     * the recurrent states; the layer outputs are discarded.
     */
    public void ssmCoreBlock(StreamBlock block, int active) {
        S5Block b = own(block);
        b.checkActive(active);
        for (int l = 0; l < layers.length; l++) {
            layers[l].ssmBlock(b.kernels(), active, b.h(), b.x(l), b.y);
        }
    }

    @Override
    public S5Model retain(int[][] keptUnits) {
        return new S5Model(config, params.withLayers(KeptUnits.apply(params.layers(), keptUnits, unitsPerLayer(), false)));
    }

    @Override
    public S5Model masked(int[][] keptUnits) {
        return new S5Model(config, params.withLayers(KeptUnits.apply(params.layers(), keptUnits, unitsPerLayer(), true)));
    }

    @Override
    public List<UnstableState> unstableStates() {
        return unstable;
    }

    /**
     * Moves each unstable pole onto |λ̄| = {@link #STABILIZED_POLE} by changing Re Λ only (Im Λ, Δ, B̃, C̃ stay):
     * <pre>
     *   ZOH:      |λ̄| = e^{Re Λ·Δ}                          ⇒ Re Λ = ln r / Δ
     *   bilinear: |λ̄|² = ((1 + a)² + b²) / ((1 − a)² + b²),  a = Δ·Re Λ/2, b = Δ·Im Λ/2
     *             ⇒ (1 − r²)a² + 2(1 + r²)a + (1 − r²)(1 + b²) = 0, the root nearer 0
     * </pre>
     */
    @Override
    public S5Model stabilized() {
        if (unstable.isEmpty()) {
            return this;
        }
        List<S5LayerParams> ls = new ArrayList<>(params.layers());
        double r = STABILIZED_POLE;
        for (UnstableState u : unstable) {
            S5LayerParams lp = ls.get(u.layer());
            float[] re = lp.lambdaRe().clone();
            double delta = config.stepRescale() * Math.exp(lp.logStep()[u.unit()]);
            if (config.discretization() == Discretization.ZOH) {
                re[u.unit()] = (float) (Math.log(r) / delta);
            } else {
                double b = delta * lp.lambdaIm()[u.unit()] / 2;
                double q = 1 - r * r;
                double disc = (1 + r * r) * (1 + r * r) - q * q * (1 + b * b);
                double a = (-(1 + r * r) + Math.sqrt(Math.max(0, disc))) / q;
                re[u.unit()] = (float) (2 * a / delta);
            }
            ls.set(u.layer(), lp.withLambdaRe(re));
        }
        return new S5Model(config, params.withLayers(List.copyOf(ls)));
    }

    @Override
    public void save(Path dir) {
        ModelFiles.save(dir, S5Checkpoint.write(params, config), config.toJson(params.statesPerLayer()));
    }
}
