package dev.customtransport;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.util.concurrent.EventExecutor;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link CustomIoHandler#of} under any group, and {@link CustomIoHandler#dump} of a live and of a stuck loop. */
class LoopDumpTest {

    @Test
    void ofFindsTheHandlerOfOurLoopsOnly() throws Exception {
        EventLoopGroup plain = new MultiThreadIoEventLoopGroup(2, CustomIoHandler.newFactory());
        CustomEventLoopGroup ours = new CustomEventLoopGroup(1);
        EventLoopGroup nio = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        try {
            for (EventExecutor loop : plain) {
                assertNotNull(CustomIoHandler.of(loop), loop.toString());
            }
            CustomEventLoop loop = (CustomEventLoop) ours.next();
            assertSame(loop.handler(), CustomIoHandler.of(loop));
            assertNull(CustomIoHandler.of(nio.next()));
        } finally {
            plain.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS).sync();
            ours.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS).sync();
            nio.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS).sync();
        }
        // A loop that is gone leaves nothing behind: its handler is no longer found.
        assertNull(CustomIoHandler.of(plain.next()));
    }

    @Test
    void dumpNamesEveryRegisteredChannelWithItsState() throws Exception {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, CustomIoHandler.newFactory(ReadinessMode.EDGE_TRIGGERED));
        try {
            Channel server = new ServerBootstrap().group(group).channel(CustomServerSocketChannel.class)
                    .childHandler(new ChannelInboundHandlerAdapter())
                    .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
            Channel client = new Bootstrap().group(group).channel(CustomSocketChannel.class)
                    .handler(new ChannelInboundHandlerAdapter())
                    .connect(server.localAddress()).sync().channel();
            CustomIoHandler handler = CustomIoHandler.of(group.next());
            String dump = handler.dump(Duration.ofSeconds(30));
            while (!dump.contains("registered channels: 3")) { // the accepted side registers a moment later
                Thread.sleep(10);
                dump = handler.dump(Duration.ofSeconds(30));
            }
            System.out.println("[dump]\n" + dump);
            assertTrue(dump.contains("answered after"), dump);
            int serverFd = ((AbstractCustomChannel) server).fd().intValue();
            int clientFd = ((AbstractCustomChannel) client).fd().intValue();
            assertTrue(dump.contains("  fd " + serverFd + "  CustomServerSocketChannel " + server), dump);
            assertTrue(dump.contains("  fd " + clientFd + "  CustomSocketChannel " + client), dump);
            assertTrue(dump.contains("edge-triggered; kernel has IN|OUT|RDHUP|ET; ready queue: no"), dump);
            assertTrue(dump.contains("counters: LoopCounters(waits="), dump);
        } finally {
            group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS).sync();
        }
    }

    @Test
    void aStuckLoopIsDescribedFromOutsideWithItsStack() throws Exception {
        CustomEventLoopGroup group = new CustomEventLoopGroup(1);
        CountDownLatch stuck = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        try {
            CustomEventLoop loop = (CustomEventLoop) group.next();
            loop.execute(() -> {
                stuck.countDown();
                awaitRelease(release);
            });
            assertTrue(stuck.await(30, TimeUnit.SECONDS));
            String dump = loop.handler().dump(Duration.ofMillis(200));
            System.out.println("[dump]\n" + dump);
            assertTrue(dump.contains("did not answer within 200 ms: it is busy or stuck"), dump);
            assertTrue(dump.contains("(WAITING)"), dump);
            assertTrue(dump.contains("pending tasks: 1"), "the dump's own task waits: " + dump);
            assertTrue(dump.contains("LoopDumpTest.awaitRelease"), "the loop thread's stack: " + dump);
        } finally {
            release.countDown();
            group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS).sync();
        }
        assertTrue(group.next().isTerminated());
    }

    private static void awaitRelease(CountDownLatch release) {
        try {
            release.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
