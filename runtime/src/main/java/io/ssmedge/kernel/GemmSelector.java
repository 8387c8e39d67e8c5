package io.ssmedge.kernel;

/** Resolves the optional Vector API kernel once, without touching the incubator module unless it is loaded. */
final class GemmSelector {
    static final Gemm VECTOR = loadVector();
    static final Gemm PREFERRED = choose();

    private GemmSelector() {
    }

    private static Gemm loadVector() {
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
            return null;
        }
        try {
            return (Gemm) Class.forName("io.ssmedge.kernel.VectorGemm").getDeclaredField("INSTANCE").get(null);
        } catch (ReflectiveOperationException | LinkageError e) {
            return null;
        }
    }

    private static Gemm choose() {
        if (!Boolean.getBoolean("ssmedge.vector")) {
            return ScalarGemm.INSTANCE;
        }
        if (VECTOR == null) {
            System.err.println("ssm-edge: -Dssmedge.vector=true needs --add-modules jdk.incubator.vector; using the scalar kernels");
            return ScalarGemm.INSTANCE;
        }
        return VECTOR;
    }
}
