package io.ssmedge.agent.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;

import java.nio.file.Path;

/** Everything {@code ssm-edge run} needs, read from configs/agent.yaml by {@link ConfigLoader}; immutable. */
public record AgentConfig(ModelConfig model, MqttConfig mqtt, TopicsConfig topics, PayloadConfig payload,
                          WorkersConfig workers, LabelsConfig labels, HttpConfig http, MetricsConfig metrics,
                          RolloutConfig rollout) {
    public AgentConfig {
        if (model == null || mqtt == null || topics == null || payload == null || workers == null || labels == null
                || http == null || metrics == null || rollout == null) {
            throw new IllegalArgumentException("every section must be given (use the defaults() of a section)");
        }
    }

    @JsonCreator
    static AgentConfig fromYaml(@JsonProperty("model") ModelConfig model, @JsonProperty("mqtt") MqttConfig mqtt,
                                @JsonProperty("topics") TopicsConfig topics, @JsonProperty("payload") PayloadConfig payload,
                                @JsonProperty("workers") WorkersConfig workers, @JsonProperty("labels") LabelsConfig labels,
                                @JsonProperty("http") HttpConfig http, @JsonProperty("metrics") MetricsConfig metrics,
                                @JsonProperty("rollout") RolloutConfig rollout) {
        return new AgentConfig(model == null ? ModelConfig.defaults() : model, mqtt == null ? MqttConfig.defaults() : mqtt,
                topics == null ? TopicsConfig.defaults() : topics, payload == null ? PayloadConfig.defaults() : payload,
                workers == null ? WorkersConfig.defaults() : workers, labels == null ? LabelsConfig.defaults() : labels,
                http == null ? HttpConfig.defaults() : http, metrics == null ? MetricsConfig.defaults() : metrics,
                rollout == null ? RolloutConfig.defaults() : rollout);
    }

    public static AgentConfig defaults() {
        return fromYaml(null, null, null, null, null, null, null, null, null);
    }

    public AgentConfig withModel(ModelConfig m) {
        return new AgentConfig(m, mqtt, topics, payload, workers, labels, http, metrics, rollout);
    }

    public AgentConfig withMqtt(MqttConfig m) {
        return new AgentConfig(model, m, topics, payload, workers, labels, http, metrics, rollout);
    }

    public AgentConfig withTopics(TopicsConfig t) {
        return new AgentConfig(model, mqtt, t, payload, workers, labels, http, metrics, rollout);
    }

    public AgentConfig withWorkers(WorkersConfig w) {
        return new AgentConfig(model, mqtt, topics, payload, w, labels, http, metrics, rollout);
    }

    public AgentConfig withHttp(HttpConfig h) {
        return new AgentConfig(model, mqtt, topics, payload, workers, labels, h, metrics, rollout);
    }

    public AgentConfig withRollout(RolloutConfig r) {
        return new AgentConfig(model, mqtt, topics, payload, workers, labels, http, metrics, r);
    }

    /** Relative file names are taken relative to {@code base} (the config file's folder). */
    AgentConfig resolve(Path base) {
        return new AgentConfig(model.resolve(base), mqtt.resolve(base), topics, payload, workers, labels, http.resolve(base),
                metrics, rollout.resolve(base));
    }
}
