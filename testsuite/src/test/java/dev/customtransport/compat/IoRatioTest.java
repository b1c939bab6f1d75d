package dev.customtransport.compat;

import dev.customtransport.CustomIoHandler;
import dev.customtransport.CustomServerSocketChannel;
import dev.customtransport.CustomSocketChannel;
import dev.customtransport.ReadinessMode;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.IoHandle;
import io.netty.channel.IoHandler;
import io.netty.channel.IoHandlerContext;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.IoRegistration;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SingleThreadIoEventLoop;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.net.InetAddress;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Netty 4.2.19 moved the I/O ratio into {@code SingleThreadIoEventLoop}: with a ratio below 100 the loop gives
 * tasks a time budget derived from the active I/O time its handler reports. On our loops, {@code setIoRatio} takes,
 * and our handler then reports its I/O time (it reported none while the ratio was 100 and nothing else asked).
 */
class IoRatioTest {

    @ParameterizedTest
    @EnumSource(ReadinessMode.class)
    void setIoRatioMakesOurHandlerReportItsActiveIoTime(ReadinessMode mode) throws Exception {
        AtomicLong reports = new AtomicLong();
        AtomicLong reportedNanos = new AtomicLong();
        IoHandlerFactory ours = CustomIoHandler.newFactory(mode);
        MultiThreadIoEventLoopGroup group = new MultiThreadIoEventLoopGroup(1,
                executor -> new ReportRecordingHandler(ours.newHandler(executor), reports, reportedNanos));
        try {
            SingleThreadIoEventLoop loop = (SingleThreadIoEventLoop) group.next();
            assertEquals(100, loop.getIoRatio());
            Channel server = new ServerBootstrap().group(group).channel(CustomServerSocketChannel.class)
                    .childHandler(new ChannelInboundHandlerAdapter() {
                        @Override
                        public void channelRead(ChannelHandlerContext ctx, Object msg) {
                            ctx.writeAndFlush(msg);
                        }
                    }).bind(InetAddress.getLoopbackAddress(), 0).sync().channel();
            LinkedBlockingQueue<ByteBuf> echoes = new LinkedBlockingQueue<>();
            Channel client = new Bootstrap().group(group).channel(CustomSocketChannel.class)
                    .handler(new ChannelInboundHandlerAdapter() {
                        @Override
                        public void channelRead(ChannelHandlerContext ctx, Object msg) {
                            echoes.add((ByteBuf) msg);
                        }
                    }).connect(server.localAddress()).sync().channel();
            roundTrips(client, echoes, 20);
            assertEquals(0, reports.get(), "reported I/O time nobody asked for");

            loop.setIoRatio(50);
            assertEquals(50, loop.getIoRatio());
            roundTrips(client, echoes, 200);
            assertTrue(reports.get() > 0, "no active I/O time reported with ioRatio 50");
            assertTrue(reportedNanos.get() > 0, "reported I/O time is zero");
            client.close().sync();
            server.close().sync();
        } finally {
            group.shutdownGracefully(0, 5, TimeUnit.SECONDS).sync();
        }
    }

    private static void roundTrips(Channel client, LinkedBlockingQueue<ByteBuf> echoes, int n) throws Exception {
        for (int i = 0; i < n; i++) {
            client.writeAndFlush(Unpooled.copyInt(i)).sync();
            int got = 0;
            while (got < 4) {
                ByteBuf b = echoes.poll(10, TimeUnit.SECONDS);
                assertNotNull(b, "no echo");
                got += b.readableBytes();
                b.release();
            }
        }
    }

    /** Our handler, with its loop's context wrapped to count what it reports. */
    private static final class ReportRecordingHandler implements IoHandler {
        private final IoHandler delegate;
        private final AtomicLong reports;
        private final AtomicLong reportedNanos;

        ReportRecordingHandler(IoHandler delegate, AtomicLong reports, AtomicLong reportedNanos) {
            this.delegate = delegate;
            this.reports = reports;
            this.reportedNanos = reportedNanos;
        }

        @Override
        public void initialize() {
            delegate.initialize();
        }

        @Override
        public int run(IoHandlerContext context) {
            return delegate.run(new IoHandlerContext() {
                @Override
                public boolean canBlock() {
                    return context.canBlock();
                }

                @Override
                public long delayNanos(long currentTimeNanos) {
                    return context.delayNanos(currentTimeNanos);
                }

                @Override
                public long deadlineNanos() {
                    return context.deadlineNanos();
                }

                @Override
                public boolean shouldReportActiveIoTime() {
                    return context.shouldReportActiveIoTime();
                }

                @Override
                public void reportActiveIoTime(long activeNanos) {
                    reports.incrementAndGet();
                    reportedNanos.addAndGet(activeNanos);
                    context.reportActiveIoTime(activeNanos);
                }
            });
        }

        @Override
        public void prepareToDestroy() {
            delegate.prepareToDestroy();
        }

        @Override
        public void destroy() {
            delegate.destroy();
        }

        @Override
        public IoRegistration register(IoHandle handle) throws Exception {
            return delegate.register(handle);
        }

        @Override
        public void wakeup() {
            delegate.wakeup();
        }

        @Override
        public boolean isCompatible(Class<? extends IoHandle> handleType) {
            return delegate.isCompatible(handleType);
        }
    }
}
