package io.ssmedge.agent.simulator;

import java.util.List;
import java.util.SplittableRandom;

/**
 * One simulated pump: the 8 SKAB channels, sample by sample, deterministic for a seed and a stream index.
 * Three independent random sequences (normal noise, fault effects, random fault times) so that injecting a fault
 * changes only the samples it covers: the same seed gives the same normal operation with or without faults.
 *
 * <p>Magnitudes follow the SKAB test bed (anomaly-free.csv and the valve runs): two operating points, a high-flow one
 * (vibration RMS 0.21/0.27 g, 2.4 A, 125 l/min, 89 °C) and a low-flow one (0.027/0.040 g, 0.98 A, 32 l/min, 70 °C),
 * with SKAB's noise levels (current ±0.3–0.5 A, pressure ±0.25 bar, voltage ±11 V).
 */
final class PumpStream {
    /** Channel order of the SKAB CSVs and the bundled models. */
    static final List<String> CHANNELS = List.of("Accelerometer1RMS", "Accelerometer2RMS", "Current", "Pressure",
            "Temperature", "Thermocouple", "Voltage", "Volume Flow RateRMS");
    static final int VIB1 = 0;
    static final int VIB2 = 1;
    static final int CURRENT = 2;
    static final int PRESSURE = 3;
    static final int TEMP = 4;
    static final int THERMO = 5;
    static final int VOLTAGE = 6;
    static final int FLOW = 7;

    // operating points (SKAB means) and noise (SKAB standard deviations), channel order as CHANNELS
    private static final double[] HIGH = {0.213, 0.268, 2.40, 0.111, 89.5, 28.5, 228.6, 125.2};
    private static final double[] HIGH_NOISE = {0.0047, 0.0040, 0.45, 0.25, 0.12, 0.06, 11.0, 1.6};
    private static final double[] LOW = {0.027, 0.040, 0.975, 0.063, 70.3, 25.0, 230.7, 32.2};
    private static final double[] LOW_NOISE = {0.0010, 0.0010, 0.27, 0.26, 0.12, 0.06, 10.8, 0.49};
    private static final int RAMP_SAMPLES = 20; // a fault builds up over this many samples (a valve takes time to close)

    private final double[] nominal;   // (8) this pump's operating point: the regime ± 1 % per pump
    private final double[] noise;     // (8) noise standard deviation per channel
    private final SplittableRandom normal;
    private final SplittableRandom faultNoise;
    private final SplittableRandom faultTimes;
    private final double rateHz;
    private final double randomFaultsPerHour;
    private final List<FaultEvent> scheduled;   // this stream's --fault-at events (and injected ones)
    private final int streamIndex;
    private double load;                        // slow random walk around 0 (fraction of nominal load)
    private FaultEvent randomFault;             // the current random fault, null when none
    private long quietUntil;                    // no random fault before this sample (one at a time, then a pause)
    private FaultEvent current;                 // the fault of the last sample, null when it was normal

    PumpStream(long seed, int streamIndex, double rateHz, double randomFaultsPerHour, List<FaultEvent> scheduled) {
        this.streamIndex = streamIndex;
        SplittableRandom root = new SplittableRandom(seed * 1_000_003L + streamIndex);
        this.normal = root.split();
        this.faultNoise = root.split();
        this.faultTimes = root.split();
        boolean low = streamIndex % 3 == 2; // every third pump runs at the low-flow point
        double[] base = low ? LOW : HIGH;
        this.noise = low ? LOW_NOISE : HIGH_NOISE;
        this.nominal = new double[8];
        SplittableRandom spread = root.split();
        for (int c = 0; c < 8; c++) {
            nominal[c] = base[c] * (1 + 0.01 * (spread.nextDouble() * 2 - 1));
        }
        this.rateHz = rateHz;
        this.randomFaultsPerHour = randomFaultsPerHour;
        this.scheduled = new java.util.ArrayList<>(scheduled.stream().filter(e -> e.stream() == streamIndex).toList());
        this.quietUntil = Math.round(30 * rateHz); // let the agent see 30 s of normal running first
    }

