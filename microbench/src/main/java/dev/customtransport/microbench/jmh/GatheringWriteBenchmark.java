package dev.customtransport.microbench.jmh;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.util.ReferenceCountUtil;
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
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.net.InetAddress;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The gathering-write path: on its event loop, a client channel writes {@code buffers} separate 256-byte buffers
 * and flushes them, which the transport turns into one {@code writev} (one {@code write} when there is a single
 * buffer); a discard server of the same transport reads them. One operation is one such flush; the benchmark
 * thread runs batches of {@link #FLUSHES} on the loop and waits for the last to leave. The buffers are pooled
 * duplicates and the writes use the void promise, so the time is the transport's: outbound buffer, iovec array,
 * the syscall and the kernel's copy.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "-Dio.netty.leakDetection.level=disabled"})
public class GatheringWriteBenchmark {
    static final int FLUSHES = 64;
    static final int SIZE = 256;

    @Param({"custom-lt", "epoll", "nio"})
    public String transport;

    @Param({"1", "16"})
    public int buffers;

    private EventLoopGroup serverGroup;
    private EventLoopGroup clientGroup;
    private Channel server;
    private Channel client;
    private Writer writer;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        BenchTransport t = BenchTransport.of(transport);
        serverGroup = t.newGroup();
        clientGroup = t.newGroup();
        server = new ServerBootstrap()
                .group(serverGroup)
                .channel(t.serverChannel)
                .childHandler(Discard.INSTANCE)
                .bind(InetAddress.getLoopbackAddress(), 0).sync().channel();
        writer = new Writer(buffers);
        client = new Bootstrap()
                .group(clientGroup)
                .channel(t.channel)
                .option(ChannelOption.TCP_NODELAY, true)
                .handler(writer)
                .connect(server.localAddress()).sync().channel();
        writer.runBatch();
    }

    @Benchmark
    @OperationsPerInvocation(FLUSHES)
    public void flush() throws Exception {
        writer.runBatch();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        client.close().syncUninterruptibly();
        server.close().syncUninterruptibly();
        clientGroup.shutdownGracefully(0, 5, TimeUnit.SECONDS).syncUninterruptibly();
        serverGroup.shutdownGracefully(0, 5, TimeUnit.SECONDS).syncUninterruptibly();
        writer.payload.release();
    }

    @ChannelHandler.Sharable
    static final class Discard extends ChannelInboundHandlerAdapter {
        static final Discard INSTANCE = new Discard();

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ReferenceCountUtil.release(msg);
        }
    }

    static final class Writer extends ChannelInboundHandlerAdapter {
        final ByteBuf payload = PooledByteBufAllocator.DEFAULT.directBuffer(SIZE).writeZero(SIZE);
        private final int buffers;
        private final Runnable batch = this::writeBatch;
        private ChannelHandlerContext ctx;
        private volatile long completed;
        private volatile Throwable failure;
        private volatile Thread waiter;

        Writer(int buffers) {
            this.buffers = buffers;
        }

        @Override
        public void handlerAdded(ChannelHandlerContext ctx) {
            this.ctx = ctx;
        }

        private void writeBatch() {
            for (int f = 0; f < FLUSHES; f++) {
                for (int b = 0; b < buffers; b++) {
                    boolean last = f == FLUSHES - 1 && b == buffers - 1;
                    if (last) {
                        ctx.write(payload.retainedDuplicate()).addListener(done -> {
                            if (!done.isSuccess()) {
                                failure = done.cause();
                            }
                            completed++; // only this loop writes it
                            LockSupport.unpark(waiter);
                        });
                    } else {
                        ctx.write(payload.retainedDuplicate(), ctx.voidPromise());
                    }
                }
                ctx.flush();
            }
        }

        void runBatch() throws Exception {
            long target = completed + 1;
            waiter = Thread.currentThread();
            ctx.executor().execute(batch);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (completed < target) {
                if (failure != null) {
                    throw new IOException("write failed", failure);
                }
                if (System.nanoTime() > deadline) {
                    throw new IOException("the batch was not written within 30 s");
                }
                LockSupport.parkNanos(this, 1_000_000);
            }
        }
    }
}
