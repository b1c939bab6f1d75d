package dev.customtransport;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/**
 * A server and a client on this transport echo 4 MiB in random-sized writes, in both readiness modes, with loops
 * that block when idle and with loops that spin first.
 */
class EchoSmokeTest {

    @ParameterizedTest
    @EnumSource(ReadinessMode.class)
    void echoesEveryByte(ReadinessMode mode) throws Exception {
        echo(new CustomEventLoopGroup(2, mode));
    }

    @ParameterizedTest
    @EnumSource(ReadinessMode.class)
    void echoesEveryByteWithSpinningLoops(ReadinessMode mode) throws Exception {
        Duration period = Duration.of(200, ChronoUnit.MICROS);
        echo(new CustomEventLoopGroup(2, mode, IdleStrategy.backoff(period, period)));
    }

    private static void echo(EventLoopGroup group) throws Exception {
        try {
            Channel server = new ServerBootstrap().group(group).channel(CustomServerSocketChannel.class)
                    .childHandler(new ChannelInboundHandlerAdapter() {
                        @Override
                        public void channelRead(ChannelHandlerContext ctx, Object msg) {
                            ctx.write(msg);
                        }

                        @Override
                        public void channelReadComplete(ChannelHandlerContext ctx) {
                            ctx.flush();
                        }
                    })
                    .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();

            byte[] data = new byte[4 * 1024 * 1024];
            new Random(42).nextBytes(data);
            ByteBuf received = Unpooled.buffer(data.length);
            CompletableFuture<Void> complete = new CompletableFuture<>();
            Channel client = new Bootstrap().group(group).channel(CustomSocketChannel.class)
                    .option(ChannelOption.WRITE_SPIN_COUNT, 2)
                    .handler(new ChannelInitializer<Channel>() {
                        @Override
                        protected void initChannel(Channel ch) {
                            ch.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                                @Override
                                public void channelRead(ChannelHandlerContext ctx, Object msg) {
                                    ByteBuf buf = (ByteBuf) msg;
                                    received.writeBytes(buf);
                                    buf.release();
                                    if (received.readableBytes() == data.length) {
                                        complete.complete(null);
                                    }
                                }

                                @Override
                                public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                                    complete.completeExceptionally(cause);
                                }
                            });
                        }
                    })
                    .connect(server.localAddress()).sync().channel();
            Random sizes = new Random(7);
            for (int off = 0; off < data.length; ) {
                int len = Math.min(data.length - off, 1 + sizes.nextInt(64 * 1024));
                client.write(Unpooled.wrappedBuffer(data, off, len));
                off += len;
                if (sizes.nextInt(4) == 0) {
                    client.flush();
                }
            }
            client.flush();
            complete.get(60, TimeUnit.SECONDS);
            byte[] got = new byte[data.length];
            received.readBytes(got);
            received.release();
            assertArrayEquals(data, got);
            client.close().sync();
            server.close().sync();
        } finally {
            group.shutdownGracefully(0, 5, TimeUnit.SECONDS).sync();
        }
    }
}
