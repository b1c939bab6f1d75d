package dev.customtransport;

import dev.customtransport.internal.NativeFeatures;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.unix.FileDescriptor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** {@code spliceTo}: a splicing proxy between two TCP connections, and into a file, in both readiness modes. */
class SpliceTest {
    /** Larger than a pipe (64 KiB) and a socket buffer, so splicing waits on both more than once. */
    private static final int SIZE = 4 * 1024 * 1024;

    private EventLoopGroup group;
    private final List<Channel> channels = new CopyOnWriteArrayList<>();

    @TempDir
    Path dir;

    @AfterEach
    void tearDown() throws Exception {
        for (Channel ch : channels) {
            ch.close().sync();
        }
        if (group != null) {
            group.shutdownGracefully(0, 5, TimeUnit.SECONDS).sync();
        }
    }

    /** The splice tests need a build whose natives have splice(2) (Linux's); the others are refused clearly. */
    private static void requireSplice() {
        assumeTrue(NativeFeatures.SPLICE, "this build has no splice(2) (" + NativeFeatures.platform() + ")");
    }

    private Channel listen(ChannelInboundHandlerAdapter childHandler) throws Exception {
        Channel server = new ServerBootstrap().group(group).channel(CustomServerSocketChannel.class)
                .childOption(ChannelOption.AUTO_READ, false)
                .childHandler(childHandler).bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
        channels.add(server);
        return server;
    }

