package io.ssmedge.agent.control;

/**
 * An acknowledgement to publish: topic and JSON bytes.
 *
 * @param topic   {@code ssm-edge/CLIENT_ID/config/ack}, {@code …/commands/ack} or {@code …/keys/ack}
 * @param json    the acknowledgement
 * @param applied true when the document was applied / the command accepted
 */
public record Ack(String topic, byte[] json, boolean applied) {
    public String text() {
        return new String(json, java.nio.charset.StandardCharsets.UTF_8);
    }
}
