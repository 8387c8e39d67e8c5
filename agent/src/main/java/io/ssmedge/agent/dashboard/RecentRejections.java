package io.ssmedge.agent.dashboard;

import io.ssmedge.agent.stream.InboundMessage;
import io.ssmedge.agent.stream.RejectReason;
import io.ssmedge.agent.stream.RejectionListener;

import java.util.ArrayList;
import java.util.List;

/**
 * Keeps the last {@code capacity} rejected messages (what the error topic reported) for the dashboard, then passes
 * each on to the next listener (the error topic). Cheap: one short synchronized write per rejection.
 */
public final class RecentRejections implements RejectionListener {
    /** One rejection as shown on the dashboard. */
    public record Rejection(long timeMillis, String stream, String kind, String reason, String message) {
    }

    private final RejectionListener next;
    private final Rejection[] ring; // (capacity) oldest overwritten
    private int head;
    private long count;

    public RecentRejections(RejectionListener next, int capacity) {
        this.next = next;
        this.ring = new Rejection[capacity];
    }

    @Override
    public void rejected(String stream, InboundMessage.Kind kind, RejectReason reason, String message) {
        Rejection r = new Rejection(System.currentTimeMillis(), stream, kind.name().toLowerCase(java.util.Locale.ROOT),
                reason.key(), message.length() > 300 ? message.substring(0, 297) + "..." : message);
        synchronized (this) {
            ring[head] = r;
            head = (head + 1) % ring.length;
            count++;
        }
        next.rejected(stream, kind, reason, message);
    }

    /** Newest first. */
    public synchronized List<Rejection> recent() {
        int n = (int) Math.min(count, ring.length);
        List<Rejection> out = new ArrayList<>(n);
        for (int i = 1; i <= n; i++) {
            out.add(ring[(head - i + ring.length) % ring.length]);
        }
        return out;
    }
}
