package io.ssmedge.agent.mqtt;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** PUBACK order and batching: what reaches the client or the socket, and when. */
class AckSequencerTest {
    final List<Integer> viaClient = new ArrayList<>();   // message ids acknowledged through the client
    final ByteArrayOutputStream raw = new ByteArrayOutputStream(); // bytes written beside the client
    int rawWrites;
    boolean socketThere = true;

    AckSequencer sequencer(boolean withRaw) {
        return new AckSequencer("test", (id, qos) -> viaClient.add(id), withRaw ? (b, len) -> {
            if (!socketThere) {
                return false;
            }
            rawWrites++;
            raw.write(b, 0, len);
            return true;
        } : null);
    }

    /** The PUBACK packets of these ids as MQTT 3.1.1 §3.4 spells them: 0x40, remaining length 2, id MSB, id LSB. */
    static byte[] pubacks(int... ids) {
        byte[] b = new byte[4 * ids.length];
        for (int i = 0; i < ids.length; i++) {
            b[4 * i] = 0x40;
            b[4 * i + 1] = 0x02;
            b[4 * i + 2] = (byte) (ids[i] / 256);
            b[4 * i + 3] = (byte) (ids[i] % 256);
        }
        return b;
    }

    @Test
    void aMessageFinishedEarlyWaitsForTheEarlierOnes() {
        AckSequencer s = sequencer(false);
        Ack a = s.register(1, 1);
        Ack b = s.register(2, 1);
        Ack c = s.register(3, 1);
        b.done();
        assertThat(viaClient).isEmpty();
        a.done();
        assertThat(viaClient).containsExactly(1, 2);
        c.done();
        assertThat(viaClient).containsExactly(1, 2, 3);
        assertThat(s.pending()).isZero();
    }

    @Test
    void aBatchSendsOnceAtItsEndInOneWriteInArrivalOrder() {
        AckSequencer s = sequencer(true);
        Ack a = s.register(7, 1);
        Ack b = s.register(300, 1);
        Ack c = s.register(65535, 1);
        Ack d = s.register(9, 1);
        Ack.batch(() -> {
            c.done();
            a.done();
            b.done();
            assertThat(rawWrites).isZero(); // nothing before the batch ends
        });
        assertThat(rawWrites).isEqualTo(1);
        assertThat(raw.toByteArray()).containsExactly(pubacks(7, 300, 65535));
        assertThat(viaClient).isEmpty();
        assertThat(s.pending()).isEqualTo(1); // d is not finished
        d.done();
        assertThat(raw.toByteArray()).containsExactly(pubacks(7, 300, 65535, 9));
    }

    @Test
    void nestedBatchesSendWhenTheOutermostEnds() {
        AckSequencer s = sequencer(true);
        Ack a = s.register(1, 1);
        Ack b = s.register(2, 1);
        Ack.batch(() -> {
            Ack.batch(a::done);
            assertThat(rawWrites).isZero();
            b.done();
        });
        assertThat(raw.toByteArray()).containsExactly(pubacks(1, 2));
    }

    @Test
    void aBatchWhoseFirstMessageIsUnfinishedSendsNothing() {
        AckSequencer s = sequencer(true);
        Ack a = s.register(1, 1);
        Ack b = s.register(2, 1);
        Ack.batch(b::done);
        assertThat(rawWrites).isZero();
        a.done();
        assertThat(raw.toByteArray()).containsExactly(pubacks(1, 2));
    }

    @Test
    void qos2OrNoSocketGoesThroughTheClientInOrder() {
        AckSequencer s = sequencer(true);
        Ack a = s.register(1, 1);
        Ack b = s.register(2, 2);
        Ack.batch(() -> {
            a.done();
            b.done();
        });
        assertThat(viaClient).containsExactly(1, 2);
        socketThere = false;
        Ack c = s.register(3, 1);
        Ack d = s.register(4, 1);
        Ack.batch(() -> {
            d.done();
            c.done();
        });
        assertThat(viaClient).containsExactly(1, 2, 3, 4);
        assertThat(rawWrites).isZero();
    }

    @Test
    void acknowledgementsOfABrokenConnectionAreForgotten() {
        AckSequencer s = sequencer(true);
        Ack a = s.register(1, 1);
        s.reset();
        Ack b = s.register(1, 1); // the broker delivers it again with the same id
        Ack.batch(a::done);
        assertThat(rawWrites).isZero();
        Ack.batch(b::done);
        assertThat(raw.toByteArray()).containsExactly(pubacks(1));
    }

    @Test
    void qos0NeedsNoAcknowledgement() {
        AckSequencer s = sequencer(true);
        assertThat(s.register(0, 0)).isSameAs(Ack.NONE);
        assertThat(s.pending()).isZero();
    }
}
