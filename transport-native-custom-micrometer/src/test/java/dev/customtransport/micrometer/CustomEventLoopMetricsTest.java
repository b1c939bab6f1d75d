package dev.customtransport.micrometer;

import dev.customtransport.CustomEventLoopGroup;
import dev.customtransport.CustomIoHandler;
import dev.customtransport.CustomServerSocketChannel;
import dev.customtransport.CustomSocketChannel;
import dev.customtransport.ReadinessMode;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.TimeGauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.util.concurrent.AutoScalingEventExecutorChooserFactory;
import io.netty.util.concurrent.EventExecutor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The meters move under an echo load, for a plain {@code MultiThreadIoEventLoopGroup} over our factory (the form
 * frameworks use) and for a {@link CustomEventLoopGroup}; the lag shows a loop blocked by a task. Nothing here
 * asserts a speed: only that what happened is counted.
 */
class CustomEventLoopMetricsTest {
    private static final Duration PROBE = Duration.ofMillis(20);
    private final List<EventLoopGroup> groups = new ArrayList<>();
    private final List<CustomEventLoopMetrics> metrics = new ArrayList<>();

    @AfterEach
    void tearDown() throws Exception {
        metrics.forEach(CustomEventLoopMetrics::close);
        for (EventLoopGroup g : groups) {
            g.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS).sync();
        }
    }

    private <G extends EventLoopGroup> G group(G g) {
        groups.add(g);
        return g;
    }

    private void bind(MeterRegistry registry, EventLoopGroup group, String name) {
        CustomEventLoopMetrics m = new CustomEventLoopMetrics(group, name, Tags.of("app", "test"), PROBE);
        metrics.add(m);
        m.bindTo(registry);
    }

    @Test
    void metersMoveUnderAnEchoLoad() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        EventLoopGroup server = group(new MultiThreadIoEventLoopGroup(2,
                CustomIoHandler.newFactory(ReadinessMode.EDGE_TRIGGERED)));
        EventLoopGroup client = group(new CustomEventLoopGroup(1));
        bind(registry, server, "server");
        bind(registry, client, "client");

        echo(server, client, 2000);

        // The probes publish what the loops counted once per interval: wait for the echo to show.
        awaitTrue(() -> sum(registry, "customtransport.loop.events", "client") >= 2000, registry);
        awaitTrue(() -> sum(registry, "customtransport.loop.events", "server") >= 2000, registry);
        for (String g : new String[] {"server", "client"}) {
            assertTrue(sum(registry, "customtransport.loop.waits", g) > 0, g);
            assertTrue(sum(registry, "customtransport.loop.wakeups.written", g) > 0, g);
            assertTrue(registry.find("customtransport.loop.poller.changes").tags("group", g, "operation", "add")
                    .functionCounters().stream().mapToDouble(FunctionCounter::count).sum() > 0, g);
            for (Gauge ratio : registry.find("customtransport.loop.io.ratio").tag("group", g).gauges()) {
                awaitTrue(() -> !Double.isNaN(ratio.value()), registry); // after two probes
                assertTrue(ratio.value() >= 0 && ratio.value() <= 1, ratio.getId() + " " + ratio.value());
            }
            for (Timer lag : registry.find("customtransport.loop.lag").tag("group", g).timers()) {
                awaitTrue(() -> lag.count() >= 2, registry);
            }
        }
        // The accepting loop and the client's loop each hold a channel while the connection lives.
        awaitTrue(() -> sum(registry, "customtransport.loop.channels", "server") >= 2, registry);
        assertEquals(1, sum(registry, "customtransport.loop.channels", "client"));
        // Only a CustomEventLoopGroup's loops count their tasks.
        assertTrue(sum(registry, "customtransport.loop.tasks.completed", "client") > 0);
        assertNull(registry.find("customtransport.loop.tasks.completed").tag("group", "server").meter());

        // Every loop is there, with its tags.
        List<Meter.Id> waits = registry.find("customtransport.loop.waits").meters().stream().map(Meter::getId)
                .collect(Collectors.toList());
        assertEquals(3, waits.size(), waits.toString());
        assertTrue(waits.stream().anyMatch(id -> "server".equals(id.getTag("group")) && "1".equals(id.getTag("loop"))
                && "edge-triggered".equals(id.getTag("readiness")) && "test".equals(id.getTag("app"))), waits.toString());
        assertTrue(waits.stream().anyMatch(id -> "client".equals(id.getTag("group")) && "0".equals(id.getTag("loop"))
                && "level-triggered".equals(id.getTag("readiness"))), waits.toString());
        System.out.println("[meters] " + describe(registry, "server"));
    }

    @Test
    void lagShowsALoopBlockedByATask() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        EventLoopGroup group = group(new MultiThreadIoEventLoopGroup(1, CustomIoHandler.newFactory()));
        bind(registry, group, "blocked");
        Timer lag = registry.find("customtransport.loop.lag").timer();
        TimeGauge current = registry.find("customtransport.loop.lag.current").timeGauge();
        awaitTrue(() -> lag.count() >= 1, registry);

        CountDownLatch blocked = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        group.execute(() -> {
            blocked.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        assertTrue(blocked.await(30, TimeUnit.SECONDS));
        // While the loop is stuck no probe runs: the pending one grows late, and the gauge says so at once.
        awaitTrue(() -> current.value(TimeUnit.MILLISECONDS) >= 200, registry);
        long before = lag.count();
        release.countDown();
        // The late probe records how late it ran: at least as long as the gauge had already seen.
        awaitTrue(() -> lag.count() > before, registry);
        assertTrue(lag.max(TimeUnit.MILLISECONDS) >= 200, "max lag " + lag.max(TimeUnit.MILLISECONDS) + " ms");
        awaitTrue(() -> current.value(TimeUnit.MILLISECONDS) < 200, registry);
    }

    /**
     * Netty's auto-scaling suspends a loop only when it has no channels and no scheduled task: the probes, submitted
     * from outside, must not keep an idle loop awake (a periodic task scheduled on the loop does), nor wake a
     * suspended one. A suspended loop gives its thread back: the thread ends.
     */
    @Test
    void idleLoopsOfAnAutoScalingGroupStillSuspend() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        EventLoopGroup group = group(new MultiThreadIoEventLoopGroup(2, (Executor) null,
                new AutoScalingEventExecutorChooserFactory(1, 2, 100, TimeUnit.MILLISECONDS, 0.2, 0.9, 2, 2, 1),
                CustomIoHandler.newFactory()));
        List<Thread> threads = new ArrayList<>();
        for (EventExecutor loop : group) {
            threads.add(loop.submit(Thread::currentThread).get()); // both loops start
        }
        bind(registry, group, "scaling");
        awaitTrue(() -> registry.find("customtransport.loop.lag").timers().stream().allMatch(t -> t.count() >= 2),
                registry);
        awaitTrue(() -> threads.stream().anyMatch(t -> !t.isAlive()), registry);
        int index = threads.get(0).isAlive() ? 1 : 0;
        Timer lag = registry.find("customtransport.loop.lag").tag("loop", Integer.toString(index)).timer();
        long count = lag.count();
        Thread.sleep(10 * PROBE.toMillis());
        assertEquals(count, lag.count(), "no probe is submitted to a suspended loop");
    }

    @Test
    void closeStopsTheProbes() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        EventLoopGroup group = group(new CustomEventLoopGroup(1));
        bind(registry, group, "closed");
        Timer lag = registry.find("customtransport.loop.lag").timer();
        awaitTrue(() -> lag.count() >= 2, registry);
        metrics.get(0).close();
        // A probe already running when close() came may still finish; none is scheduled after it.
        Thread.sleep(5 * PROBE.toMillis());
        long stopped = lag.count();
        Thread.sleep(10 * PROBE.toMillis());
        assertEquals(stopped, lag.count());
        assertEquals(0, registry.find("customtransport.loop.lag.current").timeGauge().value());
    }

    @Test
    void loopsOfOtherTransportsAreSkipped() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        bind(registry, group(new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory())), "nio");
        assertTrue(registry.getMeters().isEmpty(), registry.getMetersAsString());
    }

    /** {@code messages} 64-byte echoes from a client in {@code clientGroup} to a server in {@code serverGroup}. */
    private static void echo(EventLoopGroup serverGroup, EventLoopGroup clientGroup, int messages) throws Exception {
        Channel server = new ServerBootstrap().group(serverGroup).channel(CustomServerSocketChannel.class)
                .childHandler(new ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelRead(ChannelHandlerContext ctx, Object msg) {
                        ctx.writeAndFlush(msg);
                    }
                })
                .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
        CountDownLatch done = new CountDownLatch(1);
        byte[] payload = new byte[64];
        Channel client = new Bootstrap().group(clientGroup).channel(CustomSocketChannel.class)
                .handler(new ChannelInboundHandlerAdapter() {
                    private int received;
                    private int sent = 1;

                    @Override
                    public void channelRead(ChannelHandlerContext ctx, Object msg) {
                        received += ((ByteBuf) msg).readableBytes();
                        ((ByteBuf) msg).release();
                        // One message in flight at a time: every echo is a read on each side.
                        if (received == sent * payload.length) {
                            if (sent == messages) {
                                done.countDown();
                            } else {
                                sent++;
                                ctx.writeAndFlush(Unpooled.wrappedBuffer(payload));
                            }
                        }
                    }
                })
                .connect(server.localAddress()).sync().channel();
        client.writeAndFlush(Unpooled.wrappedBuffer(payload));
        assertTrue(done.await(60, TimeUnit.SECONDS), "every echo came back");
    }

    private static double sum(MeterRegistry registry, String name, String group) {
        double total = 0;
        for (Meter m : registry.find(name).tag("group", group).meters()) {
            total += m.measure().iterator().next().getValue();
        }
        return total;
    }

    private static String describe(MeterRegistry registry, String group) {
        return registry.getMeters().stream().filter(m -> group.equals(m.getId().getTag("group")))
                .map(m -> m.getId().getName() + "{loop=" + m.getId().getTag("loop")
                        + (m.getId().getTag("operation") == null ? "" : ",operation=" + m.getId().getTag("operation"))
                        + "} " + m.measure())
                .sorted().collect(Collectors.joining("\n  ", "\n  ", ""));
    }

    private static void awaitTrue(BooleanSupplier condition, SimpleMeterRegistry registry) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not reached within 30 s; meters:\n" + registry.getMetersAsString());
            }
            Thread.sleep(5);
        }
    }
}