    /** Echo server behind a proxy whose two connections splice into each other; a client checks the echo. */
    @ParameterizedTest
    @EnumSource(ReadinessMode.class)
    void proxySplicesBothWays(ReadinessMode mode) throws Exception {
        requireSplice();
        group = new CustomEventLoopGroup(2, mode);
        Channel echo = new ServerBootstrap().group(group).channel(CustomServerSocketChannel.class)
                .childHandler(new ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelRead(ChannelHandlerContext ctx, Object msg) {
                        ctx.writeAndFlush(msg);
                    }
                }).bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
        channels.add(echo);
        CompletableFuture<Throwable> spliceFailure = new CompletableFuture<>();
        Channel proxy = listen(new ChannelInboundHandlerAdapter() {
            @Override
            public void channelActive(ChannelHandlerContext ctx) {
                CustomSocketChannel in = (CustomSocketChannel) ctx.channel();
                channels.add(in);
                new Bootstrap().group(in.eventLoop()).channel(CustomSocketChannel.class)
                        .option(ChannelOption.AUTO_READ, false)
                        .handler(new ChannelInboundHandlerAdapter())
                        .connect(echo.localAddress()).addListener((ChannelFuture f) -> {
                            CustomSocketChannel out = (CustomSocketChannel) f.channel();
                            channels.add(out);
                            in.spliceTo(out, Integer.MAX_VALUE).addListener(s -> spliceFailure.complete(s.cause()));
                            out.spliceTo(in, Integer.MAX_VALUE).addListener(s -> spliceFailure.complete(s.cause()));
                            in.config().setAutoRead(true);
                            out.config().setAutoRead(true);
                        });
            }
        });
        byte[] data = new byte[SIZE];
        ThreadLocalRandom.current().nextBytes(data);
        ByteBuf received = Unpooled.buffer(SIZE);
        CompletableFuture<Void> done = new CompletableFuture<>();
        Channel client = new Bootstrap().group(group).channel(CustomSocketChannel.class)
                .handler(new ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelRead(ChannelHandlerContext ctx, Object msg) {
                        ByteBuf buf = (ByteBuf) msg;
                        received.writeBytes(buf);
                        buf.release();
                        if (received.readableBytes() >= SIZE) {
                            done.complete(null);
                        }
                    }
                }).connect(proxy.localAddress()).sync().channel();
        channels.add(client);
        client.writeAndFlush(Unpooled.wrappedBuffer(data)).sync();
        done.get(30, TimeUnit.SECONDS);
        byte[] got = new byte[received.readableBytes()];
        received.readBytes(got);
        assertArrayEquals(data, got);
        assertTrue(!spliceFailure.isDone(), () -> "a splice ended early: " + spliceFailure.getNow(null));
    }

    /** The bytes of a connection go into a file at an offset; the future completes after exactly {@code len}. */
    @ParameterizedTest
    @EnumSource(ReadinessMode.class)
    void spliceIntoAFileAtAnOffset(ReadinessMode mode) throws Exception {
        requireSplice();
        group = new CustomEventLoopGroup(2, mode);
        Path file = dir.resolve("spliced");
        // Netty's FileDescriptor.from opens for writing with O_CREAT | O_TRUNC: the two bytes before the offset are a
        // hole, read back as zeros.
        FileDescriptor fd = FileDescriptor.from(file.toFile());
        CompletableFuture<ChannelFuture> spliced = new CompletableFuture<>();
        Channel server = listen(new ChannelInboundHandlerAdapter() {
            @Override
            public void channelActive(ChannelHandlerContext ctx) {
                CustomSocketChannel ch = (CustomSocketChannel) ctx.channel();
                channels.add(ch);
                spliced.complete(ch.spliceTo(fd, 2, SIZE));
                ch.read();
                ch.config().setAutoRead(true);
            }
        });
        try {
            byte[] data = new byte[SIZE];
            ThreadLocalRandom.current().nextBytes(data);
            Channel client = new Bootstrap().group(group).channel(CustomSocketChannel.class)
                    .handler(new ChannelInboundHandlerAdapter()).connect(server.localAddress()).sync().channel();
            channels.add(client);
            client.writeAndFlush(Unpooled.wrappedBuffer(data)).sync();
            ChannelFuture f = spliced.get(10, TimeUnit.SECONDS);
            assertTrue(f.await(30, TimeUnit.SECONDS), "splice to the file did not finish");
            assertTrue(f.isSuccess(), () -> "splice failed: " + f.cause());
            byte[] content = Files.readAllBytes(file);
            assertEquals(2 + SIZE, content.length);
            assertEquals(0, content[0]);
            assertEquals(0, content[1]);
            byte[] tail = new byte[SIZE];
            System.arraycopy(content, 2, tail, 0, SIZE);
            assertArrayEquals(data, tail);
        } finally {
            fd.close();
        }
    }

    @ParameterizedTest
    @EnumSource(ReadinessMode.class)
    void spliceOnAClosedChannelFailsAndAcrossLoopsIsRefused(ReadinessMode mode) throws Exception {
        requireSplice();
        group = new CustomEventLoopGroup(2, mode);
        Channel server = listen(new ChannelInboundHandlerAdapter());
        CustomSocketChannel a = (CustomSocketChannel) new Bootstrap().group(group).channel(CustomSocketChannel.class)
                .handler(new ChannelInboundHandlerAdapter()).connect(server.localAddress()).sync().channel();
        CustomSocketChannel b = (CustomSocketChannel) new Bootstrap().group(group).channel(CustomSocketChannel.class)
                .handler(new ChannelInboundHandlerAdapter()).connect(server.localAddress()).sync().channel();
        channels.add(a);
        channels.add(b);
        if (a.eventLoop() != b.eventLoop()) {
            assertThrows(IllegalArgumentException.class, () -> a.spliceTo(b, 1));
        }
        ChannelFuture pending = a.spliceTo(FileDescriptor.from(dir.resolve("f").toFile()), 0, 10);
        a.close().sync();
        assertTrue(pending.await(10, TimeUnit.SECONDS));
        assertInstanceOf(java.nio.channels.ClosedChannelException.class, pending.cause());
        assertInstanceOf(java.nio.channels.ClosedChannelException.class,
                a.spliceTo(FileDescriptor.from(dir.resolve("g").toFile()), 0, 10).cause());
    }

    /** Without splice(2) (the BSDs), spliceTo fails its future at once, naming splice and the platform. */
    @ParameterizedTest
    @EnumSource(ReadinessMode.class)
    void spliceWithoutSpliceFailsNamingThePlatform(ReadinessMode mode) throws Exception {
        assumeFalse(NativeFeatures.SPLICE, "this build has splice(2)");
        group = new CustomEventLoopGroup(1, mode);
        Channel server = listen(new ChannelInboundHandlerAdapter());
        CustomSocketChannel a = (CustomSocketChannel) new Bootstrap().group(group).channel(CustomSocketChannel.class)
                .handler(new ChannelInboundHandlerAdapter()).connect(server.localAddress()).sync().channel();
        channels.add(a);
        FileDescriptor fd = FileDescriptor.from(dir.resolve("f").toFile());
        try {
            ChannelFuture f = a.spliceTo(fd, 0, 10);
            assertTrue(f.isDone());
            UnsupportedOperationException e = assertInstanceOf(UnsupportedOperationException.class, f.cause());
            assertTrue(e.getMessage().contains("splice") && e.getMessage().contains(NativeFeatures.platform()),
                    e.getMessage());
            assertTrue(a.isActive(), "the channel is left as it was");
        } finally {
            fd.close();
        }
    }
}
