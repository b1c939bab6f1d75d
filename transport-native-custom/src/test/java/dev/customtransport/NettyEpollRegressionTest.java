package dev.customtransport;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.ChannelInputShutdownReadComplete;
import io.netty.channel.socket.DuplexChannel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Failures Netty's epoll transport had in 2026, each pinned in both readiness modes; the test names carry the
 * advisory or issue. A loop that spins shows as wait calls: an idle loop makes about one per second (the
 * missed-wakeup bound), a spinning one thousands.
 */
class NettyEpollRegressionTest {
    /** Waits an idle loop may make in the observation window, with room for a wakeup or two. */
    private static final long IDLE_WAITS = 10;
    private static final long WINDOW_MILLIS = 500;

    private CustomEventLoopGroup group;

    @AfterEach
    void tearDown() throws Exception {
        if (group != null) {
            group.shutdownGracefully(0, 5, TimeUnit.SECONDS).sync();
        }
    }

    private static long waits(EventLoop loop) throws Exception {
        CustomEventLoop l = (CustomEventLoop) loop;
        return l.submit(() -> l.counters().waits()).get(10, TimeUnit.SECONDS);
    }

    private static long waitsOver(EventLoop loop, long millis) throws Exception {
        long before = waits(loop);
        Thread.sleep(millis);
        return waits(loop) - before;
    }

    /**
     * CVE-2026-42577 (netty/netty#16683): a half-closed connection whose peer then resets it, while the channel
     * wants nothing (input shut, nothing to write), kept an fd with an empty interest in epoll, which still reports
     * HUP/ERR: 100% CPU. Here an empty interest removes the fd (level-triggered), and an edge comes once
     * (edge-triggered).
     */
    @ParameterizedTest
    @EnumSource(ReadinessMode.class)
    void cve2026_42577_resetAfterHalfClosureWithEmptyInterestDoesNotSpin(ReadinessMode mode) throws Exception {
        group = new CustomEventLoopGroup(1, mode);
        CompletableFuture<Channel> accepted = new CompletableFuture<>();
        CountDownLatch inputShut = new CountDownLatch(1);
        Channel server = new ServerBootstrap().group(group).channel(CustomServerSocketChannel.class)
                .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .childOption(ChannelOption.AUTO_READ, true)
                .childHandler(new ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelActive(ChannelHandlerContext ctx) {
                        accepted.complete(ctx.channel());
                    }

                    @Override
                    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
                        if (evt == ChannelInputShutdownReadComplete.INSTANCE) {
                            // Stop reading too: the channel now wants nothing from the kernel.
                            ctx.channel().config().setAutoRead(false);
                            inputShut.countDown();
                        }
                    }
                }).bind(InetAddress.getLoopbackAddress(), 0).sync().channel();
        Channel client = new Bootstrap().group(group).channel(CustomSocketChannel.class)
                .option(ChannelOption.SO_LINGER, 0)
                .handler(new ChannelInboundHandlerAdapter()).connect(server.localAddress()).sync().channel();
        Channel child = accepted.get(10, TimeUnit.SECONDS);
        ((DuplexChannel) client).shutdownOutput().sync();
        assertTrue(inputShut.await(10, TimeUnit.SECONDS), "the server never saw the half-closure");
        client.close().sync(); // SO_LINGER 0: a reset
        long waits = waitsOver(child.eventLoop(), WINDOW_MILLIS);
        assertTrue(waits <= IDLE_WAITS, mode + ": " + waits + " waits in " + WINDOW_MILLIS + " ms after the reset");
        child.close().sync();
    }

    /**
     * netty/netty#16240: a server channel registered but not yet bound is a socket that reports EPOLLHUP forever if
     * polled; Netty added the fd at registration and spun. Ours is polled only once it listens.
     */
    @ParameterizedTest
    @EnumSource(ReadinessMode.class)
    void netty16240_serverRegisteredBeforeBindGetsNoHupSpin(ReadinessMode mode) throws Exception {
        group = new CustomEventLoopGroup(1, mode);
        CustomServerSocketChannel server = new CustomServerSocketChannel();
        group.register(server).sync();
        long waits = waitsOver(server.eventLoop(), WINDOW_MILLIS);
        assertTrue(waits <= IDLE_WAITS, mode + ": " + waits + " waits while registered and unbound");
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).sync();
        assertTrue(server.isActive());
        server.close().sync();
    }

    /**
     * netty/netty#15922: a loop shut down while other threads keep submitting tasks and waking it must still
     * terminate (a racy wakeup kept Netty's epoll loop from it). Tasks that arrive after the shutdown may be refused.
     */
    @ParameterizedTest
    @EnumSource(ReadinessMode.class)
    void netty15922_shutdownWhileOtherThreadsSubmitAndWakeFinishes(ReadinessMode mode) throws Exception {
        CustomEventLoopGroup g = new CustomEventLoopGroup(1, mode);
        EventLoop loop = g.next();
        AtomicBoolean stop = new AtomicBoolean();
        List<Thread> producers = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            Thread t = new Thread(() -> {
                while (!stop.get()) {
                    try {
                        loop.execute(() -> { });
                    } catch (RejectedExecutionException e) {
                        return; // shut down: refusing is allowed, hanging is not
                    }
                    // A pause between tasks, so the loop keeps going to sleep and being woken (the race of
                    // netty#15922); an unpaced flood would only show that a draining queue never empties.
                    LockSupport.parkNanos(20_000);
                }
            }, "producer-" + i);
            t.start();
            producers.add(t);
        }
        Thread.sleep(100);
        g.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        boolean terminated = g.awaitTermination(10, TimeUnit.SECONDS);
        stop.set(true);
        for (Thread t : producers) {
            t.join(TimeUnit.SECONDS.toMillis(10));
        }
        assertTrue(terminated, mode + ": the loop did not terminate while producers kept it busy");
    }
}
