package io.ssmedge.model;

/**
 * A layer's checkpoint parameters that pruning can cut down to some of its units.
 *
 * @param <P> the architecture's layer parameters
 */
public interface PrunableLayer<P extends PrunableLayer<P>> {
    /** Only the listed units (sorted indices), everything else unchanged: a physically smaller layer. */
    P select(int[] kept);

    /** Same size, the other units' λ̄, B̄ rows and C̃ columns set to zero (the reference implementation's pruning). */
    P mask(int[] kept);
}
