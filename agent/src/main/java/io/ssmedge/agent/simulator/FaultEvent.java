package io.ssmedge.agent.simulator;

/**
 * One fault of one stream.
 *
 * @param stream      stream index (0-based)
 * @param startSample first sample index with the fault (labels are 1 from here)
 * @param samples     how many samples it lasts
 * @param kind        what fails
 */
public record FaultEvent(int stream, long startSample, long samples, FaultKind kind) {
    public FaultEvent {
        if (stream < 0 || startSample < 0 || samples < 1 || kind == null) {
            throw new IllegalArgumentException("fault: stream ≥ 0, start ≥ 0, length ≥ 1 sample and a kind are needed");
        }
    }

    public boolean covers(long sample) {
        return sample >= startSample && sample < startSample + samples;
    }
}
