package io.ssmedge.agent.http;

import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpContentCompressor;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerKeepAliveHandler;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * The pipeline of each connection: connection limit and request deadline, HTTP codec, gzip on request, keep-alive, a size-limited
 * aggregator, then the API handler.
 */
final class HttpChannelInitializer extends ChannelInitializer<SocketChannel> {
    private final int maxRequestBytes;
    private final int maxConnections;
    private final int requestTimeoutSeconds;
    private final AtomicInteger open = new AtomicInteger();
    private final HttpApiHandler handler;

    HttpChannelInitializer(int maxRequestBytes, int maxConnections, int requestTimeoutSeconds, HttpApiHandler handler) {
        this.maxRequestBytes = maxRequestBytes;
        this.maxConnections = maxConnections;
        this.requestTimeoutSeconds = requestTimeoutSeconds;
        this.handler = handler;
    }

    @Override
    protected void initChannel(SocketChannel ch) {
        ChannelPipeline p = ch.pipeline();
        p.addLast(new ConnectionGuard(open, maxConnections, requestTimeoutSeconds));
        p.addLast(new HttpServerCodec(4096, 8192, 8192));
        // gzip for clients that ask (browsers do): the dashboard's status polls shrink several times
        p.addLast(new HttpContentCompressor(6, 15, 8, 1024));
        p.addLast(new HttpServerKeepAliveHandler());
        p.addLast(new HttpObjectAggregator(maxRequestBytes));
        p.addLast(handler);
    }
}
