package io.ssmedge.model.s4d;

import io.ssmedge.model.BlockStates;
import io.ssmedge.model.DiscreteLayer;
import io.ssmedge.format.ModelFormatException;
import io.ssmedge.kernel.Kernels;
import io.ssmedge.kernel.Rows;
import io.ssmedge.model.AbstractSsmModel;
import io.ssmedge.model.ClassifierHead;
import io.ssmedge.model.KeptUnits;
import io.ssmedge.model.LayerSystem;
import io.ssmedge.model.ModelFiles;
import io.ssmedge.model.SsmModel;
import io.ssmedge.model.StreamBlock;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A multi-SISO S4D classifier (Gu et al., 2022; the state-spaces/s4 example backbone): encoder →
 * n_layers S4D blocks → mean (or last) → decoder → log-softmax. Each block runs H independent
 * single-input single-output diagonal systems; units are (channel, state) pairs, stored ragged.
 */
public final class S4DModel extends AbstractSsmModel<S4DState, S4DBlock> {
    private final S4DConfig config;
    private final S4DParams params;
    private final S4DLayer[] layers;
    private final int[] unitOffset;  // (n_layers) layer l's units in the per-stream arrays
    private final int totalUnits;

    public S4DModel(S4DConfig config, S4DParams params) {
        super(config.spec(), S4DState.class, S4DBlock.class,
                transpose(params.encoderWeight(), config.dModel(), config.dInput()), params.encoderBias(),
                new ClassifierHead(config.mode(), config.dModel(), config.dOutput(),
                        transpose(params.decoderWeight(), config.dOutput(), config.dModel()), params.decoderBias()));
        this.config = config;
        this.params = params;
        int n = params.layers().size();
        int h = config.dModel();
        layers = new S4DLayer[n];
        unitOffset = new int[n];
        int off = 0;
        for (int l = 0; l < n; l++) {
            S4DLayerParams lp = params.layers().get(l);
            DiscreteLayer dl = S4DDiscretizer.discretize(lp);
            for (int j = 0; j < lp.units(); j++) {
                double mag = Math.hypot(dl.lambdaRe()[j], dl.lambdaIm()[j]);
                if (!(mag < 1.0)) {
                    throw ModelFormatException.tensor(config.source(), S4DCheckpoint.layer(l) + "kernel.log_A_real",
                            "unit " + j + " is unstable after discretization: expected |λ̄| < 1, got " + mag);
                }
            }
            layers[l] = new S4DLayer(lp, dl, config);
            unitOffset[l] = off;
            off += lp.units();
        }
        totalUnits = off;
    }

