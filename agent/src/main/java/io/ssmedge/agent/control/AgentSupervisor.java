package io.ssmedge.agent.control;

import io.ssmedge.agent.command.CommandDispatcher;
import io.ssmedge.agent.config.AgentConfig;
import io.ssmedge.agent.daemon.Agent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.CountDownLatch;
import java.util.function.Consumer;

/**
 * Runs the gateway pipeline ({@link Agent}) and replaces it when a configuration changes its settings.
 *
 * <p>What a change does: the running pipeline stops the way {@code systemctl stop} stops it (no new sensor
 * messages are read; every queued sample is run and its prediction published; the broker keeps new samples in
 * the gateway's persistent session, QoS 1), then a pipeline with the new settings starts on the same session and
 * receives what the broker kept. No sample is lost; open windows start again (the windowing or the model may
 * have changed). Settings that did not change cause no restart. If the new pipeline cannot start, the previous
 * settings start again and the change is reported as refused.
 */
public final class AgentSupervisor implements AgentHost {
    private static final Logger log = LoggerFactory.getLogger(AgentSupervisor.class);
    private final Consumer<Agent> onStart;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private Agent agent;
    private AgentConfig config;
    private boolean closed;

    /** @param onStart called with every pipeline that starts (to register command handlers and status) */
    public AgentSupervisor(Consumer<Agent> onStart) {
        this.onStart = onStart;
    }

    public synchronized void start(AgentConfig c) {
        agent = Agent.start(c);
        config = c;
        onStart.accept(agent);
    }

    @Override
    public synchronized void run(AgentConfig next) {
        if (next.equals(config)) {
            log.info("settings unchanged; the pipeline keeps running");
            return;
        }
        replace(next);
    }

    @Override
    public synchronized void restart() {
        replace(config);
    }

    private void replace(AgentConfig next) {
        if (closed) {
            throw new IllegalStateException("the gateway is stopping");
        }
        AgentConfig prev = config;
        log.info("restarting the pipeline: stopping it (queued samples are finished), then starting it {}",
                next.equals(prev) ? "again" : "with the new settings");
        agent.stop();
        try {
            agent = Agent.start(next);
            config = next;
        } catch (RuntimeException e) {
            log.error("the new settings could not start ({}); starting the previous ones", e.getMessage());
            agent = Agent.start(prev);
            onStart.accept(agent);
            throw e;
        }
        onStart.accept(agent);
    }

    @Override
    public synchronized AgentConfig running() {
        return config;
    }

    @Override
    public synchronized CommandDispatcher commands() {
        return agent.commands();
    }

    public synchronized Agent agent() {
        return agent;
    }

    /** Stops the pipeline for good (shutdown). */
    public void stop() {
        Agent a;
        synchronized (this) {
            closed = true;
            a = agent;
        }
        if (a != null) {
            a.stop();
        }
        stopped.countDown();
    }

    public void awaitStopped() throws InterruptedException {
        stopped.await();
    }
}
