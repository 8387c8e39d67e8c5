package io.ssmedge.kernel;

/** Resolves the optional Vector API kernel once, without touching the incubator module unless it is loaded. */
final class KernelSelector {
    static final Kernels VECTOR = vector("INSTANCE");
    static final Kernels PREFERRED = choose();

    private KernelSelector() {
    }

    /** VectorKernels' static field of that name, read reflectively; null when the incubator module is not loaded. */
    static Kernels vector(String field) {
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
            return null;
        }
        try {
            return (Kernels) Class.forName("io.ssmedge.kernel.VectorKernels").getDeclaredField(field).get(null);
        } catch (ReflectiveOperationException | LinkageError e) {
            return null;
        }
    }

    private static Kernels choose() {
        if (!Boolean.getBoolean("ssmedge.vector")) {
            return ScalarKernels.INSTANCE;
        }
        if (VECTOR == null) {
            System.err.println("ssm-edge: -Dssmedge.vector=true needs --add-modules jdk.incubator.vector; using the scalar kernels");
            return ScalarKernels.INSTANCE;
        }
        return VECTOR;
    }
}
