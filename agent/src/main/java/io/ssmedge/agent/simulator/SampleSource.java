package io.ssmedge.agent.simulator;

import java.util.List;

/** Where the simulator's samples come from: the pump model or recorded CSVs. */
interface SampleSource {
    /** Stream names, index = stream. */
    List<String> streams();

    /**
     * Writes sample {@code i} of stream {@code s} (called with i = 0, 1, … per stream) into {@code out}.
     *
     * @param out (channels) Modified
     * @return the true label (0 normal, 1 fault), or -1 when the stream has no sample i (a recording has ended)
     */
    int next(int s, long i, double tsMillis, float[] out);

    /** What fails in stream s at its last sample, for the CSV ("" when normal or unknown). */
    String faultName(int s);
}
