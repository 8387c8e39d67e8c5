package io.ssmedge.agent.demo;

import io.ssmedge.agent.daemon.Agent;

/**
 * ROLLOUT HOOK: what the live demo shows of a staged rollout. The rollout itself (package io.ssmedge.agent.rollout)
 * is started by a {@link Starter} given to {@link LiveDemo#start}; until one is wired in, the demo runs the agent
 * alone ({@link #NONE}).
 */
public interface DemoRollout {
    /** No rollout: the agent serves the model as loaded. */
    DemoRollout NONE = () -> "no rollout";

    /** The stage for the summary line, e.g. "stage 2/4 (33 % pruned), shadow". */
    String stage();

    /** Stops what the rollout started (called before the agent stops). */
    default void stop() {
    }

    /** Starts a rollout on a running agent (before the first sample is published). */
    @FunctionalInterface
    interface Starter {
        Starter NONE = agent -> DemoRollout.NONE;

        /** Shows the agent's own staged rollout (agent.yaml's rollout section, enabled by the demo). */
        Starter AGENT = agent -> {
            io.ssmedge.agent.rollout.RolloutDriver driver = agent.rollout();
            if (driver == null) {
                return DemoRollout.NONE;
            }
            return () -> {
                com.fasterxml.jackson.databind.JsonNode s = driver.status();
                com.fasterxml.jackson.databind.JsonNode st = s.path("stage");
                String state = s.path("state").asText("?");
                return st.isMissingNode() || st.isNull() ? state : String.format(java.util.Locale.ROOT,
                        "stage %d/%d (%d %% pruned), %s", st.path("index").asInt(), st.path("of").asInt(),
                        st.path("ratio").asInt(), state);
            };
        };

        DemoRollout start(Agent agent);
    }
}
