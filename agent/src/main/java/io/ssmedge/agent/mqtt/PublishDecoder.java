package io.ssmedge.agent.mqtt;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.DecoderException;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * Cuts the broker's byte stream into MQTT packets, decodes PUBLISH packets itself and passes every other packet on,
 * one whole packet per buffer, to Netty's {@code MqttDecoder} (CONNACK, SUBACK, PINGRESP, DISCONNECT, ...).
 *
 * <p>Why: sensor messages are nearly all the agent receives, and Netty's general decoder made about a quarter of the
 * agent's garbage under load for them (issue #12, JFR at 1000 streams × 10 Hz: the topic decoded through a
 * {@code CharsetDecoder} with its buffers, buffer slices, header and property objects per message). Here a PUBLISH
 * costs its payload array only: the topic's string comes from {@link TopicNames} (the same few thousand topics
 * arrive again and again) and the packet goes straight to the {@link Sink}.
 *
 * <p>The PUBLISH layout (MQTT 3.1.1 §3.3, MQTT 5 §3.3): fixed header = type 3 and flags (DUP, QoS in bits 1-2,
 * RETAIN) in one byte, then the remaining length as a variable byte integer (1-4 bytes, 7 bits each, low first);
 * variable header = topic (2-byte length, UTF-8), packet identifier (2 bytes, QoS &gt; 0 only), MQTT 5 only: property
 * length (variable byte integer) and properties; the payload is the rest. Properties are skipped: the agent uses
 * none that a broker sends with a PUBLISH (no topic aliases are announced, so the topic is never empty).
 * Anything malformed fails the connection with a {@link DecoderException} that says what is wrong.
 */
final class PublishDecoder extends ByteToMessageDecoder {
    /** Receives each decoded PUBLISH, on the event loop, in arrival order with the other packets. */
    interface Sink {
        void publish(String topic, byte[] payload, int packetId, int qos);
    }

    private final boolean v5;
    private final int maxPacket;
    private final Sink sink;
    private final TopicNames topics = new TopicNames();

    PublishDecoder(boolean v5, int maxPacket, Sink sink) {
        this.v5 = v5;
        this.maxPacket = maxPacket;
        this.sink = sink;
    }

    /** One packet per call, so that packets passed on reach the next handler before the next PUBLISH is delivered. */
    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        int start = in.readerIndex();
        int available = in.readableBytes();
        if (available < 2) {
            return;
        }
        int remaining = 0; // remaining length: variable byte integer after the first byte
        int headerLength = 1;
        for (int shift = 0; ; shift += 7) {
            if (headerLength > 4) {
                throw new DecoderException("malformed packet from the broker: remaining length longer than 4 bytes");
            }
            if (headerLength >= available) {
                return; // the rest of the header has not arrived
            }
            int b = in.getUnsignedByte(start + headerLength++);
            remaining |= (b & 0x7f) << shift;
            if ((b & 0x80) == 0) {
                break;
            }
        }
        if (remaining > maxPacket) {
            throw new DecoderException("packet of " + remaining + " bytes from the broker is larger than " + maxPacket);
        }
        if (available < headerLength + remaining) {
            return; // the packet has not fully arrived
        }
        int first = in.getUnsignedByte(start);
        if (first >> 4 != 3) { // not a PUBLISH: Netty's decoder reads it
            out.add(in.readRetainedSlice(headerLength + remaining));
            return;
        }
        int qos = (first >> 1) & 3;
        int p = start + headerLength;
        int end = p + remaining;
        if (qos == 3) {
            throw new DecoderException("malformed PUBLISH from the broker: QoS 3");
        }
        if (end - p < 2) {
            throw new DecoderException("malformed PUBLISH from the broker: no topic");
        }
        int topicLength = in.getUnsignedShort(p);
        p += 2;
        if (topicLength == 0 || topicLength > end - p) {
            throw new DecoderException("malformed PUBLISH from the broker: topic length " + topicLength + " in a packet of "
                    + remaining + " bytes");
        }
        String topic = topics.get(in, p, topicLength);
        p += topicLength;
        int packetId = 0;
        if (qos > 0) {
            if (end - p < 2 || (packetId = in.getUnsignedShort(p)) == 0) {
                throw new DecoderException("malformed PUBLISH from the broker: QoS " + qos + " without a packet id");
            }
            p += 2;
        }
        if (v5) {
            int propertiesLength = 0;
            int i = 0;
            for (int shift = 0; ; shift += 7) {
                if (i == 4 || p >= end) {
                    throw new DecoderException("malformed PUBLISH from the broker: bad property length");
                }
                int b = in.getUnsignedByte(p++);
                i++;
                propertiesLength |= (b & 0x7f) << shift;
                if ((b & 0x80) == 0) {
                    break;
                }
            }
            if (propertiesLength > end - p) {
                throw new DecoderException("malformed PUBLISH from the broker: properties of " + propertiesLength
                        + " bytes in a packet of " + remaining);
            }
            p += propertiesLength;
        }
        byte[] payload = new byte[end - p];
        in.getBytes(p, payload);
        in.readerIndex(end);
        sink.publish(topic, payload, packetId, qos);
    }

    /**
     * Topic names by their UTF-8 bytes: a direct-mapped cache of the strings already made, so that a topic seen
     * before costs no string (and its hash code is computed once, which the router's own cache uses). A new topic is
     * checked as Netty's decoder checks it: valid UTF-8 without U+0000 and without the wildcards '+' and '#'.
     */
    static final class TopicNames {
        static final int SLOTS = 16_384; // 10,000 streams (the agent's default max_streams) mostly hit
        private byte[][] keys;   // [SLOTS], null until the first PUBLISH: an idle connection allocates nothing
        private String[] names;  // [SLOTS]
        private final CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);

        String get(ByteBuf in, int from, int length) {
            if (keys == null) {
                keys = new byte[SLOTS][];
                names = new String[SLOTS];
            }
            int h = 1; // Arrays.hashCode of the bytes
            for (int i = 0; i < length; i++) {
                h = 31 * h + in.getByte(from + i);
            }
            int slot = (h ^ (h >>> 16)) & (SLOTS - 1);
            byte[] key = keys[slot];
            if (key != null && key.length == length && same(in, from, key)) {
                return names[slot];
            }
            byte[] bytes = new byte[length];
            in.getBytes(from, bytes);
            String name = decode(bytes);
            keys[slot] = bytes;
            names[slot] = name;
            return name;
        }

        private static boolean same(ByteBuf in, int from, byte[] key) {
            for (int i = 0; i < key.length; i++) {
                if (in.getByte(from + i) != key[i]) {
                    return false;
                }
            }
            return true;
        }

        private String decode(byte[] bytes) {
            String name;
            try {
                name = utf8.decode(ByteBuffer.wrap(bytes)).toString();
            } catch (CharacterCodingException e) {
                throw new DecoderException("malformed PUBLISH from the broker: topic is not valid UTF-8 ("
                        + Arrays.toString(Arrays.copyOf(bytes, Math.min(bytes.length, 32))) + ")");
            }
            for (int i = 0; i < name.length(); i++) {
                char c = name.charAt(i);
                if (c == 0 || c == '+' || c == '#') {
                    throw new DecoderException("malformed PUBLISH from the broker: topic '" + name.replace('\0', '?')
                            + "' has a " + (c == 0 ? "U+0000" : "wildcard '" + c + "'"));
                }
            }
            return name;
        }
    }
}
