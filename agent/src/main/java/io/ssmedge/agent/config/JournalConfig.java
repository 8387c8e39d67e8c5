package io.ssmedge.agent.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The local journal of recent raw samples (section {@code journal}; used with {@code durability: journal}).
 *
 * @param syncIntervalMs group commit: the journal is synced to disk at most this often, and sensor messages are
 *                       confirmed to the broker after the sync that covers them
 * @param maxFileMb      a worker's journal file is compacted (rewritten with only each stream's recent samples)
 *                       when it grows beyond this
 */
public record JournalConfig(int syncIntervalMs, int maxFileMb) {
    public JournalConfig {
        Check.range("sync_interval_ms", syncIntervalMs, 0, 1, 1000);
        Check.range("max_file_mb", maxFileMb, 0, 1, 4096);
    }

    @JsonCreator
    static JournalConfig fromYaml(@JsonProperty("sync_interval_ms") Integer syncIntervalMs,
                                  @JsonProperty("max_file_mb") Integer maxFileMb) {
        return new JournalConfig(syncIntervalMs == null ? 5 : syncIntervalMs, maxFileMb == null ? 64 : maxFileMb);
    }

    public static JournalConfig defaults() {
        return fromYaml(null, null);
    }
}
