package io.ssmedge.agent.mqtt;

import java.util.ArrayList;
import java.util.List;

/**
 * The confirmations a thread makes inside {@link Ack#batch}: the {@link AckSequencer}s they touched send their ready
 * PUBACKs once, when the outermost batch ends.
 */
final class AckBatch {
    private static final ThreadLocal<AckBatch> CURRENT = ThreadLocal.withInitial(AckBatch::new);

    private final List<AckSequencer> touched = new ArrayList<>(2);
    private int depth;

    private AckBatch() {
    }

    /** True when the calling thread is inside a batch: {@code s} sends at its end instead of now. */
    static boolean defer(AckSequencer s) {
        AckBatch b = CURRENT.get();
        if (b.depth == 0) {
            return false;
        }
        if (!b.touched.contains(s)) {
            b.touched.add(s);
        }
        return true;
    }

    static void run(Runnable confirmations) {
        AckBatch b = CURRENT.get();
        b.depth++;
        try {
            confirmations.run();
        } finally {
            if (--b.depth == 0) {
                try {
                    for (int i = 0; i < b.touched.size(); i++) {
                        b.touched.get(i).sendReady();
                    }
                } finally {
                    b.touched.clear();
                }
            }
        }
    }
}
