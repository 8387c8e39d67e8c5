package io.ssmedge.format;

import io.ssmedge.SsmEdgeException;
import io.ssmedge.model.ConfigReader;
import io.ssmedge.model.ModelLoader;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Whatever bytes arrive, the safetensors reader and the model loader either succeed or throw their own
 * {@link SsmEdgeException} with a message: never IndexOutOfBounds, NullPointer, NegativeArraySize or
 * an OutOfMemoryError from a lying header.
 */
class SafetensorsFuzzProperties {
    static final byte[] FIXTURE = read("/conformance/s5-skab/model.safetensors");
    static final String CONFIG = new String(read("/conformance/s5-skab/config.json"), java.nio.charset.StandardCharsets.UTF_8);

    static byte[] read(String resource) {
        try {
            return Files.readAllBytes(Path.of(SafetensorsFuzzProperties.class.getResource(resource).toURI()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    @Property(tries = 300)
    void randomBytesAreRejectedCleanly(@ForAll("randomBytes") byte[] bytes) {
        parseOrReject(bytes);
    }

    @Property(tries = 500)
    void mutatedFixtureIsLoadedOrRejectedCleanly(@ForAll("mutations") List<Tuple.Tuple2<Integer, Byte>> mutations) {
        byte[] b = FIXTURE.clone();
        for (Tuple.Tuple2<Integer, Byte> m : mutations) {
            b[m.get1() % b.length] = m.get2();
        }
        SafetensorsFile f = parseOrReject(b);
        if (f != null) {
            try {
                ModelLoader.build(ConfigReader.parse("config.json", CONFIG), f);
            } catch (SsmEdgeException expected) {
                assertHasMessage(expected);
            }
        }
    }

    @Property(tries = 200)
    void truncatedFixtureIsRejectedCleanly(@ForAll("cut") int length) {
        byte[] b = java.util.Arrays.copyOf(FIXTURE, Math.min(length, FIXTURE.length - 1));
        try {
            SafetensorsFile f = SafetensorsFile.parse("m", b);
            ModelLoader.build(ConfigReader.parse("config.json", CONFIG), f);
            throw new AssertionError("a truncated file was accepted");
        } catch (SsmEdgeException expected) {
            assertHasMessage(expected);
        }
    }

    @Property(tries = 300)
    void mutatedConfigIsLoadedOrRejectedCleanly(@ForAll("configMutations") List<Tuple.Tuple2<Integer, Character>> mutations) {
        StringBuilder s = new StringBuilder(CONFIG);
        for (Tuple.Tuple2<Integer, Character> m : mutations) {
            s.setCharAt(m.get1() % s.length(), m.get2());
        }
        try {
            ModelLoader.build(ConfigReader.parse("config.json", s.toString()), SafetensorsFile.parse("m", FIXTURE));
        } catch (SsmEdgeException expected) {
            assertHasMessage(expected);
        }
    }

    private static SafetensorsFile parseOrReject(byte[] b) {
        try {
            return SafetensorsFile.parse("fuzz.safetensors", b);
        } catch (ModelFormatException expected) {
            assertHasMessage(expected);
            return null;
        }
    }

    private static void assertHasMessage(Exception e) {
        if (e.getMessage() == null || e.getMessage().isBlank()) {
            throw new AssertionError("rejection without a message", e);
        }
    }

    @Provide
    Arbitrary<byte[]> randomBytes() {
        Arbitrary<byte[]> plain = Arbitraries.bytes().array(byte[].class).ofMaxSize(300);
        // plausible prefix: a small header length followed by JSON-ish text
        Arbitrary<byte[]> headerish = Arbitraries.strings().withChars("{}[]\":,0123456789FIdtypeshapdaofs_ -").ofMaxLength(120)
                .map(s -> {
                    byte[] h = s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
                    java.nio.ByteBuffer bb = java.nio.ByteBuffer.allocate(8 + h.length + 16).order(java.nio.ByteOrder.LITTLE_ENDIAN);
                    bb.putLong(h.length).put(h);
                    return bb.array();
                });
        return Arbitraries.oneOf(plain, headerish);
    }

    @Provide
    Arbitrary<List<Tuple.Tuple2<Integer, Byte>>> mutations() {
        // bias towards the header (first ~4 KiB), where structure lives
        Arbitrary<Integer> pos = Arbitraries.oneOf(Arbitraries.integers().between(0, 4200), Arbitraries.integers().between(0, FIXTURE.length - 1));
        return net.jqwik.api.Combinators.combine(pos, Arbitraries.bytes()).as(Tuple::of).list().ofMinSize(1).ofMaxSize(6);
    }

    @Provide
    Arbitrary<Integer> cut() {
        return Arbitraries.integers().between(0, FIXTURE.length - 1);
    }

    @Provide
    Arbitrary<List<Tuple.Tuple2<Integer, Character>>> configMutations() {
        return net.jqwik.api.Combinators.combine(Arbitraries.integers().between(0, CONFIG.length() - 1),
                Arbitraries.chars().with("{}[]\":,0123456789-.eEtruefalsn x")).as(Tuple::of).list().ofMinSize(1).ofMaxSize(4);
    }
}
