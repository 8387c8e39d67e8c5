package io.ssmedge.agent.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * MQTT topics (section {@code topics}).
 *
 * @param sensors        topic filter for sensor samples; the level at the first '+' is the stream id
 * @param sensorsQos     QoS of the sensor subscription (1 = the broker keeps samples while the agent restarts)
 * @param labels         topic filter for ground-truth labels (same stream level), null = no live accuracy
 * @param labelsQos      QoS of the labels subscription
 * @param predictions    topic a stream's predictions go to; {stream} is replaced by the stream id
 * @param predictionsQos QoS of predictions (1 = at least once)
 * @param status         retained "online"/"offline" status of the agent; {client_id} is replaced
 * @param errors         rejected payloads are reported here; {client_id} is replaced
 */
public record TopicsConfig(String sensors, int sensorsQos, String labels, int labelsQos, String predictions,
                           int predictionsQos, String status, String errors) {
    public static final String STREAM = "{stream}";
    public static final String CLIENT_ID = "{client_id}";

    public TopicsConfig {
        Check.filterWithStreamLevel("sensors", sensors, null);
        if (labels != null) {
            Check.filterWithStreamLevel("labels", labels, null);
        }
        Check.publishTopic("predictions", predictions, null);
        if (!predictions.contains(STREAM)) {
            throw new IllegalArgumentException("predictions: expected a topic holding " + STREAM
                    + " (replaced by the stream id, e.g. factory/line3/{stream}/predictions), got '" + predictions + "'");
        }
        Check.publishTopic("status", status, null);
        Check.publishTopic("errors", errors, null);
        Check.qos("sensors_qos", sensorsQos, 0);
        Check.qos("labels_qos", labelsQos, 0);
        Check.qos("predictions_qos", predictionsQos, 0);
    }

    @JsonCreator
    static TopicsConfig fromYaml(@JsonProperty("sensors") String sensors, @JsonProperty("sensors_qos") Integer sensorsQos,
                                 @JsonProperty("labels") String labels, @JsonProperty("labels_qos") Integer labelsQos,
                                 @JsonProperty("predictions") String predictions,
                                 @JsonProperty("predictions_qos") Integer predictionsQos,
                                 @JsonProperty("status") String status, @JsonProperty("errors") String errors) {
        return new TopicsConfig(Check.text("sensors", sensors, "factory/+/sensors"), sensorsQos == null ? 1 : sensorsQos,
                Check.optional(labels), labelsQos == null ? 1 : labelsQos,
                Check.text("predictions", predictions, "factory/{stream}/predictions"),
                predictionsQos == null ? 1 : predictionsQos,
                Check.text("status", status, "ssm-edge/{client_id}/status"),
                Check.text("errors", errors, "ssm-edge/{client_id}/errors"));
    }

    public static TopicsConfig defaults() {
        return fromYaml(null, null, null, null, null, null, null, null);
    }

    public String predictionTopic(String stream) {
        return predictions.replace(STREAM, stream);
    }

    public String statusTopic(String clientId) {
        return status.replace(CLIENT_ID, clientId);
    }

    public String errorsTopic(String clientId) {
        return errors.replace(CLIENT_ID, clientId);
    }
}