    /**
     * Writes sample {@code i} (called with i = 0, 1, 2, … in order) into {@code out} and returns its true label
     * (1 while a fault is present).
     *
     * @param tsMillis the sample's time (epoch ms): its hour of day drives the daily variation
     * @param out      (8) the channel values, Modified
     */
    int next(long i, double tsMillis, float[] out) {
        FaultEvent fault = faultAt(i);
        current = fault;
        // daily variation: the load follows the shifts (higher by day, peak around 13:00), the ambient the sun
        double hour = (tsMillis / 3_600_000.0) % 24;
        double shiftLoad = 0.06 * Math.sin(2 * Math.PI * (hour - 7) / 24);
        double ambient = Math.sin(2 * Math.PI * (hour - 9) / 24);
        // load changes slowly: AR(1) walk load ← 0.998·load + 0.0019·N(0,1), stationary std 0.0019/√(1−0.998²) ≈ 3 %
        load = 0.998 * load + 0.0019 * gaussian(normal);
        double l = 1 + shiftLoad + load;
        double[] v = new double[8];
        v[VIB1] = nominal[VIB1] * l;
        v[VIB2] = nominal[VIB2] * l;
        v[CURRENT] = nominal[CURRENT] * l;
        v[PRESSURE] = nominal[PRESSURE];
        v[TEMP] = nominal[TEMP] + 8 * (l - 1) + 0.5 * ambient;   // a harder-working pump runs warmer
        v[THERMO] = nominal[THERMO] + 2 * (l - 1) + 0.5 * ambient;
        v[VOLTAGE] = nominal[VOLTAGE];
        v[FLOW] = nominal[FLOW] * l;
        double[] noiseScale = {1, 1, 1, 1, 1, 1, 1, 1};
        if (fault != null) {
            applyFault(fault, i, v, noiseScale);
        }
        for (int c = 0; c < 8; c++) {
            out[c] = (float) (v[c] + noise[c] * noiseScale[c] * gaussian(normal));
        }
        return fault != null ? 1 : 0;
    }

    /** Changes the noise-free values (and noise scales) of a faulty sample; uses only the fault-noise sequence. */
    private void applyFault(FaultEvent f, long i, double[] v, double[] noiseScale) {
        double r = Math.min(1.0, (i - f.startSample() + 1) / (double) RAMP_SAMPLES); // 0 → 1 over the onset
        switch (f.kind()) {
            case VALVE_CLOSING -> { // SKAB valve1/valve2: flow -8 %, more unsteady; pressure up
                v[FLOW] *= 1 - 0.08 * r;
                v[FLOW] += nominal[FLOW] * 0.02 * r * gaussian(faultNoise);
                v[PRESSURE] += 0.08 * r;
                v[CURRENT] *= 1 - 0.03 * r;
            }
            case CAVITATION -> { // bubbles: vibration up with spikes, flow and pressure down, current unsteady
                double spike = faultNoise.nextDouble() < 0.1 ? 1.5 : 0;
                v[VIB1] *= 1 + r * (0.6 + spike);
                v[VIB2] *= 1 + r * (0.5 + spike);
                v[FLOW] *= 1 - 0.05 * r + 0.03 * r * gaussian(faultNoise);
                v[PRESSURE] -= 0.1 * r;
                noiseScale[CURRENT] = 1 + r;
            }
            case ROTOR_IMBALANCE -> { // SKAB other/5: vibration RMS +0.4 g on 0.2 g
                v[VIB1] *= 1 + 1.8 * r;
                v[VIB2] *= 1 + 1.5 * r;
                v[CURRENT] *= 1 + 0.03 * r;
                noiseScale[VIB1] = 1 + 3 * r;
                noiseScale[VIB2] = 1 + 3 * r;
            }
            case LEAK -> { // slow: the loss grows over five times the usual onset
                double slow = Math.min(1.0, (i - f.startSample() + 1) / (5.0 * RAMP_SAMPLES));
                v[FLOW] *= 1 - 0.07 * slow;
                v[PRESSURE] -= 0.06 * slow;
                v[TEMP] -= 0.8 * slow;
            }
            default -> throw new IllegalStateException("unknown fault " + f.kind());
        }
    }

    /** The fault covering sample i: a scheduled one, else a random one (started here with the configured odds). */
    private FaultEvent faultAt(long i) {
        for (FaultEvent e : scheduled) {
            if (e.covers(i)) {
                return e;
            }
        }
        if (randomFaultsPerHour <= 0) {
            return null;
        }
        if (randomFault != null && randomFault.covers(i)) {
            return randomFault;
        }
        // the decision uses its own sequence, drawn once per sample whatever happens, so it never shifts
        double u = faultTimes.nextDouble();
        int kind = faultTimes.nextInt(FaultKind.values().length);
        double lengthSeconds = 30 + 60 * faultTimes.nextDouble();
        if (i < quietUntil) {
            return null;
        }
        // P(fault starts at a sample) = faults per hour / samples per hour
        if (u < randomFaultsPerHour / (3600 * rateHz)) {
            long len = Math.max(1, Math.round(lengthSeconds * rateHz));
            randomFault = new FaultEvent(streamIndex, i, len, FaultKind.values()[kind]);
            quietUntil = i + len + Math.round(30 * rateHz);
            return randomFault;
        }
        return null;
    }

    /** Adds a fault from sample {@code e.startSample()} on (called between two samples, on the publishing thread). */
    void inject(FaultEvent e) {
        scheduled.add(e);
    }

    /** The fault of the last sample given by {@link #next}, null when it was normal. */
    FaultEvent current() {
        return current;
    }

    /** Standard normal draw (Box–Muller; SplittableRandom has no nextGaussian on Java 17). */
    private static double gaussian(SplittableRandom r) {
        double u1 = 1 - r.nextDouble(); // (0, 1]
        double u2 = r.nextDouble();
        return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    }
}
