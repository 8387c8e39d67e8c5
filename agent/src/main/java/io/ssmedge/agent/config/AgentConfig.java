package io.ssmedge.agent.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Everything {@code ssm-edge run} needs, read from configs/agent.yaml by {@link ConfigLoader}; immutable.
 *
 * @param dataDir    where the agent keeps its state (the journal); null = nowhere (no journal)
 * @param durability when sensor messages are confirmed to the broker; null = journal when dataDir is writable,
 *                   else processed (see {@link #effectiveDurability()})
 */
public record AgentConfig(ModelConfig model, MqttConfig mqtt, TopicsConfig topics, PayloadConfig payload,
                          WorkersConfig workers, LabelsConfig labels, HttpConfig http, MetricsConfig metrics,
                          BrokerConfig broker, ControlConfig control, RolloutConfig rollout, Path dataDir, Durability durability,
                          JournalConfig journal, InputConfig input) {
    public AgentConfig {
        if (model == null || mqtt == null || topics == null || payload == null || workers == null || labels == null
                || http == null || metrics == null || broker == null || control == null || rollout == null || journal == null
                || input == null) {
            throw new IllegalArgumentException("every section must be given (use the defaults() of a section)");
        }
        if (broker.embedded()) {
            if (broker.tls() != mqtt.tls().enabled()) {
                throw new IllegalArgumentException(broker.tls()
                        ? "mqtt.tls.enabled: must be true when broker.cert_file is given (the embedded broker speaks only TLS)"
                        : "broker.cert_file: needed when mqtt.tls.enabled is true and broker.mode is embedded "
                        + "(the embedded broker's own certificate, with broker.key_file)");
            }
            if (broker.usersFile() != null && mqtt.usernameFile() == null) {
                throw new IllegalArgumentException("mqtt.username_file: needed when broker.users_file is given (the agent "
                        + "logs in to its embedded broker as one of those users, with mqtt.password_file)");
            }
        }
        if (durability == Durability.JOURNAL && dataDir == null) {
            throw new IllegalArgumentException("durability: journal needs data_dir (a folder the agent may write)");
        }
    }

    /** The settings without a {@code broker} section (an external broker), no remote control, no data_dir and
     * default limits. */
    public AgentConfig(ModelConfig model, MqttConfig mqtt, TopicsConfig topics, PayloadConfig payload,
                       WorkersConfig workers, LabelsConfig labels, HttpConfig http, MetricsConfig metrics) {
        this(model, mqtt, topics, payload, workers, labels, http, metrics, BrokerConfig.defaults(),
                ControlConfig.defaults(), RolloutConfig.defaults(), null, null, JournalConfig.defaults(), InputConfig.defaults());
    }

    @JsonCreator
    static AgentConfig fromYaml(@JsonProperty("model") ModelConfig model, @JsonProperty("mqtt") MqttConfig mqtt,
                                @JsonProperty("topics") TopicsConfig topics, @JsonProperty("payload") PayloadConfig payload,
                                @JsonProperty("workers") WorkersConfig workers, @JsonProperty("labels") LabelsConfig labels,
                                @JsonProperty("http") HttpConfig http, @JsonProperty("metrics") MetricsConfig metrics,
                                @JsonProperty("broker") BrokerConfig broker,
                                @JsonProperty("control") ControlConfig control,
                                @JsonProperty("rollout") RolloutConfig rollout,
                                @JsonProperty("data_dir") Path dataDir, @JsonProperty("durability") Durability durability,
                                @JsonProperty("journal") JournalConfig journal, @JsonProperty("input") InputConfig input) {
        return new AgentConfig(model == null ? ModelConfig.defaults() : model, mqtt == null ? MqttConfig.defaults() : mqtt,
                topics == null ? TopicsConfig.defaults() : topics, payload == null ? PayloadConfig.defaults() : payload,
                workers == null ? WorkersConfig.defaults() : workers, labels == null ? LabelsConfig.defaults() : labels,
                http == null ? HttpConfig.defaults() : http, metrics == null ? MetricsConfig.defaults() : metrics,
                broker == null ? BrokerConfig.defaults() : broker,
                control == null ? ControlConfig.defaults() : control,
                rollout == null ? RolloutConfig.defaults() : rollout,
                dataDir, durability, journal == null ? JournalConfig.defaults() : journal,
                input == null ? InputConfig.defaults() : input);
    }

    public static AgentConfig defaults() {
        return fromYaml(null, null, null, null, null, null, null, null, null, null, null, null, null, null, null);
    }

    /** The durability in force: as configured, or journal when data_dir is set and writable, else processed. */
    public Durability effectiveDurability() {
        if (durability != null) {
            return durability;
        }
        return dataDir != null && writable(dataDir) ? Durability.JOURNAL : Durability.PROCESSED;
    }

    /** The folder exists and is writable, or can be created. */
    public static boolean writable(Path dir) {
        Path p = dir.toAbsolutePath();
        while (p != null && !Files.exists(p)) {
            p = p.getParent();
        }
        return p != null && Files.isDirectory(p) && Files.isWritable(p);
    }

    public AgentConfig withModel(ModelConfig m) {
        return new AgentConfig(m, mqtt, topics, payload, workers, labels, http, metrics, broker, control, rollout, dataDir,
                durability, journal, input);
    }

    public AgentConfig withMqtt(MqttConfig m) {
        return new AgentConfig(model, m, topics, payload, workers, labels, http, metrics, broker, control, rollout, dataDir,
                durability, journal, input);
    }

    public AgentConfig withTopics(TopicsConfig t) {
        return new AgentConfig(model, mqtt, t, payload, workers, labels, http, metrics, broker, control, rollout, dataDir,
                durability, journal, input);
    }

    public AgentConfig withWorkers(WorkersConfig w) {
        return new AgentConfig(model, mqtt, topics, payload, w, labels, http, metrics, broker, control, rollout, dataDir,
                durability, journal, input);
    }

    public AgentConfig withHttp(HttpConfig h) {
        return new AgentConfig(model, mqtt, topics, payload, workers, labels, h, metrics, broker, control, rollout, dataDir,
                durability, journal, input);
    }

    public AgentConfig withBroker(BrokerConfig b) {
        return new AgentConfig(model, mqtt, topics, payload, workers, labels, http, metrics, b, control, rollout, dataDir,
                durability, journal, input);
    }

    /** Where the agent keeps state, and when it confirms sensor messages. */
    public AgentConfig withDurability(Path dir, Durability d) {
        return new AgentConfig(model, mqtt, topics, payload, workers, labels, http, metrics, broker, control, rollout, dir, d,
                journal, input);
    }

    public AgentConfig withInput(InputConfig i) {
        return new AgentConfig(model, mqtt, topics, payload, workers, labels, http, metrics, broker, control, rollout, dataDir,
                durability, journal, i);
    }

    public AgentConfig withRollout(RolloutConfig r) {
        return new AgentConfig(model, mqtt, topics, payload, workers, labels, http, metrics, broker, control, r, dataDir,
                durability, journal, input);
    }

    public AgentConfig withControl(ControlConfig c) {
        return new AgentConfig(model, mqtt, topics, payload, workers, labels, http, metrics, broker, c, rollout, dataDir,
                durability, journal, input);
    }

    /** Relative file names are taken relative to {@code base} (the config file's folder). */
    AgentConfig resolve(Path base) {
        return new AgentConfig(model.resolve(base), mqtt.resolve(base), topics, payload, workers, labels, http.resolve(base),
                metrics, broker.resolve(base), control.resolve(base), rollout.resolve(base), Paths.under(base, dataDir), durability, journal,
                input);
    }
}
