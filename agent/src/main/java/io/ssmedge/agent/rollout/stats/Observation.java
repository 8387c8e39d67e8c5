package io.ssmedge.agent.rollout.stats;

/**
 * One decorrelated observation of a candidate against a reference model: means over a block of
 * non-overlapping windows of one stream (see {@link WindowDecorrelator}). A component is NaN when the block had
 * no window it applies to (no label, no normal window, no fault window).
 *
 * @param drop          mean of X = 1[reference right] − 1[candidate right] over the labeled windows, in [−1, 1]
 * @param disagreement  share of windows where the two models chose different classes, in [0, 1]
 * @param falseAlarm    share of the normal-labeled windows the candidate flagged as a fault
 * @param miss          share of the fault-labeled windows the candidate reported as normal
 * @param windows       windows in the block
 * @param labeled       labeled windows in the block
 */
public record Observation(double drop, double disagreement, double falseAlarm, double miss, int windows, int labeled) {
    public boolean hasLabels() {
        return labeled > 0;
    }
}
