package io.ssmedge.agent.rollout;

import io.ssmedge.model.SsmModel;
import io.ssmedge.pruning.PruningMethod;

/**
 * One model of the rollout: the original (ratio 0) or the original pruned at a stage's ratio.
 *
 * @param ratio          pruning ratio in % (0 = the original)
 * @param method         pruning method (null for the original)
 * @param model          the loaded, verified model
 * @param version        "sha256:" + hex SHA-256 of its stored config.json and model.safetensors
 * @param keptUnits      (layers)(kept) indices of the original's units this model keeps (carry-over of states)
 * @param stepMicros     measured time of one step of one stream (NaN when not measured)
 * @param bytesPerStream bytes of state (all open windows) one stream needs
 */
public record StageModel(int ratio, PruningMethod method, SsmModel model, String version, int[][] keptUnits,
                         double stepMicros, long bytesPerStream) {
    public int[] keptPerLayer() {
        int[] k = new int[keptUnits.length];
        for (int i = 0; i < k.length; i++) {
            k[i] = keptUnits[i].length;
        }
        return k;
    }

    public boolean original() {
        return ratio == 0;
    }

    /** "33 % (LAST)" or "the original model". */
    public String describe() {
        return ratio == 0 ? "the original model" : ratio + " % pruned (" + method.key() + ")";
    }
}
