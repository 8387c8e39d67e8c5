package io.ssmedge.agent.mqtt;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.mqtt.MqttDecoder;
import io.netty.handler.codec.mqtt.MqttEncoder;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttMessageIdVariableHeader;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttSubAckMessage;
import io.netty.handler.codec.mqtt.MqttVersion;
import io.netty.util.ReferenceCountUtil;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The sensor input's own PUBLISH decoding against Netty's MQTT encoder as the oracle: random PUBLISH packets (QoS 0
 * and 1, MQTT 5 properties, non-ASCII topics, empty and large payloads) mixed with SUBACK, PINGRESP and CONNACK,
 * sent in random pieces, come out as the same messages in the same order; malformed PUBLISH packets fail.
 */
class PublishDecoderTest {
    private static final String[] TOPICS = {"factory/line3/p1/sensors", "factory/line3/p2/sensors", "f/ü/温度/sensors",
        "a", "factory/line3/" + "x".repeat(300) + "/sensors"};

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void decodesWhatNettyEncodes(boolean v5) {
        for (long seed = 1; seed <= 150; seed++) {
            Random r = new Random(seed);
            EmbeddedChannel server = encoder(v5);
            ByteArrayOutputStream wire = new ByteArrayOutputStream();
            List<String> expected = new ArrayList<>();
            int packets = 1 + r.nextInt(40);
            for (int i = 0; i < packets; i++) {
                MqttMessage m;
                int kind = r.nextInt(10);
                if (kind < 7) {
                    String topic = TOPICS[r.nextInt(TOPICS.length)];
                    byte[] payload = new byte[r.nextInt(10) == 0 ? 70_000 : r.nextInt(200)];
                    r.nextBytes(payload);
                    int qos = r.nextInt(2);
                    int id = qos == 0 ? 0 : 1 + r.nextInt(65535);
                    MqttProperties props = new MqttProperties();
                    if (v5 && r.nextBoolean()) {
                        props.add(new MqttProperties.UserProperty("k" + r.nextInt(9), "v"));
                        props.add(new MqttProperties.StringProperty(
                                MqttProperties.MqttPropertyType.CONTENT_TYPE.value(), "text/csv"));
                    }
                    if (v5 && r.nextInt(4) == 0) { // a long property block: its length takes two bytes
                        props.add(new MqttProperties.BinaryProperty(
                                MqttProperties.MqttPropertyType.CORRELATION_DATA.value(), new byte[200]));
                    }
                    m = MqttMessageBuilders.publish().topicName(topic).qos(MqttQoS.valueOf(qos)).messageId(id)
                            .retained(r.nextBoolean()).properties(props).payload(Unpooled.wrappedBuffer(payload)).build();
                    expected.add("PUBLISH " + topic + " q" + qos + " #" + id + " " + digest(payload));
                } else if (kind == 7) {
                    int id = 1 + r.nextInt(65535);
                    m = new MqttSubAckMessage(new io.netty.handler.codec.mqtt.MqttFixedHeader(
                            io.netty.handler.codec.mqtt.MqttMessageType.SUBACK, false, MqttQoS.AT_MOST_ONCE, false, 0),
                            MqttMessageIdVariableHeader.from(id), new io.netty.handler.codec.mqtt.MqttSubAckPayload(1));
                    expected.add("SUBACK #" + id);
                } else if (kind == 8) {
                    m = MqttMessage.PINGRESP;
                    expected.add("PINGRESP");
                } else {
                    m = MqttMessageBuilders.connAck().sessionPresent(true)
                            .returnCode(io.netty.handler.codec.mqtt.MqttConnectReturnCode.CONNECTION_ACCEPTED).build();
                    expected.add("CONNACK");
                }
                server.writeOutbound(m);
                for (ByteBuf b; (b = server.readOutbound()) != null; ) {
                    wire.writeBytes(ByteBufUtil.getBytes(b));
                    b.release();
                }
            }
            List<String> got = new ArrayList<>();
            EmbeddedChannel client = client(v5, got);
            byte[] bytes = wire.toByteArray();
            for (int at = 0; at < bytes.length; ) { // random pieces, as TCP may deliver them
                int n = Math.min(bytes.length - at, 1 + r.nextInt(r.nextBoolean() ? 7 : 3000));
                client.writeInbound(Unpooled.copiedBuffer(bytes, at, n));
                at += n;
            }
            assertThat(got).as("seed %d, MQTT %s", seed, v5 ? "5" : "3.1.1").containsExactlyElementsOf(expected);
            client.finishAndReleaseAll();
            server.finishAndReleaseAll();
        }
    }

