package io.ssmedge.model;

/** How a window of per-step features becomes one classification. */
public enum HeadMode {
    /** Mean of the features over the window (a running mean while streaming). */
    POOL,
    /** The features of the window's last step. */
    LAST;

    public static HeadMode parse(String s) {
        switch (s) {
            case "pool":
                return POOL;
            case "last":
                return LAST;
            default:
                return null;
        }
    }

    public String key() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
