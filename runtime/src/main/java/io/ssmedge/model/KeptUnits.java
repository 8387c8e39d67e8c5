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

    /** Every layer cut down to its kept units ({@code mask}: zeroed instead of removed), after {@link #check}. */
    public static <P extends PrunableLayer<P>> java.util.List<P> apply(java.util.List<P> layers, int[][] kept,
                                                                      int[] unitsPerLayer, boolean mask) {
        check(kept, unitsPerLayer);
        java.util.List<P> out = new java.util.ArrayList<>();
        for (int l = 0; l < layers.size(); l++) {
            out.add(mask ? layers.get(l).mask(kept[l]) : layers.get(l).select(kept[l]));
        }
        return java.util.List.copyOf(out);
    }
}
