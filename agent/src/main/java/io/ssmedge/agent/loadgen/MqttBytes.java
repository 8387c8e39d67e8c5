package io.ssmedge.agent.loadgen;

import java.io.DataInputStream;
import java.io.IOException;

/**
 * The MQTT encodings the load tools write and read by hand (MQTT 3.1.1 §1.5 and §2.2.3, the same in MQTT 5): the
 * remaining length as a base-128 varint of 1–4 bytes, least significant group first, and strings as a 2-byte
 * big-endian length followed by the bytes. The writers put into a caller's buffer at {@code pos} and return the
 * position after what they wrote.
 */
final class MqttBytes {
    private MqttBytes() {
    }

    /** Fixed header: the first byte (packet type &lt;&lt; 4 | flags), then the remaining length. */
    static int header(byte[] buf, int pos, int first, int remaining) {
        buf[pos++] = (byte) first;
        do {
            int digit = remaining & 0x7f;
            remaining >>>= 7;
            buf[pos++] = (byte) (remaining > 0 ? digit | 0x80 : digit);
        } while (remaining > 0);
        return pos;
    }

    static int string(byte[] buf, int pos, byte[] s) {
        buf[pos++] = (byte) (s.length >> 8);
        buf[pos++] = (byte) s.length;
        System.arraycopy(s, 0, buf, pos, s.length);
        return pos + s.length;
    }

    /** Two-byte big-endian integer at b[i] (string lengths, packet ids, Receive Maximum). */
    static int u16(byte[] b, int i) {
        return (b[i] & 0xff) << 8 | b[i + 1] & 0xff;
    }

    /** Variable byte integer at b[i] (remaining length, MQTT 5 property lengths): base-128, least significant first. */
    static int varint(byte[] b, int i) {
        int value = 0;
        for (int shift = 0; ; shift += 7, i++) {
            value |= (b[i] & 0x7f) << shift;
            if ((b[i] & 0x80) == 0) {
                return value;
            }
        }
    }

    /** Bytes of the variable byte integer at b[i]. */
    static int varintSize(byte[] b, int i) {
        int n = 1;
        while ((b[i + n - 1] & 0x80) != 0) {
            n++;
        }
        return n;
    }

    /** Reads a remaining length; {@code who} names the peer in the error ("the broker", "a client"). */
    static int readLength(DataInputStream in, String who) throws IOException {
        int value = 0;
        for (int shift = 0; shift <= 21; shift += 7) {
            int b = in.readUnsignedByte();
            value |= (b & 0x7f) << shift;
            if ((b & 0x80) == 0) {
                return value;
            }
        }
        throw new IOException("malformed remaining length from " + who);
    }
}
