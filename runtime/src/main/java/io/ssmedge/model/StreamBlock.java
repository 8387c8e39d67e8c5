package io.ssmedge.model;

/**
 * The per-stream state of up to {@link #capacity()} streams of one model in one structure-of-arrays
 * block, for the batched step {@link SsmModel#stepBlock}: the streams' recurrent states side by side,
 * so that B̄·u, C̃·x and the dense layers over the block become small matrix products. Allocated once
 * by {@link SsmModel#newBlock}; used by one thread at a time. Stream s of the block is row s of the
 * (streams, ·) arrays passed to {@code stepBlock}.
 */
public interface StreamBlock {
    /** S: streams this block holds. */
    int capacity();

    /** Zeroes stream s's recurrent state and pooling accumulator (start of its window). */
    void reset(int stream);

    /** Resets every stream. */
    void resetAll();

    /** Steps stream s has taken since its last reset. */
    long steps(int stream);

    /** Bytes of the recurrent states and pooling accumulators of all S streams. */
    long recurrentBytes();

    /** Bytes of every array this block holds, scratch buffers included. */
    long totalBytes();

    /**
     * Copies streams {@code first .. first+count-1} (recurrent states, pooling sums, step counts) into streams
     * {@code toFirst ..} of {@code to}, a block of the same model (any capacity, steppable or states-only). How a
     * batch gathers streams kept in their own blocks into one block to step them together, and hands them back.
     * One pass over the state arrays: with streams as the fast dimension (unit-major, S4D) one stream's state is one
     * float per unit, {@code S} floats apart, so adjacent streams are copied together (copying them one by one
     * touched every cache line of the target once per stream). Allocates nothing.
     *
     * @throws IllegalArgumentException when {@code to} is not a block of this model, or a range is out of bounds
     */
    void copyStreams(int first, int count, StreamBlock to, int toFirst);

    /** The matrix kernel this block's steps use ("scalar", "vector-512", ...). */
    String kernel();
}
