package io.ssmedge.agent.mqtt;

import org.junit.jupiter.api.Test;

import java.io.BufferedInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;

import static org.assertj.core.api.Assertions.assertThat;

/** The plain socket factory on a loopback socket pair. */
class PahoSocketsTest {
    @Test
    void readsAreBufferedAndPacketsWrittenBesideTheClientNeverSplitAClientPacket() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            PahoSockets.Plain factory = PahoSockets.plain();
            assertThat(factory.writePackets(new byte[]{1}, 1)).isFalse(); // no socket yet
            try (Socket client = factory.createSocket()) {
                client.connect(server.getLocalSocketAddress());
                try (Socket peer = server.accept()) {
                    assertThat(client.getTcpNoDelay()).isTrue();
                    InputStream in = client.getInputStream();
                    assertThat(in).isInstanceOf(BufferedInputStream.class).isSameAs(client.getInputStream());
                    peer.getOutputStream().write(new byte[]{0x40, 2, 0, 5});
                    assertThat(in.readNBytes(4)).containsExactly(0x40, 2, 0, 5);

                    OutputStream out = client.getOutputStream();
                    out.write(new byte[]{0x30, 5, 'a', 'b'}); // the client's packet, first part
                    assertThat(factory.writePackets(new byte[]{0x40, 2, 0, 9, 99}, 4)).isTrue();
                    out.write('c');
                    out.write(new byte[]{'x', 'd', 'e', 'x'}, 1, 2);
                    out.flush(); // Paho flushes after each whole packet
                    byte[] got = peer.getInputStream().readNBytes(11);
                    assertThat(got).containsExactly(0x40, 2, 0, 9, 0x30, 5, 'a', 'b', 'c', 'd', 'e');
                }
            }
            assertThat(factory.writePackets(new byte[]{1}, 1)).isFalse(); // closed
        }
    }
}
