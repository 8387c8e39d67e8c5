package io.ssmedge.agent.testing;

import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** A strict reader of the Prometheus text format 0.0.4, for tests. */
public final class TextFormat {
    private TextFormat() {
    }

    private static final Pattern NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Pattern SAMPLE = Pattern.compile(
            "(" + NAME + ")(\\{(?:[a-zA-Z_][a-zA-Z0-9_]*=\"(?:[^\"\\\\\\n]|\\\\[\\\\\"n])*\",?)*})? (\\S+)( -?\\d+)?");
    private static final Pattern TYPE = Pattern.compile("# TYPE (" + NAME + ") (counter|gauge|histogram|summary|untyped)");

    /**
     * Reads the Prometheus text format 0.0.4 strictly (every line a HELP, a TYPE or a well-formed sample of a
     * declared family, values parseable); returns series to value.
     */
    public static Map<String, Double> parseStrict(String text) {
        Map<String, String> types = new HashMap<>();
        Map<String, Double> series = new HashMap<>();
        assertThat(text).endsWith("\n");
        for (String line : text.split("\n")) {
            if (line.startsWith("# HELP ")) {
                assertThat(NAME.matcher(line.split(" ")[2]).matches()).as(line).isTrue();
                continue;
            }
            Matcher t = TYPE.matcher(line);
            if (t.matches()) {
                assertThat(types.put(t.group(1), t.group(2))).as("family declared twice: " + line).isNull();
                continue;
            }
            Matcher s = SAMPLE.matcher(line);
            assertThat(s.matches()).as("not a valid line: '" + line + "'").isTrue();
            String name = s.group(1);
            String family = name.replaceAll("_(total|bucket|count|sum|created)$", "");
            assertThat(types).as("sample without a TYPE: " + line).containsAnyOf(
                    Map.entry(name, types.getOrDefault(name, "?")), Map.entry(family, types.getOrDefault(family, "?")));
            double v = switch (s.group(3)) {
                case "+Inf" -> Double.POSITIVE_INFINITY;
                case "-Inf" -> Double.NEGATIVE_INFINITY;
                case "NaN" -> Double.NaN;
                default -> Double.parseDouble(s.group(3));
            };
            assertThat(series.put(name + (s.group(2) == null ? "" : s.group(2)), v)).as("duplicate " + line).isNull();
        }
        return series;
    }
}
