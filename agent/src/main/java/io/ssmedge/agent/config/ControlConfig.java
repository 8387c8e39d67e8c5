package io.ssmedge.agent.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;

import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Remote configuration and commands over MQTT (section {@code control}). Only the local file can set these: a
 * configuration received over the network can never change them.
 *
 * @param enabled               listen for signed configurations and commands
 * @param trustedKeys           the trusted keys file installed with the gateway (public keys and how many
 *                              signatures a document needs); later replaced by signed key rotations
 * @param groups                the groups this gateway belongs to (it also takes group configurations and commands)
 * @param maxCommandAgeSeconds  commands issued longer ago than this are refused
 * @param dataDir               the folder under which the trusted state and the configuration in force
 *                              ({@code control/}) and delivered models ({@code models/}) are kept: the agent's
 *                              data_dir ({@link AgentConfig#withDataFolders}); null = not given (the deprecated
 *                              {@code control.data_dir} key overrides it)
 * @param maxDocumentBytes      larger configuration or command messages are refused unread
 */
public record ControlConfig(boolean enabled, Path trustedKeys, List<String> groups, long maxCommandAgeSeconds,
                            Path dataDir, int maxDocumentBytes) {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    public ControlConfig {
        groups = groups == null ? List.of() : List.copyOf(groups);
        for (String g : groups) {
            if (g == null || !NAME.matcher(g).matches()) {
                throw new IllegalArgumentException("groups: expected names of letters, digits, '.', '_' or '-' "
                        + "(at most 64), got '" + g + "'");
            }
        }
        Check.range("max_command_age_seconds", maxCommandAgeSeconds, 0, 1, 30L * 86_400);
        Check.range("max_document_bytes", maxDocumentBytes, 0, 1024, 16 * 1024 * 1024);
        if (enabled && trustedKeys == null) {
            throw new IllegalArgumentException("trusted_keys: required when control is enabled (the file "
                    + "'ssm-edge keys generate' wrote as trusted-keys.json)");
        }
    }

    @JsonCreator
    static ControlConfig fromYaml(@JsonProperty("enabled") Boolean enabled, @JsonProperty("trusted_keys") Path trustedKeys,
                                  @JsonProperty("groups") List<String> groups,
                                  @JsonProperty("max_command_age_seconds") Long maxCommandAgeSeconds,
                                  @JsonProperty("data_dir") Path dataDir,
                                  @JsonProperty("max_document_bytes") Integer maxDocumentBytes) {
        return new ControlConfig(enabled != null && enabled, trustedKeys, groups,
                maxCommandAgeSeconds == null ? 300 : maxCommandAgeSeconds,
                dataDir,
                maxDocumentBytes == null ? 1024 * 1024 : maxDocumentBytes);
    }

    public static ControlConfig defaults() {
        return fromYaml(null, null, null, null, null, null);
    }

    public ControlConfig withDataDir(Path dir) {
        return new ControlConfig(enabled, trustedKeys, groups, maxCommandAgeSeconds, dir, maxDocumentBytes);
    }

    ControlConfig resolve(Path base) {
        return new ControlConfig(enabled, Paths.under(base, trustedKeys), groups, maxCommandAgeSeconds,
                Paths.under(base, dataDir), maxDocumentBytes);
    }

    void checkFiles() {
        if (enabled) {
            Paths.readable("trusted_keys", trustedKeys);
        }
    }
}
