package io.ssmedge.agent.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Everything {@code ssm-edge run} needs, read from configs/agent.yaml by {@link ConfigLoader}; immutable.
 *
 * @param dataDir    the one folder where the agent keeps its state: the journal ({@code journal/}, {@code mqtt-out/}),
 *                   the rollout ({@code rollout/}), remote control ({@code control/}) and the embedded broker
 *                   ({@code broker/}); null = nowhere (no journal; see {@link #withDataFolders} for the rest)
 * @param durability when sensor messages are confirmed to the broker; null = journal when dataDir is writable,
 *                   else processed (see {@link #effectiveDurability()})
 */
public record AgentConfig(ModelConfig model, MqttConfig mqtt, TopicsConfig topics, PayloadConfig payload,
                          WorkersConfig workers, LabelsConfig labels, HttpConfig http, MetricsConfig metrics,
                          BrokerConfig broker, ControlConfig control, RolloutConfig rollout, Path dataDir, Durability durability,
                          JournalConfig journal, InputConfig input) {
    private static final Logger log = LoggerFactory.getLogger(AgentConfig.class);
    /** Where remote control kept its state before data_dir was the one setting (used when data_dir is not set). */
    static final Path LEGACY_CONTROL_DIR = Path.of("/var/lib/ssm-edge");

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

    /**
     * The same settings with every subsystem's folder filled in from the one {@code data_dir}: the rollout and remote
     * control get {@code <data_dir>} as their base folder (the rollout keeps {@code rollout/} there, remote control
     * {@code control/} and delivered {@code models/}), the embedded broker {@code <data_dir>/broker}. A folder a
     * subsection names itself (the deprecated {@code rollout.data_dir}, {@code control.data_dir},
     * {@code broker.data_dir}) is kept. Without data_dir: the rollout in {@code data} (of
     * the working folder; a config file's {@code data} beside it), control in /var/lib/ssm-edge, the broker in memory,
     * as before data_dir was the one setting. Idempotent.
     */
    public AgentConfig withDataFolders() {
        RolloutConfig r = rollout.dataDir() != null ? rollout
                : rollout.withDataDir(dataDir != null ? dataDir : Path.of("data"));
        ControlConfig c = control.dataDir() != null ? control
                : control.withDataDir(dataDir != null ? dataDir : LEGACY_CONTROL_DIR);
        BrokerConfig b = broker.dataDir() != null || dataDir == null ? broker
                : broker.withDataDir(dataDir.resolve("broker"));
        return new AgentConfig(model, mqtt, topics, payload, workers, labels, http, metrics, b, c, r, dataDir, durability,
                journal, input);
    }

    /**
     * Relative file names are taken relative to {@code base} (the config file's folder); then the data folders are
     * filled in ({@link #withDataFolders}), with a one-line note for each deprecated subsection data_dir in use.
     */
    AgentConfig resolve(Path base) {
        for (String key : new String[]{"rollout", "control", "broker"}) {
            Path own = switch (key) {
                case "rollout" -> rollout.dataDir();
                case "control" -> control.dataDir();
                default -> broker.dataDir();
            };
            if (own != null) {
                log.warn("{}.data_dir is deprecated: set the top-level data_dir instead (the {} then uses <data_dir>/{}); "
                        + "{}.data_dir still overrides it", key, key, key, key);
            }
        }
        Path data = Paths.under(base, dataDir);
        RolloutConfig r = rollout.resolve(base);
        if (data == null && r.dataDir() == null) {
            r = r.withDataDir(base.resolve("data").normalize()); // as before: a folder 'data' beside the config file
        }
        return new AgentConfig(model.resolve(base), mqtt.resolve(base), topics, payload, workers, labels, http.resolve(base),
                metrics, broker.resolve(base), control.resolve(base), r, data, durability, journal, input)
                .withDataFolders();
    }
}
