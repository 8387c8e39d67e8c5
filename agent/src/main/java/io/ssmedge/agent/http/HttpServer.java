package io.ssmedge.agent.http;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.ssmedge.agent.config.HttpConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.concurrent.TimeUnit;

/**
 * The status server (Netty): binds, and on {@link #close()} shuts its event loops down gracefully. One acceptor
 * and one I/O thread are plenty for status pages; unpooled buffers keep the resident memory small.
 */
public final class HttpServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(HttpServer.class);

    private final EventLoopGroup boss;
    private final EventLoopGroup workers;
    private final Channel channel;

    private HttpServer(EventLoopGroup boss, EventLoopGroup workers, Channel channel) {
        this.boss = boss;
        this.workers = workers;
        this.channel = channel;
    }

    /** Binds the server; fails with a clear message when the address or port cannot be used. */
    public static HttpServer start(HttpConfig cfg, StatusPages pages) {
        String token = readToken(cfg);
        EventLoopGroup boss = new NioEventLoopGroup(1, new DefaultThreadFactory("ssm-edge-http-accept", true));
        EventLoopGroup workers = new NioEventLoopGroup(1, new DefaultThreadFactory("ssm-edge-http", true));
        boolean started = false;
        try {
            ServerBootstrap b = new ServerBootstrap()
                    .group(boss, workers)
                    .channel(NioServerSocketChannel.class)
                    .option(ChannelOption.SO_BACKLOG, 64)
                    .childOption(ChannelOption.ALLOCATOR, UnpooledByteBufAllocator.DEFAULT)
                    .childHandler(new HttpChannelInitializer(cfg.maxRequestBytes(), cfg.maxConnections(),
                            cfg.requestTimeoutSeconds(), new HttpApiHandler(pages, token)));
            Channel ch = b.bind(new InetSocketAddress(cfg.bind(), cfg.port())).sync().channel();
            started = true;
            HttpServer server = new HttpServer(boss, workers, ch);
            log.info("status pages on http://{}:{}/ (healthz, readyz, metrics, api/status){}", cfg.bind(), server.port(),
                    token == null ? "" : "; token required beyond health checks");
            return server;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting the HTTP server", e);
        } catch (Exception e) { // Netty rethrows bind failures (a checked java.net.BindException) unchecked
            throw new HttpServerException("http: cannot listen on " + cfg.bind() + ":" + cfg.port() + ": " + e.getMessage()
                    + " (is another program using the port? change http.port)", e);
        } finally {
            if (!started) {
                shutdown(boss, workers);
            }
        }
    }

    /** Reads and checks the token file (null when none is configured); also used by {@code run --check}. */
    public static String readToken(HttpConfig cfg) {
        if (cfg.tokenFile() == null) {
            return null;
        }
        try {
            String t = Files.readString(cfg.tokenFile(), StandardCharsets.UTF_8).strip();
            if (t.length() < 16) {
                throw new HttpServerException("http.token_file: " + cfg.tokenFile() + " holds a token of " + t.length()
                        + " characters; use at least 16 (e.g. openssl rand -hex 32 > " + cfg.tokenFile() + ")");
            }
            return t;
        } catch (IOException e) {
            throw new HttpServerException("http.token_file: cannot read " + cfg.tokenFile() + ": " + e.getMessage(), e);
        }
    }

    public int port() {
        return ((InetSocketAddress) channel.localAddress()).getPort();
    }

    @Override
    public void close() {
        try {
            channel.close().syncUninterruptibly();
        } finally {
            shutdown(boss, workers);
        }
    }

    private static void shutdown(EventLoopGroup boss, EventLoopGroup workers) {
        boss.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
