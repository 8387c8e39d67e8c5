package io.ssmedge.agent.http;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.ssmedge.agent.command.Command;
import io.ssmedge.agent.command.CommandName;
import io.ssmedge.agent.command.CommandResult;
import io.ssmedge.agent.logging.LogThrottle;
import io.ssmedge.agent.metrics.MetricsExposition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Optional;

/**
 * Answers GET / (the dashboard and its files under /assets/), /healthz, /readyz, /metrics, /api/status and
 * /api/history, and POST /api/commands/{name} (pause, resume, rollback,
 * retry-stage, rerun-gates, reload-model, reset-stream?stream=ID). With a token configured, everything beyond the
 * two health checks needs {@code Authorization: Bearer TOKEN}. Shared by all connections (stateless).
 */
@ChannelHandler.Sharable
final class HttpApiHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    private static final com.fasterxml.jackson.databind.ObjectMapper MAPPER =
            new com.fasterxml.jackson.databind.ObjectMapper();
    private static final Logger log = LoggerFactory.getLogger(HttpApiHandler.class);
    private static final String TEXT = "text/plain; charset=utf-8";
    private static final String JSON = "application/json";
    private static final String COMMANDS = "/api/commands/";

    private final LogThrottle failures = new LogThrottle(Duration.ofSeconds(60));
    private final StatusPages pages;
    private final byte[] token; // null = no token needed
    private final io.ssmedge.agent.dashboard.DashboardAssets dashboard;

    HttpApiHandler(StatusPages pages, String token) {
        this.pages = pages;
        this.token = token == null ? null : ("Bearer " + token).getBytes(StandardCharsets.UTF_8);
        this.dashboard = io.ssmedge.agent.dashboard.DashboardAssets.load();
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
        if (!req.decoderResult().isSuccess()) {
            send(ctx, req, HttpResponseStatus.BAD_REQUEST, TEXT, "bad request\n");
            return;
        }
        QueryStringDecoder query = new QueryStringDecoder(req.uri());
        String path = query.path();
        if (path.startsWith(COMMANDS)) {
            command(ctx, req, query);
            return;
        }
        if (!HttpMethod.GET.equals(req.method()) && !HttpMethod.HEAD.equals(req.method())) {
            send(ctx, req, HttpResponseStatus.METHOD_NOT_ALLOWED, TEXT, "only GET is supported here (commands: POST "
                    + COMMANDS + "NAME)\n");
            return;
        }
        switch (path) {
            case "/healthz":
                send(ctx, req, HttpResponseStatus.OK, TEXT, "ok\n");
                return;
            case "/readyz":
                if (pages.ready()) {
                    send(ctx, req, HttpResponseStatus.OK, TEXT, "ready\n");
                } else {
                    send(ctx, req, HttpResponseStatus.SERVICE_UNAVAILABLE, TEXT, "not ready: " + pages.readiness() + "\n");
                }
                return;
            default:
                break;
        }
        // the dashboard's page and files hold no data (it asks for the token and then reads /api/*), so they need none
        io.ssmedge.agent.dashboard.DashboardAssets.Asset asset = dashboard.get(path);
        if (asset != null) {
            FullHttpResponse r = response(HttpResponseStatus.OK, asset.contentType(), asset.body());
            r.headers().set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self' "
                    + "'unsafe-inline'; frame-ancestors 'none'"); // nothing from elsewhere, even by mistake
            r.headers().set("X-Content-Type-Options", "nosniff");
            write(ctx, req, r);
            return;
        }
        if (!authorized(req)) {
            unauthorized(ctx, req);
            return;
        }
        switch (path) {
            case "/metrics":
                MetricsExposition m = pages.metrics(req.headers().get(HttpHeaderNames.ACCEPT));
                write(ctx, req, response(HttpResponseStatus.OK, m.contentType(), m.body()));
                return;
            case "/api/status":
                write(ctx, req, response(HttpResponseStatus.OK, JSON, query.parameters().isEmpty() ? pages.statusJson()
                        : pages.statusJson(firstValues(query))));
                return;
            case "/api/history":
                write(ctx, req, response(HttpResponseStatus.OK, JSON, pages.historyJson(since(query))));
                return;
            default:
                send(ctx, req, HttpResponseStatus.NOT_FOUND, TEXT, "no page " + path
                        + "; pages: / (dashboard) /healthz /readyz /metrics /api/status /api/history\n");
        }
    }

    private static java.util.Map<String, String> firstValues(QueryStringDecoder query) {
        java.util.Map<String, String> m = new java.util.LinkedHashMap<>();
        query.parameters().forEach((k, v) -> {
            if (!v.isEmpty()) {
                m.put(k, v.get(0));
            }
        });
        return m;
    }

    /** {@code since} in ms since 1970; anything unreadable counts as 0 (everything). */
    private static long since(QueryStringDecoder query) {
        try {
            return Long.parseLong(firstValues(query).getOrDefault("since", "0"));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** POST /api/commands/{name}?arg=value: 200 when carried out, 409 when refused, 404 for an unknown name. */
    private void command(ChannelHandlerContext ctx, FullHttpRequest req, QueryStringDecoder query) {
        if (!authorized(req)) {
            unauthorized(ctx, req);
            return;
        }
        if (!HttpMethod.POST.equals(req.method())) {
            send(ctx, req, HttpResponseStatus.METHOD_NOT_ALLOWED, TEXT, "commands need POST\n");
            return;
        }
        String wire = query.path().substring(COMMANDS.length());
        Optional<CommandName> name = CommandName.parse(wire);
        if (name.isEmpty()) {
            send(ctx, req, HttpResponseStatus.NOT_FOUND, TEXT, "no command '" + wire + "'; commands: "
                    + String.join(", ", java.util.Arrays.stream(CommandName.values()).map(CommandName::wire).toList())
                    + "\n");
            return;
        }
        java.util.Map<String, String> args = firstValues(query);
        CommandResult r = pages.commands().dispatch(new Command(name.get(), args, "http"));
        String body = "{\"command\":" + jsonString(name.get().wire()) + ",\"accepted\":" + r.accepted()
                + ",\"message\":" + jsonString(r.message()) + "}\n";
        send(ctx, req, r.accepted() ? HttpResponseStatus.OK : HttpResponseStatus.CONFLICT, JSON, body);
    }

    private static String jsonString(String s) {
        try {
            return MAPPER.writeValueAsString(s);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e); // a String always serializes
        }
    }

    private static void unauthorized(ChannelHandlerContext ctx, FullHttpRequest req) {
        FullHttpResponse r = response(HttpResponseStatus.UNAUTHORIZED, TEXT,
                "this page needs the header 'Authorization: Bearer TOKEN' (the token is in http.token_file)\n"
                        .getBytes(StandardCharsets.UTF_8));
        r.headers().set(HttpHeaderNames.WWW_AUTHENTICATE, "Bearer");
        write(ctx, req, r);
    }

    private boolean authorized(FullHttpRequest req) {
        if (token == null) {
            return true;
        }
        String h = req.headers().get(HttpHeaderNames.AUTHORIZATION);
        return h != null && MessageDigest.isEqual(token, h.getBytes(StandardCharsets.UTF_8)); // constant time
    }

    private static void send(ChannelHandlerContext ctx, FullHttpRequest req, HttpResponseStatus status, String type,
                             String body) {
        write(ctx, req, response(status, type, body.getBytes(StandardCharsets.UTF_8)));
    }

    private static FullHttpResponse response(HttpResponseStatus status, String type, byte[] body) {
        return response(HttpVersion.HTTP_1_1, status, type, body);
    }

    /** A response in the request's protocol version (an HTTP/1.0 client gets an HTTP/1.0 status line). */
    private static FullHttpResponse response(HttpVersion version, HttpResponseStatus status, String type, byte[] body) {
        FullHttpResponse r = new DefaultFullHttpResponse(version, status, Unpooled.wrappedBuffer(body));
        r.headers().set(HttpHeaderNames.CONTENT_TYPE, type);
        r.headers().set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_STORE);
        HttpUtil.setContentLength(r, body.length);
        return r;
    }

    private static void write(ChannelHandlerContext ctx, FullHttpRequest req, FullHttpResponse r) {
        if (HttpMethod.HEAD.equals(req.method())) {
            r.content().clear();
        }
        if (HttpVersion.HTTP_1_0.equals(req.protocolVersion())) {
            r.setProtocolVersion(HttpVersion.HTTP_1_0);
        }
        ctx.writeAndFlush(r); // HttpServerKeepAliveHandler closes connections that asked for it
    }

    /**
     * A connection failed (reset, timed out, bad TLS …). Anyone who can reach the port can cause this, so it is
     * logged at debug level, plus at most one warning per minute with the number since the last one.
     */
    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("HTTP connection from {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
        failures.warn(log, "HTTP connection from " + ctx.channel().remoteAddress() + " failed: " + cause);
        ctx.close();
    }
}