    @Test
    void malformedPublishPacketsFail() {
        assertFails(true, bytes(0x36, 4, 0, 1, 'a', 0), "QoS 3");
        assertFails(true, bytes(0x32, 5, 0, 9, 'a', 0, 1), "topic length 9");
        assertFails(true, bytes(0x30, 3, 0, 0, 0), "topic length 0");
        assertFails(true, bytes(0x32, 5, 0, 1, 'a', 0, 0, 0), "without a packet id");
        assertFails(true, bytes(0x30, 4, 0, 1, 'a', 9), "properties of 9 bytes");
        assertFails(true, bytes(0x30, 3, 0, 1, 'a'), "bad property length");
        assertFails(false, bytes(0x30, 4, 0, 2, 0xC3, 0x28), "not valid UTF-8");
        assertFails(false, bytes(0x30, 4, 0, 2, 'a', '+'), "wildcard '+'");
        assertFails(false, bytes(0x30, 4, 0, 2, 'a', 0), "U+0000");
        assertFails(false, bytes(0x30, 0xFF, 0xFF, 0xFF, 0xFF, 1), "longer than 4 bytes");
    }

    @Test
    void aPacketLargerThanTheLimitFails() {
        EmbeddedChannel c = new EmbeddedChannel(new PublishDecoder(false, 100, (t, p, id, q) -> { }));
        assertThatThrownBy(() -> c.writeInbound(Unpooled.wrappedBuffer(bytes(0x30, 0x80, 0x01))))
                .isInstanceOf(DecoderException.class).hasMessageContaining("128 bytes");
    }

    private static void assertFails(boolean v5, byte[] packet, String why) {
        List<String> got = new ArrayList<>();
        EmbeddedChannel c = client(v5, got);
        assertThatThrownBy(() -> c.writeInbound(Unpooled.wrappedBuffer(packet)))
                .isInstanceOf(DecoderException.class).hasMessageContaining(why);
        assertThat(got).isEmpty();
    }

    /** The payload in a failure message: its length and a checksum (payloads of 70 KB would drown the report). */
    private static String digest(byte[] payload) {
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(payload);
        return payload.length + " bytes, CRC " + Long.toHexString(crc.getValue());
    }

    private static byte[] bytes(int... b) {
        byte[] r = new byte[b.length];
        for (int i = 0; i < b.length; i++) {
            r[i] = (byte) b[i];
        }
        return r;
    }

    /** A channel whose MqttEncoder speaks {@code v5} (the encoder takes the version from the CONNECT it encodes). */
    private static EmbeddedChannel encoder(boolean v5) {
        EmbeddedChannel ch = new EmbeddedChannel(MqttEncoder.INSTANCE);
        ch.writeOutbound(MqttMessageBuilders.connect().clientId("c")
                .protocolVersion(v5 ? MqttVersion.MQTT_5 : MqttVersion.MQTT_3_1_1).build());
        ch.releaseOutbound();
        return ch;
    }

    /** The sensor input's pipeline: PublishDecoder, then Netty's decoder for the rest; both end in {@code got}. */
    private static EmbeddedChannel client(boolean v5, List<String> got) {
        EmbeddedChannel ch = encoder(v5);
        ch.pipeline().addFirst(new PublishDecoder(v5, 268_435_455, (topic, payload, id, qos) ->
                got.add("PUBLISH " + topic + " q" + qos + " #" + id + " " + digest(payload))));
        ch.pipeline().addAfter(ch.pipeline().firstContext().name(), "decoder", new MqttDecoder(268_435_455));
        ch.pipeline().addLast(new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                MqttMessage m = (MqttMessage) msg;
                if (m.decoderResult().isFailure()) {
                    got.add("FAILED " + m.decoderResult().cause());
                } else if (m instanceof MqttSubAckMessage s) {
                    got.add("SUBACK #" + s.variableHeader().messageId());
                } else {
                    got.add(m.fixedHeader().messageType().name());
                }
                ReferenceCountUtil.release(msg);
            }
        });
        return ch;
    }
}
