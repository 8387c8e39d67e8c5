package io.ssmedge.agent.mqtt;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.util.concurrent.DefaultThreadFactory;

import java.util.concurrent.TimeUnit;

/**
 * One Netty event-loop thread for one or more {@link NettyConnection}s, shut down when the last of them closes.
 *
 * <p>Why share it: the agent's sensor input and prediction output each woke a thread of their own for every read,
 * and on a 2-core gateway a thread's sleep and wake-up costs more than the work it wakes for (issue #12,
 * BENCHMARKS.md "eighth session"). On one thread, a wake-up for a read of sensor messages also writes the
 * predictions queued meanwhile and reads the broker's PUBACKs. Only safe where nothing on that thread waits for the
 * other connection: the input must never block. With workers.overflow: block it would wait for the worker, the worker
 * for the output window, and that window for PUBACKs only this thread reads; so the input does not wait for a full
 * worker queue but pauses reading ({@link MessageHandler#offer}, {@code NettyConnection.Session#resume}).
 */
final class MqttEventLoop {
    private final EventLoopGroup group;
    private int users;       // guarded by this: connections using the loop and not closed yet
    private volatile boolean shared; // a second connection joined (read at every read of a publishing connection)

    /** A loop whose thread is called {@code threadName}, with one user (the connection making it). */
    MqttEventLoop(String threadName) {
        this.group = new NioEventLoopGroup(1, new DefaultThreadFactory(threadName, true));
        this.users = 1;
    }

    EventLoopGroup group() {
        return group;
    }

    /** Another connection uses this loop from now on; its thread is renamed {@code threadName}. */
    synchronized MqttEventLoop join(String threadName) {
        if (users == 0) {
            throw new IllegalStateException("the MQTT event loop was shut down (its connections are closed)");
        }
        users++;
        shared = true;
        group.execute(() -> Thread.currentThread().setName(threadName));
        return this;
    }

    /** True once a second connection has joined. */
    boolean shared() {
        return shared;
    }

    /** A connection closed: the last one shuts the thread down (waiting at most 3 s for it). */
    void leave() {
        synchronized (this) {
            if (users == 0 || --users > 0) {
                return;
            }
        }
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(3000);
    }
}
