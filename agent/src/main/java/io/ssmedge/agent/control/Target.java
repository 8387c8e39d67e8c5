package io.ssmedge.agent.control;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.regex.Pattern;

/**
 * Which gateways a document is for: one gateway ({@code {"agent": "CLIENT_ID"}}) or every member of a group
 * ({@code {"group": "NAME"}}).
 */
public record Target(boolean group, String name) {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

    public Target {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("target: expected a name of letters, digits, '.', '_' or '-', got '"
                    + name + "'");
        }
    }

    public static Target agent(String id) {
        return new Target(false, id);
    }

    public static Target ofGroup(String name) {
        return new Target(true, name);
    }

    static Target fromJson(JsonNode t) {
        if (t == null || !t.isObject() || t.size() != 1 || !(t.has("agent") || t.has("group"))
                || !t.elements().next().isTextual()) {
            throw new IllegalArgumentException("target: expected {\"agent\": \"CLIENT_ID\"} or {\"group\": \"NAME\"}");
        }
        return t.has("agent") ? agent(t.get("agent").asText()) : ofGroup(t.get("group").asText());
    }

    ObjectNode toJson() {
        return ControlJson.MAPPER.createObjectNode().put(group ? "group" : "agent", name);
    }

    /** {@code agent:gw-1} or {@code group:line3}: the key of the per-target version in the trusted state. */
    public String key() {
        return (group ? "group:" : "agent:") + name;
    }

    @Override
    public String toString() {
        return (group ? "group " : "gateway ") + name;
    }
}
