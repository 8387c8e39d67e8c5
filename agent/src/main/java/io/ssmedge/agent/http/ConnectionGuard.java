package io.ssmedge.agent.http;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.concurrent.ScheduledFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Per connection, first in the pipeline: closes the connection when it would exceed http.max_connections, and when
 * a complete request does not arrive within http.request_timeout_seconds of the connection's start or of the
 * previous response (a client trickling one header line every few seconds no longer holds a connection forever;
 * an idle keep-alive connection is closed too). Closing is logged at debug level only (any client can cause it).
 */
final class ConnectionGuard extends ChannelDuplexHandler {
    private static final Logger log = LoggerFactory.getLogger(ConnectionGuard.class);

    private final AtomicInteger open;
    private final int maxConnections;
    private final long timeoutNanos;
    private ScheduledFuture<?> deadline;
    private boolean counted;

    ConnectionGuard(AtomicInteger open, int maxConnections, int timeoutSeconds) {
        this.open = open;
        this.maxConnections = maxConnections;
        this.timeoutNanos = TimeUnit.SECONDS.toNanos(timeoutSeconds);
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        if (open.incrementAndGet() > maxConnections) {
            open.decrementAndGet();
            log.debug("HTTP connection from {} refused: {} connections open (http.max_connections)",
                    ctx.channel().remoteAddress(), maxConnections);
            ctx.close();
            return;
        }
        counted = true;
        arm(ctx);
        super.channelActive(ctx);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        if (counted) {
            counted = false;
            open.decrementAndGet();
        }
        cancel();
        super.channelInactive(ctx);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
        if (msg instanceof HttpResponse || msg instanceof LastHttpContent) {
            arm(ctx); // the next request's time starts with this response
        }
        super.write(ctx, msg, promise);
    }

    private void arm(ChannelHandlerContext ctx) {
        cancel();
        deadline = ctx.executor().schedule(() -> {
            log.debug("HTTP connection from {} closed: no complete request within {} s (http.request_timeout_seconds)",
                    ctx.channel().remoteAddress(), TimeUnit.NANOSECONDS.toSeconds(timeoutNanos));
            ctx.close();
        }, timeoutNanos, TimeUnit.NANOSECONDS);
    }

    private void cancel() {
        if (deadline != null) {
            deadline.cancel(false);
            deadline = null;
        }
    }
}
