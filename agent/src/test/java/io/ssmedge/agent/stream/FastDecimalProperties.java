package io.ssmedge.agent.stream;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

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

    /** A field read in place inside its CSV line: as the JDK reads the field's own string. */
    @Property(tries = 5_000)
    void fieldsInPlaceAsTheJdk(@ForAll("decimals") String text, @ForAll("numberish") String before,
                               @ForAll("numberish") String after) {
        String line = before + text + after;
        assertThat(Float.floatToRawIntBits(FastDecimal.parseFloat(line, before.length(), before.length() + text.length())))
                .as(line).isEqualTo(Float.floatToRawIntBits(Float.parseFloat(text)));
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

    /**
     * Decimals at, next to and between midpoints of adjacent floats (k odd, 2^24 < k < 2^25: k · 2^j lies halfway
     * between two floats), where reading a float through a double could round twice.
     */
    @Property(tries = 5_000)
    void floatMidpointsAsTheJdk(@ForAll @LongRange(min = 1L << 23, max = (1L << 24) - 1) long half,
                                @ForAll @IntRange(min = 0, max = 28) int shift,
                                @ForAll @IntRange(min = -2, max = 2) int offset,
                                @ForAll @IntRange(min = 0, max = 12) int decimals) {
        long midpoint = (2 * half + 1) << shift;
        java.math.BigDecimal x = java.math.BigDecimal.valueOf(midpoint + offset).movePointLeft(decimals);
        for (String text : new String[]{x.toPlainString(), x.toString(), "-" + x.toPlainString()}) {
            assertThat(Float.floatToRawIntBits(FastDecimal.parseFloat(text))).as(text)
                    .isEqualTo(Float.floatToRawIntBits(Float.parseFloat(text)));
        }
    }

    /**
     * Decimals whose correctly rounded double is a float midpoint although they are not: read as double and then
     * rounded to float they would come out one float off (found by searching 16-digit roundings of midpoints).
     */
    @Example
    void doubleRoundingCasesGoToTheJdk() {
        for (String text : new String[]{"3.238464159949217e-5", "3.110899939201772e-3", "8.542021678294986e-4"}) {
            assertThat((float) Double.parseDouble(text)).as(text).isNotEqualTo(Float.parseFloat(text)); // the trap
            assertThat(FastDecimal.parseFloat(text)).as(text).isEqualTo(Float.parseFloat(text));
        }
    }

    @Example
    void typicalSensorValues() {
        assertThat(FastDecimal.parseFloat("16777217")).isEqualTo(16777216f); // a midpoint: ties to even
        assertThat(FastDecimal.parseFloat("0.73123455")).isEqualTo(Float.parseFloat("0.73123455"));
        assertThat(FastDecimal.parseFloat("-12.5")).isEqualTo(-12.5f);
        assertThat(FastDecimal.parseFloat("0.0312")).isEqualTo(0.0312f);
        assertThat(Float.floatToRawIntBits(FastDecimal.parseFloat("-0"))).isEqualTo(Float.floatToRawIntBits(-0.0f));
        assertThat(FastDecimal.parseDouble("1732800000123.456")).isEqualTo(1732800000123.456);
        assertThat(FastDecimal.parseFloat("1e3")).isEqualTo(1000f);
        assertThatThrownBy(() -> FastDecimal.parseFloat("1.2.3")).isInstanceOf(NumberFormatException.class);
        assertThatThrownBy(() -> FastDecimal.parseFloat("")).isInstanceOf(NumberFormatException.class);
    }
}
