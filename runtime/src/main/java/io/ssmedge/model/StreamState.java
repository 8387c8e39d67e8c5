package io.ssmedge.model;

/**
 * The per-stream part of a model: recurrent state, pooling accumulator and the scratch buffers a
 * step needs, all allocated once when the stream is created. A state belongs to the model that made
 * it and is used by one thread at a time.
 */
public interface StreamState {
    /** Steps taken since the last reset. */
    long steps();

    /** Bytes of the recurrent state and pooling accumulator (what a stream must keep between samples). */
    long recurrentBytes();

    /** Bytes of every array this state holds, scratch buffers included. */
    long totalBytes();
}
