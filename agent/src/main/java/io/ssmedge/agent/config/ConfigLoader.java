package io.ssmedge.agent.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Reads the agent's YAML file into {@link AgentConfig}. Every failure is a {@link ConfigException} whose message
 * names the file, the key (e.g. {@code mqtt.port}) and what is expected; unknown keys are rejected with the list
 * of keys valid at that place, so a typo never silently falls back to a default.
 */
public final class ConfigLoader {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT);

    private ConfigLoader() {
    }

    /** Reads and validates a config file; relative file names in it are relative to its folder. */
    public static AgentConfig load(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new ConfigException(file + ": config file not found (an example is configs/agent.yaml)");
        } catch (IOException e) {
            throw new ConfigException(file + ": cannot read: " + e.getMessage(), e);
        }
        Path base = file.toAbsolutePath().getParent();
        AgentConfig c = parse(file.toString(), text).resolve(base);
        try {
            c.mqtt().checkFiles();
        } catch (IllegalArgumentException e) {
            throw new ConfigException(file + ": mqtt." + e.getMessage());
        }
        try {
            c.mqtt().tls().checkFiles();
        } catch (IllegalArgumentException e) {
            throw new ConfigException(file + ": mqtt.tls." + e.getMessage());
        }
        try {
            c.broker().checkFiles();
        } catch (IllegalArgumentException e) {
            throw new ConfigException(file + ": broker." + e.getMessage());
        }
        try {
            c.http().checkFiles();
        } catch (IllegalArgumentException e) {
            throw new ConfigException(file + ": http." + e.getMessage());
        }
        return c;
    }

    /** Parses YAML text ({@code source} names it in messages); an empty document gives all defaults. */
    public static AgentConfig parse(String source, String yaml) {
        if (yaml.isBlank()) {
            return AgentConfig.defaults();
        }
        try {
            AgentConfig c = YAML.readValue(yaml, AgentConfig.class);
            return c == null ? AgentConfig.defaults() : c;
        } catch (JsonProcessingException e) {
            throw new ConfigException(source + ": " + describe(e), e);
        }
    }

    private static String describe(JsonProcessingException e) {
        if (e instanceof JsonMappingException && e.getCause() instanceof JsonProcessingException
                && !(e.getCause() instanceof JsonMappingException)) {
            return describe((JsonProcessingException) e.getCause());
        }
        if (!(e instanceof JsonMappingException)) {
            String loc = e.getLocation() == null ? "" : "line " + e.getLocation().getLineNr() + ": ";
            return loc + "not valid YAML: " + e.getOriginalMessage();
        }
        JsonMappingException m = (JsonMappingException) e;
        String path = path(m.getPath());
        if (m instanceof UnrecognizedPropertyException) {
            UnrecognizedPropertyException u = (UnrecognizedPropertyException) m;
            TreeSet<String> valid = new TreeSet<>();
            u.getKnownPropertyIds().forEach(o -> valid.add(o.toString()));
            return path + ": unknown key; valid keys " + (path.contains(".") ? "in " + path.substring(0, path.lastIndexOf('.'))
                    : "at the top level") + " are " + String.join(", ", valid);
        }
        if (m instanceof ValueInstantiationException || m.getCause() instanceof IllegalArgumentException) {
            Throwable c = m.getCause() != null ? m.getCause() : m;
            String msg = c.getMessage();
            // a record's own check names the key inside its section; the path names the section
            return (path.isEmpty() ? "" : path + (m instanceof ValueInstantiationException ? "." : ": ")) + msg;
        }
        if (m instanceof InvalidFormatException) {
            InvalidFormatException f = (InvalidFormatException) m;
            return path + ": expected " + expected(f.getTargetType()) + ", got '" + f.getValue() + "'";
        }
        if (m instanceof MismatchedInputException) {
            MismatchedInputException f = (MismatchedInputException) m;
            return path + ": expected " + expected(f.getTargetType()) + " here";
        }
        return path + ": " + m.getOriginalMessage();
    }

    private static String expected(Class<?> type) {
        if (type == null) {
            return "a different kind of value";
        }
        if (type.isEnum()) {
            return "one of " + Arrays.stream(type.getEnumConstants()).map(ConfigLoader::enumName)
                    .collect(Collectors.joining(", "));
        }
        if (type == Integer.class || type == int.class || type == Long.class || type == long.class) {
            return "a whole number";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "true or false";
        }
        if (type == String.class || type == Path.class) {
            return "a text value";
        }
        return "a section of keys (key: value lines indented below it)";
    }

    private static String enumName(Object constant) {
        try {
            com.fasterxml.jackson.annotation.JsonProperty p = constant.getClass()
                    .getField(((Enum<?>) constant).name()).getAnnotation(com.fasterxml.jackson.annotation.JsonProperty.class);
            return p != null ? p.value() : constant.toString();
        } catch (NoSuchFieldException e) {
            return constant.toString();
        }
    }

    private static String path(List<JsonMappingException.Reference> refs) {
        return refs.stream().map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                .collect(Collectors.joining(".")).replace(".[", "[");
    }
}
