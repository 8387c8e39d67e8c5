package io.ssmedge.agent.stream;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** The hand-written CSV splitting agrees with the regular expressions it replaced, on any text of CSV characters. */
class CsvLinesProperties {
    // the oracle: what CsvLines did before (java.util.regex, limit -1 keeps trailing empty strings)
    private static final Pattern LINES = Pattern.compile("\r?\n|\r");
    private static final Pattern SEMICOLON = Pattern.compile(";", Pattern.LITERAL);
    private static final Pattern COMMA = Pattern.compile(",", Pattern.LITERAL);

    @Provide
    Arbitrary<String> csvText() {
        return Arbitraries.strings().withChars("\r\n,;1.5e-\uFEFF x").ofMaxLength(40);
    }

    @Property(tries = 3000)
    void linesAsTheRegex(@ForAll("csvText") String text) {
        String expected = text.startsWith("\uFEFF") ? text.substring(1) : text;
        assertThat(CsvLines.split(text)).containsExactly(LINES.split(expected, -1));
    }

    @Property(tries = 3000)
    void fieldsAsTheRegex(@ForAll("csvText") String line) {
        Pattern sep = line.indexOf(';') >= 0 ? SEMICOLON : COMMA;
        assertThat(CsvLines.fields(line)).containsExactly(sep.split(line, -1));
    }

    @Example
    void typicalPayloads() {
        assertThat(CsvLines.split("1,2\r\n3,4\n5;6\r")).containsExactly("1,2", "3,4", "5;6", "");
        assertThat(CsvLines.fields("1732800000123,0.5,,7")).containsExactly("1732800000123", "0.5", "", "7");
        assertThat(CsvLines.fields("1;2,5;3")).containsExactly("1", "2,5", "3");
        assertThat(CsvLines.split("")).containsExactly("");
    }
}
