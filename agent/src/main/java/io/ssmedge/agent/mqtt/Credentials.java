package io.ssmedge.agent.mqtt;

import io.ssmedge.agent.config.MqttConfig;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * User name and password for the broker, read from the files the config names (first line of each; the files stay
 * readable only by the agent's user, so no secret is written in the config itself).
 */
public record Credentials(String username, byte[] password) {
    /** Reads the files of the config, or returns null when it names none. */
    public static Credentials read(MqttConfig cfg) {
        if (cfg.usernameFile() == null) {
            return null;
        }
        String user = firstLine(cfg.usernameFile(), "mqtt.username_file");
        byte[] pass = cfg.passwordFile() == null ? null
                : firstLine(cfg.passwordFile(), "mqtt.password_file").getBytes(StandardCharsets.UTF_8);
        return new Credentials(user, pass);
    }

    static String firstLine(Path file, String key) {
        try {
            String text = Files.readString(file, StandardCharsets.UTF_8);
            int nl = text.indexOf('\n');
            String line = (nl < 0 ? text : text.substring(0, nl)).strip();
            if (line.isEmpty()) {
                throw new MqttException(key + ": " + file + " is empty (expected the value on its first line)");
            }
            return line;
        } catch (IOException e) {
            throw new MqttException(key + ": cannot read " + file + ": " + e.getMessage(), e);
        }
    }
}
