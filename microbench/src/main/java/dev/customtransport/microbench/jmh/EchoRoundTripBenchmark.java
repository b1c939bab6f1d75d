package dev.customtransport.microbench.jmh;

import dev.customtransport.microbench.EchoServerHandler;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
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
 * One echo round trip of 64 bytes over loopback: a client channel writes 64 bytes, an echo server channel (its own
 * event loop) writes them back, and the client, once all 64 have arrived and been checked, sends the next 64. Both
 * ends use the transport under test, so a round trip is its full path twice: write, the peer loop's wakeup from
 * the poller, read, write back.
 *
 * <p>The benchmark thread only starts a batch of {@link #ROUND_TRIPS} consecutive round trips and waits for it;
 * {@link OperationsPerInvocation} makes the score the time of one round trip. Neither end allocates anything of
 * its own in steady state (pooled buffers, void promises, a pre-built task), so with {@code -prof gc} the
 * {@code gc.alloc.rate.norm} figure is what the transport allocates per round trip, both ends together:
 *
 * <pre>java -jar transport-native-custom-microbench.jar jmh EchoRoundTrip -prof gc</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "-Dio.netty.leakDetection.level=disabled"})
@Threads(1)
public class EchoRoundTripBenchmark {
    static final int SIZE = 64;
    static final int ROUND_TRIPS = 1000;

    @Param({"custom-lt", "custom-et", "epoll", "nio"})
    public String transport;

    private EventLoopGroup serverGroup;
    private EventLoopGroup clientGroup;
    private Channel server;
    private Channel client;
    private RoundTripClient handler;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        BenchTransport t = BenchTransport.of(transport);
        serverGroup = t.newGroup();
        clientGroup = t.newGroup();
        server = new ServerBootstrap()
                .group(serverGroup)
                .channel(t.serverChannel)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(EchoServerHandler.INSTANCE)
                .bind(InetAddress.getLoopbackAddress(), 0).sync().channel();
        handler = new RoundTripClient();
        client = new Bootstrap()
                .group(clientGroup)
                .channel(t.channel)
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
        private final Runnable startBatch = this::send;

        // event-loop state
        private int remaining;
        private int receivedBytes;

        // shared with the benchmark thread
        private volatile int batchSize;
        private volatile long completedBatches;
        private volatile Throwable failure;
        private volatile Thread waiter;
        volatile boolean closing;

        RoundTripClient() {
            ByteBuf buf = PooledByteBufAllocator.DEFAULT.directBuffer(SIZE);
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
            batchSize = roundTrips;
            ctx.executor().execute(startBatch);
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
            if (remaining == 0) {
                remaining = batchSize;
            }
            // a pooled duplicate (recycled) and no promise: nothing allocated per message by this side
            ctx.writeAndFlush(payload.retainedDuplicate(), ctx.voidPromise());
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
