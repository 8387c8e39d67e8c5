package io.ssmedge.model.s5;

import io.ssmedge.bench.BenchModels;
import io.ssmedge.kernel.Kernels;
import io.ssmedge.model.SsmModel;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Development tool: where the time of the batched S5 step goes, stage by stage (each stage run alone on one
 * block, repeatedly, minimum over rounds: robust on a shared machine). Not a JMH benchmark.
 * Usage: java --add-modules jdk.incubator.vector -cp benchmarks.jar io.ssmedge.model.s5.S5StageProfile MODEL STREAMS KERNEL
 */
public final class S5StageProfile {
    private S5StageProfile() {
    }

    public static void main(String[] args) {
        String name = args.length > 0 ? args[0] : "s5-large";
        int m = args.length > 1 ? Integer.parseInt(args[1]) : 64;
        Kernels k = BenchModels.kernel(args.length > 2 ? args[2] : "vector");
        S5Model model = (S5Model) BenchModels.load(name);
        S5Block b = (S5Block) model.newBlock(m, k);
        float[] u = BenchModels.inputs(m, model.inputSize(), 1);
        float[] logp = new float[m * model.outputSize()];
        for (int i = 0; i < 100; i++) {
            model.stepBlock(b, m, u, logp);
        }
        S5Layer l = layer(model, 0);
        int w = l.width;
        Map<String, Runnable> stages = new LinkedHashMap<>();
        stages.put("whole step", () -> model.stepBlock(b, m, u, logp));
        stages.put("λx + B·u", () -> k.rotateMulAdd(m, w, l.states, l.span, l.lamRe, l.lamIm, b.h(), w, l.bT, b.x(0)));
        stages.put("C·x gemm", () -> k.mul(m, 2 * l.states, w, b.x(0), l.span, l.cT, w, b.y, w));
        stages.put("D⊙z+gelu", () -> k.feedThroughGelu(m, w, b.y, l.d, b.h(), b.g));
        stages.put("out2 gemm", () -> k.mul(m, w, w, b.g, w, l.out2W, w, b.t, w));
        stages.put("gate+resid", () -> k.gateAddBias(m, w, b.g, b.t, l.out2B, b.a));
        stages.put("layerNorm", () -> k.layerNorm(m, b.h(), w, l.normA, l.normB, 1e-6f, b.z));
        float[] logits = BenchModels.inputs(m, model.outputSize(), 3);
        float[] lp = new float[m * model.outputSize()];
        float[] headW = BenchModels.inputs(w, model.outputSize(), 4);
        float[] encW = BenchModels.inputs(model.inputSize(), w, 5);
        if (model.outputSize() == 2) { // the block path's two-class head: one dot product and one exp per stream
            stages.put("head", () -> k.binaryLogSoftmax(m, w, b.h(), headW, 0.1f, lp));
        } else {
            stages.put("head gemm", () -> io.ssmedge.kernel.Rows.affine(k, m, b.h(), w, headW, null, model.outputSize(), logits));
            stages.put("logSoftmax", () -> io.ssmedge.kernel.Rows.logSoftmax(m, logits, model.outputSize(), lp));
        }
        stages.put("encoder", () -> io.ssmedge.kernel.Rows.affine(k, m, u, model.inputSize(), encW, null, w, b.t));
        double whole = 0;
        double sum = 0;
        System.out.printf("%s, %d streams, %s, %d layers%n", name, m, k.name(), model.layers());
        com.sun.management.ThreadMXBean tb0 = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        for (Map.Entry<String, Runnable> e : stages.entrySet()) {
            double ns = time(e.getValue());
            long al = tb0.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < 100; i++) {
                e.getValue().run();
            }
            System.out.printf("  (%s allocates %.0f B/call)%n", e.getKey(), (tb0.getCurrentThreadAllocatedBytes() - al) / 100.0);
            if (whole == 0) {
                whole = ns;
                System.out.printf("%-12s %10.0f ns/step = %8.1f ns/sample  (%.1f GFLOP/s)%n", e.getKey(), ns, ns / m,
                        BenchModels.flopsPerSample(model) * m / ns);
            } else if (e.getKey().startsWith("head") || e.getKey().startsWith("logSoftmax")
                    || e.getKey().startsWith("encoder")) { // once per step
                sum += ns;
                System.out.printf("%-12s %10.0f ns/step       = %5.1f %% of the step%n", e.getKey(), ns, 100 * ns / whole);
            } else {
                sum += ns * model.layers();
                System.out.printf("%-12s %10.0f ns/layer  x%d = %5.1f %% of the step%n", e.getKey(), ns, model.layers(),
                        100 * ns * model.layers() / whole);
            }
        }
        System.out.printf("%-12s %5.1f %%%n", "listed", 100 * sum / whole);
        com.sun.management.ThreadMXBean tb = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        long a0 = tb.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < 1000; i++) {
            model.stepBlock(b, m, u, logp);
        }
        System.out.printf("allocated per step: %.1f bytes%n", (tb.getCurrentThreadAllocatedBytes() - a0) / 1000.0);
        double ceiling = 2.0 * 12 * 16 * 2048 / time(S5StageProfile::fma512);
        System.out.printf("FMA ceiling %.1f GFLOP/s; whole step = %.1f %% of it%n", ceiling,
                100 * BenchModels.flopsPerSample(model) * m / whole / ceiling);
    }

    static float sink;

    /** The loop of FmaCeilingBench.vector512 (12 chains). */
    static void fma512() {
        jdk.incubator.vector.VectorSpecies<Float> sp = jdk.incubator.vector.FloatVector.SPECIES_512;
        var vx = jdk.incubator.vector.FloatVector.broadcast(sp, 0.9999f);
        var vy = jdk.incubator.vector.FloatVector.broadcast(sp, 1e-4f);
        var a0 = jdk.incubator.vector.FloatVector.broadcast(sp, 0.1f);
        var a1 = a0.add(1f);
        var a2 = a0.add(2f);
        var a3 = a0.add(3f);
        var a4 = a0.add(4f);
        var a5 = a0.add(5f);
        var a6 = a0.add(6f);
        var a7 = a0.add(7f);
        var a8 = a0.add(8f);
        var a9 = a0.add(9f);
        var a10 = a0.add(10f);
        var a11 = a0.add(11f);
        for (int i = 0; i < 2048; i++) {
            a0 = a0.fma(vx, vy);
            a1 = a1.fma(vx, vy);
            a2 = a2.fma(vx, vy);
            a3 = a3.fma(vx, vy);
            a4 = a4.fma(vx, vy);
            a5 = a5.fma(vx, vy);
            a6 = a6.fma(vx, vy);
            a7 = a7.fma(vx, vy);
            a8 = a8.fma(vx, vy);
            a9 = a9.fma(vx, vy);
            a10 = a10.fma(vx, vy);
            a11 = a11.fma(vx, vy);
        }
        sink += a0.add(a1).add(a2).add(a3).add(a4).add(a5).add(a6).add(a7).add(a8).add(a9).add(a10).add(a11)
                .reduceLanes(jdk.incubator.vector.VectorOperators.ADD);
    }

    static S5Layer layer(S5Model model, int l) {
        try {
            java.lang.reflect.Field f = S5Model.class.getDeclaredField("layers");
            f.setAccessible(true);
            return ((S5Layer[]) f.get(model))[l];
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Minimum over 40 rounds of the mean time of a call, each round about 0.5 ms. */
    static double time(Runnable r) {
        for (int i = 0; i < 3000; i++) {
            r.run();
        }
        long t0 = System.nanoTime();
        for (int i = 0; i < 100; i++) {
            r.run();
        }
        long per = Math.max(1, (System.nanoTime() - t0) / 100);
        int reps = (int) Math.max(1, 500_000 / per);
        double best = Double.MAX_VALUE;
        for (int round = 0; round < 40; round++) {
            long s = System.nanoTime();
            for (int i = 0; i < reps; i++) {
                r.run();
            }
            best = Math.min(best, (System.nanoTime() - s) / (double) reps);
        }
        return best;
    }
}
