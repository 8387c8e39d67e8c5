package io.ssmedge.agent.stream;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** FastDecimal gives bit for bit what the JDK's parsers give (the oracle), or the JDK's exception. */
class FastDecimalProperties {
    /** Decimal texts as sensors write them: sign, up to 20 digits with a point anywhere, sometimes an exponent. */
    @Provide
    Arbitrary<String> decimals() {
        Arbitrary<String> sign = Arbitraries.of("", "-", "+");
        Arbitrary<String> digits = Arbitraries.strings().numeric().ofMinLength(1).ofMaxLength(20);
        Arbitrary<Integer> point = Arbitraries.integers().between(-1, 20);
        Arbitrary<String> exponent = Arbitraries.oneOf(Arbitraries.just(""),
                Arbitraries.integers().between(-40, 40).map(e -> (e % 2 == 0 ? "e" : "E") + e));
        return Combinators.combine(sign, digits, point, exponent).as((s, d, p, e) ->
                s + (p < 0 || p > d.length() ? d : d.substring(0, p) + "." + d.substring(p)) + e);
    }

    @Property(tries = 20_000)
    void floatsAsTheJdk(@ForAll("decimals") String text) {
        assertThat(Float.floatToRawIntBits(FastDecimal.parseFloat(text))).as(text)
                .isEqualTo(Float.floatToRawIntBits(Float.parseFloat(text)));
    }

    @Property(tries = 20_000)
    void doublesAsTheJdk(@ForAll("decimals") String text) {
        assertThat(Double.doubleToRawLongBits(FastDecimal.parseDouble(text))).as(text)
                .isEqualTo(Double.doubleToRawLongBits(Double.parseDouble(text)));
    }

    @Property(tries = 5_000)
    void printedFloatsReadBack(@ForAll float f) {
        String text = Float.toString(f);
        assertThat(Float.floatToRawIntBits(FastDecimal.parseFloat(text))).as(text)
                .isEqualTo(Float.floatToRawIntBits(Float.parseFloat(text)));
    }

    @Property(tries = 5_000)
    void anyTextOfNumberCharactersAsTheJdk(@ForAll("numberish") String text) {
        Float expected;
        try {
            expected = Float.parseFloat(text);
        } catch (NumberFormatException e) {
            expected = null; // the JDK refuses it: FastDecimal must too
        }
        if (expected == null) {
            assertThatThrownBy(() -> FastDecimal.parseFloat(text)).as(text).isInstanceOf(NumberFormatException.class);
        } else {
            assertThat(Float.floatToRawIntBits(FastDecimal.parseFloat(text))).as(text)
                    .isEqualTo(Float.floatToRawIntBits(expected));
        }
    }

    @Provide
    Arbitrary<String> numberish() {
        return Arbitraries.strings().withChars("0123456789.-+eEfdxNaI ").ofMaxLength(12);
    }

    @Example
    void typicalSensorValues() {
        assertThat(FastDecimal.parseFloat("-12.5")).isEqualTo(-12.5f);
        assertThat(FastDecimal.parseFloat("0.0312")).isEqualTo(0.0312f);
        assertThat(Float.floatToRawIntBits(FastDecimal.parseFloat("-0"))).isEqualTo(Float.floatToRawIntBits(-0.0f));
        assertThat(FastDecimal.parseDouble("1732800000123.456")).isEqualTo(1732800000123.456);
        assertThat(FastDecimal.parseFloat("1e3")).isEqualTo(1000f);
        assertThatThrownBy(() -> FastDecimal.parseFloat("1.2.3")).isInstanceOf(NumberFormatException.class);
        assertThatThrownBy(() -> FastDecimal.parseFloat("")).isInstanceOf(NumberFormatException.class);
    }
}
