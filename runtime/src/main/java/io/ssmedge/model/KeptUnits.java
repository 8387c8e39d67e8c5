package io.ssmedge.model;

/** Lists of kept unit indices, one per layer, as used by {@link SsmModel#retain}. */
public final class KeptUnits {
    private KeptUnits() {
    }

    /** Each layer's list must be sorted, distinct and below that layer's unit count. */
    public static void check(int[][] kept, int[] unitsPerLayer) {
        if (kept.length != unitsPerLayer.length) {
            throw new IllegalArgumentException("plan has " + kept.length + " layers, model has " + unitsPerLayer.length);
        }
        for (int l = 0; l < kept.length; l++) {
            int prev = -1;
            for (int i : kept[l]) {
                if (i <= prev || i >= unitsPerLayer[l]) {
                    throw new IllegalArgumentException("layer " + l + ": kept unit indices must be sorted, distinct and below "
                            + unitsPerLayer[l] + ", got " + java.util.Arrays.toString(kept[l]));
                }
                prev = i;
            }
        }
    }
}
