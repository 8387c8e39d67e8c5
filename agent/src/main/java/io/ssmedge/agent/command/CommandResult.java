package io.ssmedge.agent.command;

/**
 * The outcome of a command, as acknowledged to whoever sent it.
 *
 * @param accepted true when the command was carried out (or is under way)
 * @param message  one sentence for a person: what happened, or why not
 */
public record CommandResult(boolean accepted, String message) {
    public static CommandResult ok(String message) {
        return new CommandResult(true, message);
    }

    public static CommandResult rejected(String message) {
        return new CommandResult(false, message);
    }
}