    /** (rows, cols) → (cols, rows). */
    private static float[] transpose(float[] a, int rows, int cols) {
        float[] t = new float[a.length];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                t[c * rows + r] = a[r * cols + c];
            }
        }
        return t;
    }

    public S4DConfig config() {
        return config;
    }

    public S4DParams params() {
        return params;
    }

    @Override
    public String architecture() {
        return "s4d";
    }

    @Override
    public String summary() {
        return "S4D (multi-SISO), " + (config.prenorm() ? "pre-norm" : "post-norm") + " LayerNorm, ZOH, "
                + (config.geluApproximate() ? "tanh" : "exact") + " GELU + GLU, head " + config.mode().key()
                + ", up to " + config.statesPerChannel() + " states per channel";
    }

    @Override
    public int layers() {
        return layers.length;
    }

    @Override
    public int[] unitsPerLayer() {
        return params.unitsPerLayer();
    }

    /** States kept per channel in each layer: [layer][channel]. */
    public int[][] statesPerChannel() {
        int[][] out = new int[layers.length][];
        for (int l = 0; l < layers.length; l++) {
            S4DLayerParams lp = params.layers().get(l);
            out[l] = new int[width()];
            for (int ch = 0; ch < width(); ch++) {
                out[l][ch] = lp.statesOf(ch);
            }
        }
        return out;
    }

    @Override
    public long parameterCount() {
        return params.parameterCount();
    }

    @Override
    public long weightBytes() {
        long b = 4L * (encW.length + encB.length) + head.bytes();
        for (S4DLayer l : layers) {
            b += l.bytes();
        }
        return b;
    }

    /** Unit u of a layer: B̄ has one non-zero, at column channel(u); C̃ one non-zero, at row channel(u). */
    @Override
    public List<LayerSystem> layerSystems() {
        List<LayerSystem> out = new ArrayList<>();
        int h = width();
        for (int l = 0; l < layers.length; l++) {
            S4DLayerParams lp = params.layers().get(l);
            DiscreteLayer dl = S4DDiscretizer.discretize(lp);
            int u = lp.units();
            int[] chan = lp.channelOfUnit();
            double[] bRe = new double[u * h];
            double[] bIm = new double[u * h];
            double[] cRe = new double[h * u];
            double[] cIm = new double[h * u];
            for (int j = 0; j < u; j++) {
                bRe[j * h + chan[j]] = dl.bRe()[j];
                bIm[j * h + chan[j]] = dl.bIm()[j];
                cRe[chan[j] * u + j] = lp.c()[2 * j];
                cIm[chan[j] * u + j] = lp.c()[2 * j + 1];
            }
            double[] d = new double[h];
            for (int k = 0; k < h; k++) {
                d[k] = lp.d()[k];
            }
            out.add(new LayerSystem(h, u, dl.lambdaRe().clone(), dl.lambdaIm().clone(), bRe, bIm, cRe, cIm, d, true, chan));
        }
        return out;
    }

    @Override
    public S4DState newState() {
        return new S4DState(this, totalUnits);
    }

    @Override
    protected void stepLayers(S4DState s, float[] h) {
        for (int l = 0; l < layers.length; l++) {
            layers[l].step(h, s, unitOffset[l]);
        }
    }

    /** A block whose dense layers use the given matrix kernel (to compare kernels). */
    public StreamBlock newBlock(int streams, Kernels kernels) {
        return new S4DBlock(this, streams, params.unitsPerLayer(), kernels, true);
    }

    @Override
    public StreamBlock newStateBlock(int streams) {
        return new S4DBlock(this, streams, params.unitsPerLayer(), Kernels.preferred(), false);
    }

    @Override
    public long stateBytesPerStream() {
        return BlockStates.stateBytes(params.unitsPerLayer(), true, width()); // as S4DBlock: xRe and xIm apart
    }

    @Override
    protected void stepLayers(S4DBlock b, int active) {
        for (int l = 0; l < layers.length; l++) {
            layers[l].stepBlock(b, l, active);
        }
    }

    /**
     * For benchmarks: only the SSM core of every layer (λ̄ ⊙ x + B̄·u, 2·Re(C·x) + D·u per unit, over the
     * ragged layout) for the first {@code active} streams, every layer reading the block's current
     * features. Advances the recurrent states; outputs are discarded.
     */
    public void ssmCoreBlock(StreamBlock block, int active) {
        S4DBlock b = own(block);
        b.checkActive(active);
        for (int l = 0; l < layers.length; l++) {
            layers[l].ssmBlock(b.kernels(), active, b.capacity(), b.h(), b.zT, b.xRe(l), b.xIm(l), b.yT);
        }
    }

    @Override
    public S4DModel retain(int[][] keptUnits) {
        return new S4DModel(config, params.withLayers(KeptUnits.apply(params.layers(), keptUnits, unitsPerLayer(), false)));
    }

    @Override
    public S4DModel masked(int[][] keptUnits) {
        return new S4DModel(config, params.withLayers(KeptUnits.apply(params.layers(), keptUnits, unitsPerLayer(), true)));
    }

    @Override
    public void save(Path dir) {
        ModelFiles.save(dir, S4DCheckpoint.write(params, config), config.toJson(params.unitsPerLayer()));
    }
}
