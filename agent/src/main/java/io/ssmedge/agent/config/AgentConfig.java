package io.ssmedge.agent.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;

import java.nio.file.Path;

/** Everything {@code ssm-edge run} needs, read from configs/agent.yaml by {@link ConfigLoader}; immutable. */
public record AgentConfig(ModelConfig model, MqttConfig mqtt, TopicsConfig topics, PayloadConfig payload,
                          WorkersConfig workers, LabelsConfig labels, HttpConfig http, MetricsConfig metrics,
                          BrokerConfig broker) {
    public AgentConfig {
        if (model == null || mqtt == null || topics == null || payload == null || workers == null || labels == null
                || http == null || metrics == null || broker == null) {
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
    }

    /** The settings without a {@code broker} section (an external broker). */
    public AgentConfig(ModelConfig model, MqttConfig mqtt, TopicsConfig topics, PayloadConfig payload,
                       WorkersConfig workers, LabelsConfig labels, HttpConfig http, MetricsConfig metrics) {
        this(model, mqtt, topics, payload, workers, labels, http, metrics, BrokerConfig.defaults());
    }

    @JsonCreator
    static AgentConfig fromYaml(@JsonProperty("model") ModelConfig model, @JsonProperty("mqtt") MqttConfig mqtt,
                                @JsonProperty("topics") TopicsConfig topics, @JsonProperty("payload") PayloadConfig payload,
                                @JsonProperty("workers") WorkersConfig workers, @JsonProperty("labels") LabelsConfig labels,
                                @JsonProperty("http") HttpConfig http, @JsonProperty("metrics") MetricsConfig metrics,
                                @JsonProperty("broker") BrokerConfig broker) {
        return new AgentConfig(model == null ? ModelConfig.defaults() : model, mqtt == null ? MqttConfig.defaults() : mqtt,
                topics == null ? TopicsConfig.defaults() : topics, payload == null ? PayloadConfig.defaults() : payload,
                workers == null ? WorkersConfig.defaults() : workers, labels == null ? LabelsConfig.defaults() : labels,
                http == null ? HttpConfig.defaults() : http, metrics == null ? MetricsConfig.defaults() : metrics,
                broker == null ? BrokerConfig.defaults() : broker);
    }

    public static AgentConfig defaults() {
        return fromYaml(null, null, null, null, null, null, null, null, null);
    }

    public AgentConfig withModel(ModelConfig m) {
        return new AgentConfig(m, mqtt, topics, payload, workers, labels, http, metrics, broker);
    }

    public AgentConfig withMqtt(MqttConfig m) {
        return new AgentConfig(model, m, topics, payload, workers, labels, http, metrics, broker);
    }

    public AgentConfig withTopics(TopicsConfig t) {
        return new AgentConfig(model, mqtt, t, payload, workers, labels, http, metrics, broker);
    }

    public AgentConfig withWorkers(WorkersConfig w) {
        return new AgentConfig(model, mqtt, topics, payload, w, labels, http, metrics, broker);
    }

    public AgentConfig withHttp(HttpConfig h) {
        return new AgentConfig(model, mqtt, topics, payload, workers, labels, h, metrics, broker);
    }

    public AgentConfig withBroker(BrokerConfig b) {
        return new AgentConfig(model, mqtt, topics, payload, workers, labels, http, metrics, b);
    }

    /** Relative file names are taken relative to {@code base} (the config file's folder). */
    AgentConfig resolve(Path base) {
        return new AgentConfig(model.resolve(base), mqtt.resolve(base), topics, payload, workers, labels, http.resolve(base),
                metrics, broker.resolve(base));
    }
}
