package io.ssmedge.agent.simulator;

import java.util.ArrayList;
import java.util.List;

/** Simulated pumps pump01, pump02, …: {@link PumpStream} per stream. */
final class PumpSource implements SampleSource {
    private final List<String> names;
    private final PumpStream[] pumps;

    PumpSource(SimulatorSettings s, List<FaultEvent> faults) {
        this.names = names(s.streams(), s.streamPrefix());
        this.pumps = new PumpStream[s.streams()];
        for (int i = 0; i < pumps.length; i++) {
            pumps[i] = new PumpStream(s.seed(), i, s.rateHz(), s.randomFaultsPerHour(), faults);
        }
    }

    /** pump01 … pumpNN (two digits at least, so they sort). */
    static List<String> names(int streams, String prefix) {
        List<String> n = new ArrayList<>();
        int digits = Math.max(2, String.valueOf(streams).length());
        for (int i = 1; i <= streams; i++) {
            n.add(prefix + String.format("%0" + digits + "d", i));
        }
        return List.copyOf(n);
    }

    @Override
    public List<String> streams() {
        return names;
    }

    @Override
    public int next(int s, long i, double tsMillis, float[] out) {
        return pumps[s].next(i, tsMillis, out);
    }

    /** Adds a fault to its stream (called between two samples, on the publishing thread). */
    void inject(FaultEvent e) {
        pumps[e.stream()].inject(e);
    }

    @Override
    public String faultName(int s) {
        FaultEvent f = pumps[s].current();
        return f == null ? "" : f.kind().key();
    }
}
