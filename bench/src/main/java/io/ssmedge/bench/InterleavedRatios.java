package io.ssmedge.bench;

import io.ssmedge.inference.BlockStepper;
import io.ssmedge.model.SsmModel;

import java.util.Arrays;

/**
 * The two ratios of issue #12 measured so that machine sharing cancels out as far as possible: the contenders
 * run in alternation, round after round, in one JVM (ONNX Runtime vs ssm-edge on s5-skab at batch 256, one thread;
 * the FMA ceiling loop vs the s5-large batched step, 256 streams in blocks of 64, one thread). Each round times
 * about 20 ms of each; the report gives, per contender, the minimum and the median over rounds of the time per
 * sample, and the ratio of the minima and the median of the per-round ratios. Complements the JMH rows (which run
 * the contenders minutes apart, so a load change between them moves the ratio).
 * <pre>
 *   java --add-modules jdk.incubator.vector -cp bench/target/benchmarks.jar io.ssmedge.bench.InterleavedRatios [rounds]
 * </pre>
 */
public final class InterleavedRatios {
    private InterleavedRatios() {
    }

    interface Work {
        void run(int reps) throws Exception;
    }

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 30;
        OrtPeerBench ort = new OrtPeerBench();
        ort.batch = 256;
        ort.threads = 1;
        boolean haveOrt = OrtPeerBench.onnxFile() != null;
        ort.setup(haveOrt);

        SsmModel large = BenchModels.load("s5-large");
        BlockStepper stepper = new BlockStepper(large, 256, 64, 1, BenchModels.kernel("vector"));
        float[][] inputs = new float[8][];
        for (int i = 0; i < inputs.length; i++) {
            inputs[i] = BenchModels.inputs(256, large.inputSize(), i);
        }
        float[] logp = new float[256 * large.outputSize()];
        FmaCeilingBench fma = new FmaCeilingBench();
        double flops = BenchModels.flopsPerSample(large);

        // per round: ns per sample (ORT, ssm-edge s5-skab), ns per FLOP ... as GFLOP/s (ceiling, s5-large)
        Work ortWork = n -> {
            for (int i = 0; i < n; i++) {
                ort.ort();
            }
        };
        Work edgeWork = n -> {
            for (int i = 0; i < n; i++) {
                ort.ssmEdge();
            }
        };
        float[] sink = new float[1];
        Work fmaWork = n -> {
            for (int i = 0; i < n; i++) {
                sink[0] += fma.vector512();
            }
        };
        int[] t = {0};
        Work largeWork = n -> {
            for (int i = 0; i < n; i++) {
                stepper.step(inputs[t[0]++ & 7], logp);
            }
        };
        int ortReps = 60;      // about 1 ms per batch-256 step of ORT
        int edgeReps = 200;
        int fmaReps = 4000;
        int largeReps = 15;
        for (int w = 0; w < 5; w++) { // warm-up: every method compiled before the first round
            if (haveOrt) {
                ortWork.run(ortReps);
            }
            edgeWork.run(edgeReps);
            fmaWork.run(fmaReps);
            largeWork.run(largeReps);
        }
        double[] ortNs = new double[rounds];
        double[] edgeNs = new double[rounds];
        double[] ceiling = new double[rounds];
        double[] largeRate = new double[rounds];
        for (int r = 0; r < rounds; r++) {
            if (haveOrt) {
                ortNs[r] = time(ortWork, ortReps) / (256.0 * ortReps);
            }
            edgeNs[r] = time(edgeWork, edgeReps) / (256.0 * edgeReps);
            ceiling[r] = (double) FmaCeilingBench.ITER * FmaCeilingBench.CHAINS * 16 * 2 * fmaReps / time(fmaWork, fmaReps);
            largeRate[r] = flops * 256 * largeReps / time(largeWork, largeReps);
        }
        ort.close();
        stepper.close();
        System.out.printf("rounds: %d; load average at the end: %s%n", rounds,
                new String(java.nio.file.Files.readAllBytes(java.nio.file.Path.of("/proc/loadavg"))).trim());
        if (haveOrt) {
            double[] ratio = new double[rounds];
            for (int r = 0; r < rounds; r++) {
                ratio[r] = ortNs[r] / edgeNs[r];
            }
            System.out.printf("s5-skab batch 256, 1 thread: ORT %.0f ns/sample (min; median %.0f), ssm-edge %.0f (min; median %.0f)%n",
                    min(ortNs), median(ortNs), min(edgeNs), median(edgeNs));
            System.out.printf("  samples/s ssm-edge / ORT: %.2f× (ratio of minima), %.2f× (median of per-round ratios)%n",
                    min(ortNs) / min(edgeNs), median(ratio));
        } else {
            System.out.println("SKIPPED ORT: s5-skab-step.onnx not found");
        }
        double[] share = new double[rounds];
        for (int r = 0; r < rounds; r++) {
            share[r] = largeRate[r] / ceiling[r];
        }
        System.out.printf("FMA ceiling %.1f GFLOP/s (max; median %.1f); s5-large 256 streams vector 1 thread %.1f GFLOP/s (max; median %.1f)%n",
                max(ceiling), median(ceiling), max(largeRate), median(largeRate));
        System.out.printf("  s5-large share of the ceiling: %.1f %% (ratio of maxima), %.1f %% (median of per-round ratios)%n",
                100 * max(largeRate) / max(ceiling), 100 * median(share));
        if (sink[0] == 42f) {
            System.out.println();
        }
    }

    private static long time(Work w, int reps) throws Exception {
        long s = System.nanoTime();
        w.run(reps);
        return System.nanoTime() - s;
    }

    private static double min(double[] a) {
        return Arrays.stream(a).min().orElse(Double.NaN);
    }

    private static double max(double[] a) {
        return Arrays.stream(a).max().orElse(Double.NaN);
    }

    private static double median(double[] a) {
        double[] c = a.clone();
        Arrays.sort(c);
        return c.length % 2 == 1 ? c[c.length / 2] : (c[c.length / 2 - 1] + c[c.length / 2]) / 2;
    }
}
