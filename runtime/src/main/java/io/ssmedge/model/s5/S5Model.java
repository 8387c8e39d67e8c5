package io.ssmedge.model.s5;

import io.ssmedge.kernel.Dense;
import io.ssmedge.kernel.Kernels;
import io.ssmedge.kernel.Rows;
import io.ssmedge.model.AbstractSsmModel;
import io.ssmedge.model.ClassifierHead;
import io.ssmedge.model.KeptUnits;
import io.ssmedge.model.LayerSystem;
import io.ssmedge.model.ModelFiles;
import io.ssmedge.model.SsmModel;
import io.ssmedge.model.StreamBlock;
import io.ssmedge.model.StreamState;
import io.ssmedge.model.UnstableState;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * An S5 classifier (Smith et al., 2023): encoder dense → n_layers S5 layers → pool/last → decoder →
 * log-softmax. Immutable; built from a checkpoint by discretizing every layer once, in float64.
 */
public final class S5Model extends AbstractSsmModel {
    private final S5Config config;
    private final S5Params params;
    private final S5Layer[] layers;
    private final List<S5Discretizer.Discrete> discrete;
    private final int[] stateOffset; // (n_layers) offset of layer l's states in the per-stream arrays
    private final int totalStates;
    private final int maxStates;
    private final float[] encW;      // (d_input, H)
    private final float[] encB;      // (H)
    private final float[] decW;      // (H, d_output)
    private final float[] decB;      // (d_output)
    private final ClassifierHead head;
    private final List<UnstableState> unstable; // states with |λ̄| ≥ 1 (possible without clip_eigs)

    /** Builds the model; states with |λ̄| ≥ 1 are listed by {@link #unstableStates()}. */
    public S5Model(S5Config config, S5Params params) {
        super(config.spec());
        this.config = config;
        this.params = params;
        int n = params.layers().size();
        layers = new S5Layer[n];
        stateOffset = new int[n];
        List<S5Discretizer.Discrete> disc = new ArrayList<>();
        List<UnstableState> unstableStates = new ArrayList<>();
        int off = 0;
        int max = 0;
        for (int l = 0; l < n; l++) {
            S5LayerParams lp = params.layers().get(l);
            S5Discretizer.Discrete dl = S5Discretizer.discretize(lp, config);
            unstableStates.addAll(UnstableState.find(l, dl.lambdaRe(), dl.lambdaIm()));
            disc.add(dl);
            layers[l] = new S5Layer(lp, dl, config);
            stateOffset[l] = off;
            off += lp.states();
            max = Math.max(max, lp.states());
        }
        discrete = List.copyOf(disc);
        unstable = List.copyOf(unstableStates);
        totalStates = off;
        maxStates = max;
        encW = params.encoderKernel();
        encB = params.encoderBias();
        decW = params.decoderKernel();
        decB = params.decoderBias();
        head = new ClassifierHead(config.mode(), config.dModel(), config.dOutput(), decW, decB);
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
            S5Discretizer.Discrete dl = discrete.get(l);
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

    private S5State own(StreamState s) {
        if (!(s instanceof S5State) || ((S5State) s).owner != this) {
            throw new IllegalArgumentException("stream state belongs to another model");
        }
        return (S5State) s;
    }

    @Override
    public void reset(StreamState state) {
        own(state).clear();
    }

    @Override
    public void step(StreamState state, float[] u, float[] logp) {
        S5State s = own(state);
        final int w = width();
        float[] h = s.h;
        Dense.affine(u, config.dInput(), encW, encB, w, h);
        for (int l = 0; l < layers.length; l++) {
            layers[l].step(h, s, stateOffset[l]);
        }
        s.steps++;
        head.readout(h, s.pool, s.steps, s.feat, s.logits, logp);
    }

    @Override
    public StreamBlock newBlock(int streams, Kernels kernels) {
        int[] spans = new int[layers.length];
        for (int l = 0; l < layers.length; l++) {
            spans[l] = layers[l].span;
        }
        return new S5Block(this, streams, spans, kernels);
    }

    private S5Block own(StreamBlock b) {
        if (!(b instanceof S5Block) || ((S5Block) b).owner != this) {
            throw new IllegalArgumentException("stream block belongs to another model");
        }
        return (S5Block) b;
    }

    /** Stored complex states of layer l. */
    int layerStates(int l) {
        return layers[l].states;
    }

    /** {@link #step} for the first {@code active} streams of a block, see {@link SsmModel#stepBlock}. */
    @Override
    public void stepBlock(StreamBlock block, int active, float[] u, float[] logp) {
        S5Block b = own(block);
        b.encode(active, u, config.dInput(), encW, encB);
        for (int l = 0; l < layers.length; l++) {
            layers[l].stepBlock(b, l, active);
        }
        b.finish(active, head, logp);
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
            layers[l].ssmBlock(b.kernels, active, b.h, b.xRe[l], b.y);
        }
    }

    @Override
    public S5Model retain(int[][] keptUnits) {
        KeptUnits.check(keptUnits, unitsPerLayer());
        List<S5LayerParams> ls = new ArrayList<>();
        for (int l = 0; l < layers.length; l++) {
            ls.add(params.layers().get(l).select(keptUnits[l]));
        }
        return new S5Model(config, new S5Params(encW, encB, List.copyOf(ls), decW, decB));
    }

    @Override
    public S5Model masked(int[][] keptUnits) {
        KeptUnits.check(keptUnits, unitsPerLayer());
        List<S5LayerParams> ls = new ArrayList<>();
        for (int l = 0; l < layers.length; l++) {
            ls.add(params.layers().get(l).mask(keptUnits[l]));
        }
        return new S5Model(config, new S5Params(encW, encB, List.copyOf(ls), decW, decB));
    }

    @Override
    public void carryState(StreamState from, int[][] keptUnits, SsmModel target, StreamState to) {
        S5State src = own(from);
        if (!(target instanceof S5Model) || !(to instanceof S5State) || ((S5State) to).owner != target) {
            throw new IllegalArgumentException("target state must belong to the target S5 model");
        }
        S5Model t = (S5Model) target;
        S5State dst = (S5State) to;
        KeptUnits.check(keptUnits, unitsPerLayer());
        for (int l = 0; l < layers.length; l++) {
            if (t.layers[l].states != keptUnits[l].length) {
                throw new IllegalArgumentException("layer " + l + ": target has " + t.layers[l].states + " states, plan keeps "
                        + keptUnits[l].length);
            }
            for (int j = 0; j < keptUnits[l].length; j++) {
                dst.xRe[t.stateOffset[l] + j] = src.xRe[stateOffset[l] + keptUnits[l][j]];
                dst.xIm[t.stateOffset[l] + j] = src.xIm[stateOffset[l] + keptUnits[l][j]];
            }
        }
        System.arraycopy(src.pool, 0, dst.pool, 0, src.pool.length);
        dst.steps = src.steps;
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
        return new S5Model(config, new S5Params(encW, encB, List.copyOf(ls), decW, decB));
    }

    @Override
    public void save(Path dir) {
        ModelFiles.save(dir, S5Checkpoint.write(params, config), config.toJson(params.statesPerLayer()));
    }
}
