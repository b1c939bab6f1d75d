package dev.customtransport.microbench;

import dev.customtransport.Custom;
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
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.channels.ClosedChannelException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * One echo round trip of 64 bytes over loopback on transport-native-custom: a client channel writes 64 bytes, an
 * echo server channel (its own event loop) writes them back, and the client, once all 64 have arrived and been
 * checked, sends the next 64. Both sides run on our event loops, so a round trip is the transport's full path:
 * write, the peer loop's wakeup from the poller, read, write back, and this loop's wakeup and read.
 *
 * <p>The benchmark thread only starts a batch of {@link #ROUND_TRIPS} consecutive round trips and waits for it;
 * {@link OperationsPerInvocation} makes the score the time of one round trip, with the cross-thread hand-off to
 * the loop amortised over the batch. Run with {@code java -jar transport-native-custom-microbench.jar jmh
 * EchoRoundTrip}; add {@code -bm sample} for percentiles.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 2, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "-Dio.netty.leakDetection.level=disabled"})
@Threads(1)
public class EchoRoundTripBenchmark {
    static final int SIZE = 64;
    static final int ROUND_TRIPS = 100;

    @Param({"LEVEL_TRIGGERED", "EDGE_TRIGGERED"})
    public String readinessMode;

    private EventLoopGroup serverGroup;
    private EventLoopGroup clientGroup;
    private Channel server;
    private Channel client;
    private RoundTripClient handler;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        Custom.ensureAvailability(); // no silent fall back: fails the run with the reason
        ReadinessMode mode = ReadinessMode.valueOf(readinessMode);
        serverGroup = new MultiThreadIoEventLoopGroup(1, CustomIoHandler.newFactory(mode));
        clientGroup = new MultiThreadIoEventLoopGroup(1, CustomIoHandler.newFactory(mode));
        server = new ServerBootstrap()
                .group(serverGroup)
                .channel(CustomServerSocketChannel.class)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new EchoServerHandler())
                .bind(InetAddress.getLoopbackAddress(), 0).sync().channel();
        handler = new RoundTripClient();
        client = new Bootstrap()
                .group(clientGroup)
                .channel(CustomSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .handler(handler)
                .connect(server.localAddress()).sync().channel();
        handler.runBatch(1_000); // the connection works and every byte comes back before anything is measured
    }

    @Benchmark
    @OperationsPerInvocation(ROUND_TRIPS)
    public void roundTrip() throws Exception {
        handler.runBatch(ROUND_TRIPS);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        if (handler != null) {
            handler.closing = true;
        }
        if (client != null) {
            client.close().syncUninterruptibly();
        }
        if (server != null) {
            server.close().syncUninterruptibly();
        }
        if (clientGroup != null) {
            clientGroup.shutdownGracefully(0, 5, TimeUnit.SECONDS).syncUninterruptibly();
        }
        if (serverGroup != null) {
            serverGroup.shutdownGracefully(0, 5, TimeUnit.SECONDS).syncUninterruptibly();
        }
        if (handler != null) {
            handler.payload.release();
        }
    }

    /** The client side: ping-pong on its event loop, batches started and awaited by the benchmark thread. */
    static final class RoundTripClient extends ChannelInboundHandlerAdapter {
        private static final long TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(30);

        final ByteBuf payload;
        private ChannelHandlerContext ctx;

        // event-loop state
        private int remaining;
        private int receivedBytes;

        // shared with the benchmark thread
        private volatile long completedBatches;
        private volatile Throwable failure;
        private volatile Thread waiter;
        volatile boolean closing;

        RoundTripClient() {
            ByteBuf buf = Unpooled.directBuffer(SIZE);
            for (int i = 0; i < SIZE; i++) {
                buf.writeByte(i * 37 + 11);
            }
            payload = buf;
        }

        @Override
        public void handlerAdded(ChannelHandlerContext ctx) {
            this.ctx = ctx;
        }

        /** Runs {@code roundTrips} consecutive round trips and returns when the last echo has come back. */
        void runBatch(int roundTrips) throws Exception {
            long target = completedBatches + 1;
            waiter = Thread.currentThread();
            ctx.executor().execute(() -> {
                remaining = roundTrips;
                send();
            });
            long deadline = System.nanoTime() + TIMEOUT_NANOS;
            while (completedBatches < target) {
                Throwable f = failure;
                if (f != null) {
                    throw new IOException("echo failed", f);
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new IOException("no echo within 30 s (" + remaining + " round trips left in the batch)");
                }
                LockSupport.parkNanos(this, left);
            }
        }

        private void send() {
            ctx.writeAndFlush(payload.retainedDuplicate()).addListener(f -> {
                if (!f.isSuccess()) {
                    fail(f.cause());
                }
            });
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf in = (ByteBuf) msg;
            try {
                int index = in.readerIndex();
                int readable = in.readableBytes();
                for (int i = 0; i < readable; i++) {
                    if (remaining == 0) {
                        fail(new IOException((readable - i) + " unexpected bytes after the batch"));
                        return;
                    }
                    if (in.getByte(index + i) != payload.getByte(receivedBytes)) {
                        fail(new IOException("echoed byte " + receivedBytes + " differs from the byte sent"));
                        return;
                    }
                    if (++receivedBytes == SIZE) {
                        receivedBytes = 0;
                        if (--remaining > 0) {
                            send();
                        } else {
                            completedBatches++; // only this loop writes it
                            LockSupport.unpark(waiter);
                        }
                    }
                }
            } finally {
                in.release();
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (!closing) {
                fail(new ClosedChannelException());
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            fail(cause);
            ctx.close();
        }

        private void fail(Throwable cause) {
            if (failure == null) {
                failure = cause;
            }
            Thread w = waiter;
            if (w != null) {
                LockSupport.unpark(w);
            }
        }
    }
}
