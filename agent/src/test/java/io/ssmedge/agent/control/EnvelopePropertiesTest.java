package io.ssmedge.agent.control;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

import static io.ssmedge.agent.control.ControlFixture.ID;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Mutated and hostile envelopes: never applied (unless the bytes still carry exactly the signed document), never a
 * crash, always an acknowledgement with a reason.
 */
class EnvelopePropertiesTest {
    private static final ControlFixture F;
    private static final AtomicLong VERSION = new AtomicLong(1);

    static {
        try {
            F = new ControlFixture(Files.createTempDirectory("ssm-edge-envelope-props"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        F.configAck(ControlFixture.window(1, Target.agent(ID), 4));
    }

    /** A fresh, valid document (next version): applying it would change the stride to 3. */
    private static byte[] freshDocument() {
        return ControlJson.bytes(ControlFixture.window(VERSION.incrementAndGet(), Target.agent(ID), 3));
    }

    private static Optional<Ack> push(byte[] message) {
        return F.push(ControlTopics.CONFIG, message);
    }

    private static void assertNotApplied(Optional<Ack> ack, TrustedState before, int runsBefore) {
        assertThat(ack).isPresent();
        JsonNode a = ControlFixture.ack(ack);
        assertThat(a.get("status").asText()).isEqualTo("rejected");
        assertThat(a.get("reason").asText()).isNotBlank();
        assertThat(F.control.state()).isEqualTo(before);
        assertThat(F.host.runs.get()).isEqualTo(runsBefore);
        assertThat(F.stride()).isEqualTo(4);
    }

    @Property(tries = 300)
    void bitFlipsInPayloadOrSignatureAreNeverApplied(@ForAll boolean inSignature,
                                                     @ForAll @Size(min = 1, max = 4) List<@IntRange(min = 0, max = 1_000_000) Integer> positions) {
        byte[] doc = freshDocument();
        Envelope e = Envelope.parse(ControlFixture.signedBytes(doc, F.key));
        byte[] payload = e.payload().clone();
        byte[] sig = e.signatures().get(0).sig().clone();
        byte[] target = inSignature ? sig : payload;
        for (int p : positions) {
            target[(p >>> 3) % target.length] ^= (byte) (1 << (p & 7));
        }
        if (Arrays.equals(payload, e.payload()) && Arrays.equals(sig, e.signatures().get(0).sig())) {
            return; // flips cancelled each other out: the original document (applying it is right)
        }
        TrustedState before = F.control.state();
        int runs = F.host.runs.get();
        Optional<Ack> ack = push(new Envelope(payload, List.of(new Envelope.Sig(e.signatures().get(0).keyId(), sig)))
                .toJson());
        assertNotApplied(ack, before, runs);
        assertThat(ControlFixture.ack(ack).get("code").asText()).isIn("bad_signature", "malformed", "invalid_content");
    }

    @Property(tries = 300)
    void bitFlipsAnywhereInTheMessageApplyNothingButTheSignedDocument(
            @ForAll @Size(min = 1, max = 3) List<@IntRange(min = 0, max = 10_000_000) Integer> positions) {
        byte[] doc = freshDocument();
        byte[] msg = ControlFixture.signedBytes(doc, F.key);
        for (int p : positions) {
            msg[(p >>> 3) % msg.length] ^= (byte) (1 << (p & 7));
        }
        TrustedState before = F.control.state();
        int runs = F.host.runs.get();
        Optional<Ack> ack = push(msg);
        assertThat(ack).isPresent();
        if (ack.get().applied()) {
            // only possible when the flips left the decoded payload intact (e.g. base64 padding bits)
            assertThat(Envelope.parse(msg).payload()).isEqualTo(doc);
            F.configAck(ControlFixture.window(VERSION.incrementAndGet(), Target.agent(ID), 4)); // back to stride 4
        } else {
            assertNotApplied(ack, before, runs);
        }
    }

    @Property(tries = 100)
    void reorderedEnvelopeKeysChangeNothingDuplicatedOnesAreRefused(@ForAll boolean duplicate) {
        byte[] doc = freshDocument();
        Envelope e = Envelope.parse(ControlFixture.signedBytes(doc, F.key));
        String sigs = new String(e.toJson(), StandardCharsets.UTF_8);
        sigs = sigs.substring(sigs.indexOf("\"signatures\""), sigs.length() - 1);
        String payload = "\"payload\":\"" + Base64.getEncoder().encodeToString(doc) + "\"";
        TrustedState before = F.control.state();
        int runs = F.host.runs.get();
        if (duplicate) {
            // a forged payload first, the signed one second: a lenient reader would take either; ours takes neither
            String forged = "\"payload\":\"" + Base64.getEncoder().encodeToString(
                    ControlJson.bytes(ControlFixture.window(VERSION.get(), Target.agent(ID), 2))) + "\"";
            Optional<Ack> ack = push(("{" + forged + "," + sigs + "," + payload + "}").getBytes(StandardCharsets.UTF_8));
            assertNotApplied(ack, before, runs);
            assertThat(ControlFixture.ack(ack).get("code").asText()).isEqualTo("malformed");
        } else {
            Optional<Ack> ack = push(("{ " + sigs + " ,\n " + payload + " }").getBytes(StandardCharsets.UTF_8));
            assertThat(ack.get().applied()).isTrue();
            assertThat(F.stride()).isEqualTo(3);
            F.configAck(ControlFixture.window(VERSION.incrementAndGet(), Target.agent(ID), 4));
        }
    }

    @Property(tries = 200)
    void hostileDocumentsEvenWhenSignedAreRefusedWithoutACrash(@ForAll("hostile") String document) {
        TrustedState before = F.control.state();
        int runs = F.host.runs.get();
        Optional<Ack> ack = push(ControlFixture.signedBytes(document.getBytes(StandardCharsets.UTF_8), F.key));
        assertNotApplied(ack, before, runs);
        assertThat(ControlFixture.ack(ack).get("code").asText()).isIn("malformed", "invalid_content");
    }

    @Property(tries = 300)
    void randomBytesAreRefused(@ForAll @Size(max = 2000) byte[] message) {
        if (message.length == 0) {
            return; // an empty retained message only clears the topic (tested elsewhere)
        }
        TrustedState before = F.control.state();
        int runs = F.host.runs.get();
        assertNotApplied(push(message), before, runs);
    }

    @Provide
    Arbitrary<String> hostile() {
        Arbitrary<Integer> depth = Arbitraries.integers().between(33, 20_000);
        Arbitrary<String> numbers = Arbitraries.of("1e400", "123456789012345678901234567890", "-1", "0",
                "9223372036854775808", "9007199254740993", "1.5", "NaN", "Infinity", "\"7\"", "null", "true",
                "1" + "0".repeat(5000));
        // stride: 0 and null are valid (the model's own stride), "7" is read as 7 as in agent.yaml
        Arbitrary<String> badStrides = Arbitraries.of("1e400", "123456789012345678901234567890", "-1",
                "9223372036854775808", "1.5", "NaN", "Infinity", "true", "{}", "\"x\"", "1" + "0".repeat(5000));
        return Arbitraries.oneOf(
                // duplicated keys: {"version": 5, "version": 6}
                Arbitraries.of("version", "kind", "target", "settings", "expires_at").map(k -> {
                    String d = base(VERSION.get() + 1);
                    return d.replaceFirst("\\{", "{\"" + k + "\": " + (k.equals("version") ? "999" : "\"x\"") + ", ");
                }),
                Arbitraries.of("window", "model").map(k ->
                        base(VERSION.get() + 1).replace("\"stride\":3", "\"stride\":3,\"stride\":2")
                                .replace("\"window\":{", k.equals("model") ? "\"window\":{},\"window\":{" : "\"window\":{")),
                // huge and odd numbers in the version and in the settings
                numbers.map(n -> base(VERSION.get() + 1).replaceFirst("\"version\":\\d+", "\"version\":" + n)),
                badStrides.map(n -> base(VERSION.get() + 1).replace("\"stride\":3", "\"stride\":" + n)),
                // deep nesting inside settings and at the top
                depth.map(d -> base(VERSION.get() + 1).replace("\"stride\":3",
                        "\"stride\":" + "[".repeat(d) + "]".repeat(d))),
                depth.map(d -> "{\"a\":".repeat(d) + "1" + "}".repeat(d)),
                // not an object, or trailing garbage
                Arbitraries.of("[]", "\"config\"", "42", "", base(VERSION.get() + 1) + " {}",
                        base(VERSION.get() + 1) + "]"));
    }

    /** A valid document of this version, as compact JSON text (stride 3). */
    private static String base(long version) {
        ObjectNode d = ControlFixture.window(version, Target.agent(ID), 3);
        return new String(ControlJson.bytes(d), StandardCharsets.UTF_8);
    }
}
