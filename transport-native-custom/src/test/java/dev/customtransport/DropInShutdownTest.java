package dev.customtransport;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.internal.logging.InternalLoggerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Shutdown with open channels in the form frameworks use, {@code new MultiThreadIoEventLoopGroup(factory)}, not our
 * own group: a server and a client whose client closes, then {@code shutdownGracefully(0, 1, SECONDS)} at once.
 * Every channel must be closed, see channelInactive and channelUnregistered exactly once each, and Netty must log no
 * rejected task (which it does when a close queues its deregistration on a loop that takes no more tasks).
 */
class DropInShutdownTest {
    private static final int RUNS = 50;
    private static final String THREAD_PREFIX = "drop-in-shutdown";

    private volatile String testThread;

    private final Logger nettyLogger = Logger.getLogger("io.netty");
    private final List<String> warnings = new ArrayList<>();
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord record) {
            // Only this test's loops and the test thread: an earlier test class's group may still log as it ends.
            String thread = Thread.currentThread().getName();
            boolean ours = thread.startsWith(THREAD_PREFIX) || thread.equals(testThread);
            if (ours && record.getLevel().intValue() >= Level.WARNING.intValue()) {
                synchronized (warnings) {
                    warnings.add(record.getLoggerName() + ": " + record.getMessage());
                }
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @BeforeEach
    void captureNettyWarnings() {
        // Netty logs through java.util.logging here (no SLF4J on this module's test class path).
        assertEquals("JdkLoggerFactory", InternalLoggerFactory.getDefaultFactory().getClass().getSimpleName());
        testThread = Thread.currentThread().getName();
        nettyLogger.addHandler(capture);
    }

    @AfterEach
    void stopCapturing() {
        nettyLogger.removeHandler(capture);
    }

    /** Counts the lifecycle events of every channel it is added to. */
    static final class Lifecycle extends ChannelInboundHandlerAdapter {
        final ConcurrentLinkedQueue<String> problems;
        final AtomicInteger inactive = new AtomicInteger();
        final AtomicInteger unregistered = new AtomicInteger();
        final CountDownLatch done = new CountDownLatch(1);

        Lifecycle(ConcurrentLinkedQueue<String> problems) {
            this.problems = problems;
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) throws Exception {
            if (inactive.incrementAndGet() != 1) {
                problems.add("channelInactive twice on " + ctx.channel());
            }
            super.channelInactive(ctx);
        }

        @Override
        public void channelUnregistered(ChannelHandlerContext ctx) throws Exception {
            if (unregistered.incrementAndGet() != 1) {
                problems.add("channelUnregistered twice on " + ctx.channel());
            }
            done.countDown();
            super.channelUnregistered(ctx);
        }
    }

    @ParameterizedTest
    @EnumSource(ReadinessMode.class)
    void everyChannelClosesOnceWithoutRejectedTasks(ReadinessMode mode) throws Exception {
        ConcurrentLinkedQueue<String> problems = new ConcurrentLinkedQueue<>();
        for (int run = 0; run < RUNS; run++) {
            EventLoopGroup group = new MultiThreadIoEventLoopGroup(0, new DefaultThreadFactory(THREAD_PREFIX),
                    CustomIoHandler.newFactory(mode));
            List<Lifecycle> lifecycles = new ArrayList<>();
            List<Channel> channels = new ArrayList<>();
            CountDownLatch accepted = new CountDownLatch(1);
            Lifecycle serverSide = new Lifecycle(problems);
            Lifecycle child = new Lifecycle(problems);
            Lifecycle client = new Lifecycle(problems);
            lifecycles.add(serverSide);
            lifecycles.add(child);
            lifecycles.add(client);
            Channel server = new ServerBootstrap().group(group).channel(CustomServerSocketChannel.class)
                    .handler(serverSide)
                    .childHandler(new ChannelInitializer<Channel>() {
                        @Override
                        protected void initChannel(Channel ch) {
                            ch.pipeline().addLast(child);
                            channels.add(ch);
                            accepted.countDown();
                        }
                    }).bind(InetAddress.getLoopbackAddress(), 0).sync().channel();
            Channel c = new Bootstrap().group(group).channel(CustomSocketChannel.class).handler(client)
                    .connect(server.localAddress()).sync().channel();
            assertTrue(accepted.await(10, TimeUnit.SECONDS));
            // The acceptor adds a listener to the child's registration after the child's loop registered it; a
            // shutdown that ends that loop first would have Netty reject the listener's notification (as with any
            // transport). The scenario starts once the accept is done.
            server.eventLoop().submit(() -> { }).sync();
            channels.add(server);
            channels.add(c);
            c.close();
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            assertTrue(group.awaitTermination(10, TimeUnit.SECONDS), "the group did not terminate");
            for (Channel ch : channels) {
                if (ch.isOpen()) {
                    problems.add("run " + run + ": " + ch + " still open");
                }
            }
            for (Lifecycle l : lifecycles) {
                if (l.inactive.get() != 1) {
                    problems.add("run " + run + ": channelInactive " + l.inactive.get() + " times");
                }
                if (l.unregistered.get() != 1) {
                    problems.add("run " + run + ": channelUnregistered " + l.unregistered.get() + " times");
                }
            }
        }
        synchronized (warnings) {
            assertEquals(List.of(), warnings, "Netty logged warnings during shutdown");
        }
        assertEquals(List.of(), new ArrayList<>(problems));
    }
}
