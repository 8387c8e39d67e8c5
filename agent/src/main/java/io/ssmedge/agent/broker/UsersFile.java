package io.ssmedge.agent.broker;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The embedded broker's accounts: one {@code user:password} per line; blank lines and lines starting with # are
 * skipped. The passwords are in clear text, so the file must be readable only by the agent's user (chmod 600).
 */
final class UsersFile {
    private UsersFile() {
    }

    static Map<String, String> read(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new BrokerException("broker.users_file: cannot read " + file + ": " + e.getMessage(), e);
        }
        Map<String, String> users = new LinkedHashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int colon = line.indexOf(':');
            if (colon <= 0 || colon == line.length() - 1) {
                throw new BrokerException("broker.users_file: " + file + " line " + (i + 1)
                        + ": expected user:password, got a line without both parts");
            }
            String user = line.substring(0, colon);
            if (users.put(user, line.substring(colon + 1)) != null) {
                throw new BrokerException("broker.users_file: " + file + " line " + (i + 1) + ": user '" + user
                        + "' is listed twice");
            }
        }
        if (users.isEmpty()) {
            throw new BrokerException("broker.users_file: " + file + " lists no user (expected user:password lines)");
        }
        return Map.copyOf(users);
    }
}
