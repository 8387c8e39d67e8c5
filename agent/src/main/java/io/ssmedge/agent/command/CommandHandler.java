package io.ssmedge.agent.command;

/** Carries out one kind of command. Must not throw: a refusal is a {@link CommandResult#rejected}. */
@FunctionalInterface
public interface CommandHandler {
    CommandResult handle(Command command);
}
