package io.ssmedge.agent.control;

import io.ssmedge.agent.command.CommandDispatcher;
import io.ssmedge.agent.config.AgentConfig;

/** What the remote control drives: the running gateway pipeline ({@link AgentSupervisor} in the daemon). */
public interface AgentHost {
    /**
     * Runs the gateway with these settings from now on; returns when they are in force.
     *
     * @throws RuntimeException when they cannot be started (the host then runs the settings it had before)
     */
    void run(AgentConfig config);

    /** Starts the pipeline again with the settings in force (loads the model files again). */
    void restart();

    /** The settings in force. */
    AgentConfig running();

    /** Where commands go: the running agent's {@link io.ssmedge.agent.daemon.Agent#commands()}. */
    CommandDispatcher commands();
}
