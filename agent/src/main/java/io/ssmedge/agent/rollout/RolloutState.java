package io.ssmedge.agent.rollout;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Everything the rollout needs to resume after a restart, written atomically to
 * {@code <data_dir>/rollout/state.json} at every transition and every few observations. Plain fields for Jackson;
 * only {@link RolloutEngine} changes it.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public final class RolloutState {
    /** Format of this file. */
    public int format = 1;
    public RolloutEngine.Phase phase;
    /** Phase to return to on resume (when paused). */
    public RolloutEngine.Phase pausedFrom;
    /** manual, inconclusive or drift (when paused). */
    public String pauseKind;
    public String reason = "";
    /** Version of the original model these stages were derived from. */
    public String originalVersion;
    /** Stage ratios in % (the configured ones and midpoints added after failures), increasing. */
    public List<Integer> stages = new ArrayList<>();
    /** Failed ratios whose midpoint has been tried already. */
    public List<Integer> midpointsTried = new ArrayList<>();
    /** Ratios serving has passed probation at, increasing (0 = the original, always good). */
    public List<Integer> good = new ArrayList<>(List.of(0));
    /** Ratio being worked on (0 when none). */
    public int candidateRatio;
    /** Ratio serving now (0 = the original). */
    public int servingRatio;
    /** Ratio serving before the last promotion (the probation shadow). */
    public int previousRatio;
    /** Version of each stored model by ratio. */
    public Map<Integer, String> versions = new TreeMap<>();
    public Map<String, QuarantineEntry> quarantine = new TreeMap<>();
    public long phaseStartMs;
    public long deadlineMs;
    public long waitUntilMs;
    public boolean afterRollback;
    public boolean doneAnnounced;
    public long probationN;
    /** Evidence of the running gate ({@link GateEvidence#snapshot()}), null when none. */
    public double[][] evidence;
    public double[] watch;
    /** Sequence number of the last event. */
    public long seq;
    /** Events of the last transition: appended to the journal if the crash came before they were. */
    public List<ObjectNode> pending = new ArrayList<>();
    /** Calibration figures of the current candidate (for events and the status). */
    public ObjectNode calibration;

    /** A failed stage waiting for its backoff to pass. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public static final class QuarantineEntry {
        public int ratio;
        public int failures;
        public long untilMs;
        public String reason;
        public boolean retryRequested;
    }
}
