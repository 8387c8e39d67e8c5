package io.ssmedge.agent.control;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;

/**
 * The one JSON reader for everything that arrives over the network (envelopes, configurations, commands, key
 * rotations): strict and bounded, so a hostile message can cost at most a little time and memory.
 * <ul>
 *   <li>duplicate keys are an error ({@code {"version": 1, "version": 9}} must not mean either);</li>
 *   <li>at most {@value #MAX_DEPTH} levels of nesting, numbers of at most {@value #MAX_NUMBER_CHARS} digits,
 *       strings of at most {@value #MAX_STRING_CHARS} characters;</li>
 *   <li>nothing may follow the document; only JSON (no comments, no NaN).</li>
 * </ul>
 */
final class ControlJson {
    static final int MAX_DEPTH = 32;
    static final int MAX_NUMBER_CHARS = 24;
    static final int MAX_STRING_CHARS = 16 * 1024 * 1024;

    static final ObjectMapper MAPPER = mapper();

    private ControlJson() {
    }

    private static ObjectMapper mapper() {
        JsonFactory f = JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH)
                        .maxNumberLength(MAX_NUMBER_CHARS).maxStringLength(MAX_STRING_CHARS).build())
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .build();
        return new ObjectMapper(f)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
                .disable(JsonParser.Feature.ALLOW_COMMENTS)
                .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);
    }

    /** Parses one JSON object; anything else (array, number, broken or hostile text) is a {@link Refusal}. */
    static ObjectNode object(byte[] bytes, Refusal.Code code, String what) {
        JsonNode n;
        try {
            n = MAPPER.readTree(bytes);
        } catch (JsonProcessingException e) {
            throw new Refusal(code, what + " is not valid JSON: " + e.getOriginalMessage());
        } catch (IOException | RuntimeException e) {
            throw new Refusal(code, what + " cannot be read: " + e.getMessage());
        }
        if (n == null || !n.isObject()) {
            throw new Refusal(code, what + " must be a JSON object {...}");
        }
        return (ObjectNode) n;
    }

    static byte[] bytes(JsonNode n) {
        try {
            return MAPPER.writeValueAsBytes(n);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e); // a tree always serializes
        }
    }

    static String pretty(JsonNode n) {
        try {
            return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(n);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
