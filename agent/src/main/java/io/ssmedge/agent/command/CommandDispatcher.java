package io.ssmedge.agent.command;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.EnumMap;
import java.util.Map;

/**
 * The one place every operator command goes through (HTTP API, dashboard, signed MQTT commands): subsystems
 * register a handler per command; a command nobody handles is rejected with the reason. Thread-safe.
 */
public final class CommandDispatcher {
    private static final Logger log = LoggerFactory.getLogger(CommandDispatcher.class);
    private final Map<CommandName, CommandHandler> handlers = new EnumMap<>(CommandName.class);

    /** Registers (or replaces) the handler of one command. */
    public synchronized void register(CommandName name, CommandHandler handler) {
        handlers.put(name, handler);
    }

    public synchronized boolean handles(CommandName name) {
        return handlers.containsKey(name);
    }

    /** Carries out a command; never throws. */
    public CommandResult dispatch(Command command) {
        CommandHandler h;
        synchronized (this) {
            h = handlers.get(command.name());
        }
        CommandResult r;
        if (h == null) {
            r = CommandResult.rejected("'" + command.name().wire() + "' is not available on this gateway"
                    + (command.name() == CommandName.RESET_STREAM ? "" : " (no staged rollout is configured)"));
        } else {
            try {
                r = h.handle(command);
            } catch (RuntimeException e) {
                log.warn("command {} from {} failed", command.name().wire(), command.source(), e);
                r = CommandResult.rejected("'" + command.name().wire() + "' failed: " + e.getMessage());
            }
        }
        log.info("command {} {} from {}: {}", command.name().wire(), command.args().isEmpty() ? "" : command.args(),
                command.source(), (r.accepted() ? "done: " : "refused: ") + r.message());
        return r;
    }
}
