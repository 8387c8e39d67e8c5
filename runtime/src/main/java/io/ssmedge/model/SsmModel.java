package io.ssmedge.model;

import java.nio.file.Path;
import java.util.List;

/**
 * A trained diagonal state space classifier, immutable once loaded (weights only; everything that
 * changes while a stream runs lives in its {@link StreamState}). Implemented by S5 and S4D models.
 *
 * <p>Streaming contract: {@link #newState()} once per stream, then {@link #step} per sample; after a
 * step {@code logp} holds the log-probabilities the model would give if the window ended at this
 * sample ({@code last} mode: this step's features; {@code pool} mode: mean of the features since the
 * last {@link #reset}). {@code step} allocates nothing.
 */
public interface SsmModel {
    /** "s5" or "s4d". */
    String architecture();

    /** One line a person can read: architecture and the settings that change its behaviour. */
    String summary();

    /** d_input: sensor channels per sample. */
    int inputSize();

    /** d_output: number of classes. */
    int outputSize();

    /** H: model width. */
    int width();

    int layers();

    /** Pruning units per layer: stored complex states (S5) or (channel, state) pairs (S4D). */
    int[] unitsPerLayer();

    default int totalUnits() {
        int n = 0;
        for (int u : unitsPerLayer()) {
            n += u;
        }
        return n;
    }

    HeadMode mode();

    /** Normalization of raw sensor values (the identity when the checkpoint has none). */
    InputNormalization normalization();

    /** Channel names in input order (generated names when the checkpoint has none). */
    List<String> channels();

    /** Class names in output order (generated names when the checkpoint has none). */
    List<String> classes();

    /**
     * The window length the model was trained on (config {@code seq_len} or {@code windowing.length}),
     * 0 when the config does not say.
     */
    int trainingWindow();

    /** The stride the model's test windows used (config {@code windowing.test_stride}), 0 when unknown. */
    int evaluationStride();

    /** Number of trainable parameters of the checkpoint as it is now (pruned states removed). */
    long parameterCount();

    /** Bytes of the float32 arrays this model holds for inference. */
    long weightBytes();

    /**
     * States whose discrete pole has |λ̄| ≥ 1 (empty for a stable model). Such a model works on windows but not
     * in continuous mode; see {@link #stabilized()}.
     */
    List<UnstableState> unstableStates();

    /**
     * This model with every unstable pole moved just inside the unit circle (|λ̄| = {@value #STABILIZED_POLE}, the
     * other states untouched); the model itself when it has none.
     */
    SsmModel stabilized();

    /** |λ̄| of a pole after {@link #stabilized()}: a time constant of 1000 samples. */
    double STABILIZED_POLE = 0.999;

    /** Largest |λ̄| over all states of all layers (stability needs < 1). */
    double maxPoleMagnitude();

    /** Discretized per-layer systems in float64 (for norms, pruning and reports). */
    List<LayerSystem> layerSystems();

    StreamState newState();

    /** Zeroes the recurrent state and the pooling accumulator (start of a window). */
    void reset(StreamState state);

    /**
     * One sample.
     *
     * @param state per-stream state of this model (modified)
     * @param u     normalized input sample (d_input) (not modified)
     * @param logp  log-probabilities if the window ended here (d_output) (written)
     */
    void step(StreamState state, float[] u, float[] logp);

    /**
     * Bytes of one stream's state kept between samples as a state block holds it ({@link BlockStates#stateBytes}),
     * computed without allocating a block (which loads the kernels): a daemon sizes its stream limit with it before
     * any stream exists. Equal to {@code newStateBlock(1).totalBytes()}.
     */
    long stateBytesPerStream();

    /** A block of {@code streams} stream states for {@link #stepBlock}, using {@link io.ssmedge.kernel.Kernels#preferred()}. */
    default StreamBlock newBlock(int streams) {
        return newBlock(streams, io.ssmedge.kernel.Kernels.preferred());
    }

    /**
     * A block of {@code streams} stream states without the step buffers (about half the bytes of
     * {@link #newBlock}): states kept between steps, copied into a full block to be stepped
     * ({@link StreamBlock#copyStreams}); {@link #stepBlock} refuses it. The daemon keeps every stream's windows so
     * and steps them in a shared block ({@link io.ssmedge.inference.WindowedBatch}).
     */
    StreamBlock newStateBlock(int streams);

    /** A block whose steps use the given matrix kernel (to compare kernels). */
    StreamBlock newBlock(int streams, io.ssmedge.kernel.Kernels kernels);

    /**
     * One sample for each of the first {@code active} streams of a block, in lockstep; the same
     * result per stream as {@link #step} (up to float32 rounding and the fast nonlinearities of
     * {@link io.ssmedge.kernel.FastMath}). Allocates nothing.
     *
     * @param block  states of this model (modified for streams 0..active-1 only)
     * @param active streams to step, 1 ≤ active ≤ block capacity
     * @param u      (active, d_input) normalized samples, row s for stream s (not modified)
     * @param logp   (active, d_output) log-probabilities if each window ended here (written)
     */
    void stepBlock(StreamBlock block, int active, float[] u, float[] logp);

    /**
     * A physically smaller model keeping only the listed units of each layer (sorted, distinct indices
     * into this model's units); everything else unchanged.
     */
    SsmModel retain(int[][] keptUnits);

    /**
     * The reference implementation's pruning: same size and compute, pruned units' λ̄, B̄ rows and C̃
     * columns set to zero. Outputs equal {@link #retain} of the same units.
     */
    SsmModel masked(int[][] keptUnits);

    /**
     * Copies stream {@code fromStream} of a block of this model into stream {@code toStream} of a block of
     * {@code target}, a pruned copy of this model made with {@code keptUnits} (by {@link #retain} or the pruner):
     * recurrent state of the kept units, pooling sum and step count, so the stream continues on the pruned model
     * without a warm-up gap. Refuses (IllegalArgumentException) a target that is not such a copy. Used by
     * {@link io.ssmedge.inference.WindowedStream#carryTo}, the entry point for whole streams.
     */
    void carry(StreamBlock from, int fromStream, int[][] keptUnits, SsmModel target, StreamBlock to, int toStream);

    /** Saves checkpoint (model.safetensors) and config.json into {@code dir}, in the layout they were read from. */
    void save(Path dir);
}
