package io.ssmedge.agent.labels;

/**
 * Something that waits for the label of one prediction (its model version's score, a shadow model's class). Called
 * once by the stream's {@link LabelJoin} on the worker thread: with the label when one is joined, or with -1 when
 * the join gives the prediction up (no label within the delay, or pushed out of a full buffer).
 */
public interface LabelWaiter {
    void labeled(int predicted, int label);
}
