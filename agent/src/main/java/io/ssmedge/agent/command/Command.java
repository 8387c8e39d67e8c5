package io.ssmedge.agent.command;

import java.util.Map;
import java.util.Objects;

/**
 * One operator command.
 *
 * @param name   what to do
 * @param args   string arguments (e.g. {@code stream} for reset-stream); never null
 * @param source who sent it, for the log and the acknowledgement: {@code http}, {@code dashboard},
 *               {@code mqtt:KEYID}, ...
 */
public record Command(CommandName name, Map<String, String> args, String source) {
    public Command {
        Objects.requireNonNull(name, "name");
        args = args == null ? Map.of() : Map.copyOf(args);
        source = source == null ? "unknown" : source;
    }

    public static Command of(CommandName name, String source) {
        return new Command(name, Map.of(), source);
    }
}
