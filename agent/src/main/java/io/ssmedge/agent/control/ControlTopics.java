package io.ssmedge.agent.control;

import io.ssmedge.agent.mqtt.Subscription;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The remote control's MQTT topics. In (QoS 1): {@code ssm-edge/CLIENT_ID/config} and
 * {@code ssm-edge/groups/GROUP/config} (retained configurations), {@code …/commands}, and {@code …/keys} plus the
 * fleet-wide {@code ssm-edge/keys} (key rotations). Out: {@code ssm-edge/CLIENT_ID/config/ack},
 * {@code …/commands/ack}, {@code …/keys/ack}.
 */
public record ControlTopics(String clientId, List<String> groups) {
    public static final String ROOT = "ssm-edge/";
    public static final String CONFIG = "config";
    public static final String COMMANDS = "commands";
    public static final String KEYS = "keys";

    /** Where a message came from: what kind of document belongs there, and for whom the topic is. */
    record Route(String kind, Target target) {
    }

    public ControlTopics {
        groups = List.copyOf(groups);
    }

    public static String agentTopic(String clientId, String kind) {
        return ROOT + clientId + "/" + kind;
    }

    public static String groupTopic(String group, String kind) {
        return ROOT + "groups/" + group + "/" + kind;
    }

    public static String ackTopic(String clientId, String kind) {
        return agentTopic(clientId, kind) + "/ack";
    }

    /** The ack topic of every gateway, for the operator's CLI. */
    public static String allAcks(String kind) {
        return ROOT + "+/" + kind + "/ack";
    }

    List<Subscription> subscriptions() {
        List<Subscription> s = new ArrayList<>();
        for (String kind : List.of(CONFIG, COMMANDS, KEYS)) {
            s.add(new Subscription(agentTopic(clientId, kind), 1));
            for (String g : groups) {
                s.add(new Subscription(groupTopic(g, kind), 1));
            }
        }
        s.add(new Subscription(ROOT + KEYS, 1));
        return s;
    }

    /** The route of a topic this gateway subscribes to; empty for anything else. */
    Optional<Route> route(String topic) {
        for (String kind : List.of(CONFIG, COMMANDS, KEYS)) {
            if (topic.equals(agentTopic(clientId, kind))) {
                return Optional.of(new Route(kind, Target.agent(clientId)));
            }
            for (String g : groups) {
                if (topic.equals(groupTopic(g, kind))) {
                    return Optional.of(new Route(kind, Target.ofGroup(g)));
                }
            }
        }
        if (topic.equals(ROOT + KEYS)) {
            return Optional.of(new Route(KEYS, null));
        }
        return Optional.empty();
    }
}
