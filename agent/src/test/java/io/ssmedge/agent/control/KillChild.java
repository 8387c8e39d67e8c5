package io.ssmedge.agent.control;

import java.nio.file.Path;

/**
 * Child JVM of {@link KillNineTest}: applies configuration versions 1, 2, 3, … as fast as it can and prints
 * "ACK n" after each acknowledgement, until it is killed.
 */
public final class KillChild {
    private KillChild() {
    }

    public static void main(String[] args) {
        ControlFixture f = new ControlFixture(Path.of(args[0]));
        System.out.println("READY");
        System.out.flush();
        for (int v = 1; v < 100_000; v++) {
            var ack = f.configAck(KillNineTest.version(v));
            if (!ack.get("status").asText().equals("applied")) {
                System.out.println("REFUSED " + ack);
                System.out.flush();
                return;
            }
            System.out.println("ACK " + v);
            System.out.flush();
        }
    }
}
