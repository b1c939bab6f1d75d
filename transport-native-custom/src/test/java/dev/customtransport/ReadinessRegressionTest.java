package dev.customtransport;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.ChannelInputShutdownReadComplete;
import io.netty.channel.socket.SocketChannel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The failures Netty's edge-triggered epoll mode had, each pinned in both readiness modes. The test names carry
 * the Netty issue they come from.
 */
class ReadinessRegressionTest {
    private static final long TIMEOUT_SECONDS = 30;

    private EventLoopGroup group;

    @AfterEach
    void tearDown() throws Exception {
        if (group != null) {
            group.shutdownGracefully(0, 5, TimeUnit.SECONDS).sync();
        }
    }

    private Channel server(ReadinessMode mode, int threads, ChannelHandler childHandler,
                           java.util.function.Consumer<ServerBootstrap> options) throws Exception {
        group = new CustomEventLoopGroup(threads, mode);
        ServerBootstrap sb = new ServerBootstrap().group(group).channel(CustomServerSocketChannel.class)
                .childHandler(childHandler);
        options.accept(sb);
        return sb.bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
    }

    private Channel client(Channel server, ChannelHandler handler) throws Exception {
        return new Bootstrap().group(group).channel(CustomSocketChannel.class).handler(handler)
                .connect(server.localAddress()).sync().channel();
    }

    private static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    /**
     * More connections ready at once than one wait returns: every one is still read. The libkqueue emulation drops
     * the events that do not fit in its event list (a read and a write entry per socket), and edge-triggered
     * registrations would never hear of them again; a kernel keeps them for the next wait.
     */
    @ParameterizedTest
    @EnumSource(ReadinessMode.class)
    void moreConnectionsReadyAtOnceThanOneWaitReturnsAreAllRead(ReadinessMode mode) throws Exception {
        int connections = 600;
        AtomicInteger accepted = new AtomicInteger();
        AtomicInteger bytesRead = new AtomicInteger();
        Channel server = server(mode, 1, new CountingReader(accepted, bytesRead), sb -> { });
        List<java.net.Socket> peers = new java.util.ArrayList<>();
        java.util.concurrent.CountDownLatch hold = new java.util.concurrent.CountDownLatch(1);
        try {
            InetSocketAddress address = (InetSocketAddress) server.localAddress();
            for (int i = 0; i < connections; i++) {
                peers.add(new java.net.Socket(address.getAddress(), address.getPort()));
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
            while (accepted.get() < connections) {
                assertTrue(System.nanoTime() < deadline, "accepted " + accepted.get() + " of " + connections);
                Thread.sleep(1);
            }
            // Keep the loop busy while every connection becomes readable, so one wait finds them all ready.
            server.eventLoop().execute(() -> {
                try {
                    hold.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            for (java.net.Socket peer : peers) {
                peer.getOutputStream().write(1);
            }
            hold.countDown();
            while (bytesRead.get() < connections) {
                assertTrue(System.nanoTime() < deadline, "read from " + bytesRead.get() + " of " + connections);
                Thread.sleep(1);
            }
        } finally {
            hold.countDown();
            for (java.net.Socket peer : peers) {
                peer.close();
            }
        }
        server.close().sync();
    }

    @ChannelHandler.Sharable
    static final class CountingReader extends ChannelInboundHandlerAdapter {
        private final AtomicInteger active;
        private final AtomicInteger bytes;

        CountingReader(AtomicInteger active, AtomicInteger bytes) {
            this.active = active;
            this.bytes = bytes;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            active.incrementAndGet();
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            bytes.addAndGet(((ByteBuf) msg).readableBytes());
            ((ByteBuf) msg).release();
        }
    }

    /** Collects what a channel reads; with autoRead off it asks for more only when told to. */
    static final class Collector extends ChannelInboundHandlerAdapter {
        final ByteBuf received = Unpooled.buffer();
        final BlockingQueue<Object> events = new LinkedBlockingQueue<>();
        final CompletableFuture<Channel> active = new CompletableFuture<>();
        final CompletableFuture<Void> inactive = new CompletableFuture<>();
        final AtomicInteger reads = new AtomicInteger();
        volatile boolean keepReading;

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            active.complete(ctx.channel());
        }

        @Override
        public synchronized void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf buf = (ByteBuf) msg;
            received.writeBytes(buf);
            buf.release();
            reads.incrementAndGet();
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            if (keepReading && !ctx.channel().config().isAutoRead()) {
                ctx.read();
            }
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            events.add(evt);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            inactive.complete(null);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            events.add(cause);
        }

        synchronized int size() {
            return received.readableBytes();
        }

        synchronized byte[] bytes() {
            byte[] out = new byte[received.readableBytes()];
            received.getBytes(received.readerIndex(), out);
            return out;
        }

        void awaitSize(int n) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
            while (size() < n) {
                assertTrue(System.nanoTime() < deadline, "received " + size() + " of " + n + " bytes");
                Thread.sleep(1);
            }
        }
    }

    /** netty/netty#6173, #13142: with autoRead off nothing is read, even though an input edge came. */
    @ParameterizedTest
    @EnumSource(ReadinessMode.class)
    void issue6173_noReadWhileAutoReadIsOff(ReadinessMode mode) throws Exception {
        Collector serverSide = new Collector();
        Channel server = server(mode, 1, serverSide, sb -> sb.childOption(ChannelOption.AUTO_READ, false));
        Channel client = client(server, new ChannelInboundHandlerAdapter());
        byte[] data = random(8192, 1);
        client.writeAndFlush(Unpooled.wrappedBuffer(data)).sync();
        Channel child = serverSide.active.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        // The bytes are in the kernel now; give the loop many iterations in which it must not read them.
        Thread.sleep(200);
        assertEquals(0, serverSide.reads.get(), "read with autoRead off");
        serverSide.keepReading = true;
        child.read();
        serverSide.awaitSize(data.length);
        assertArrayEquals(data, serverSide.bytes());
        client.close().sync();
    }

    /** netty/netty#6303: bytes that arrived before the peer closed are all read, with autoRead off. */
    @ParameterizedTest
    @EnumSource(ReadinessMode.class)
    void issue6303_noBytesDroppedAtPeerCloseWithAutoReadOff(ReadinessMode mode) throws Exception {
        Collector serverSide = new Collector();
        Channel server = server(mode, 1, serverSide, sb -> sb.childOption(ChannelOption.AUTO_READ, false));
        Channel client = client(server, new ChannelInboundHandlerAdapter());
        byte[] data = random(256 * 1024, 2);
        client.writeAndFlush(Unpooled.wrappedBuffer(data)).sync();
        client.close().sync();
        Channel child = serverSide.active.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        // Peer data and its FIN are queued while reading is paused.
        Thread.sleep(200);
        assertEquals(0, serverSide.reads.get());
        serverSide.keepReading = true;
        child.read();
        serverSide.awaitSize(data.length);
        serverSide.inactive.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        assertArrayEquals(data, serverSide.bytes());
    }

    /**
     * netty/netty#14042: with half-closure allowed, the peer's shutdown gives one ChannelInputShutdownEvent, then
     * exactly one ChannelInputShutdownReadComplete, after every byte; with autoRead on and off.
     */
    @ParameterizedTest
    @EnumSource(ReadinessMode.class)
    void issue14042_inputShutdownReadCompleteExactlyOnce(ReadinessMode mode) throws Exception {
        for (boolean autoRead : new boolean[] {true, false}) {
            Collector serverSide = new Collector();
            serverSide.keepReading = true;
            Channel server = server(mode, 1, serverSide, sb -> sb
                    .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                    .childOption(ChannelOption.AUTO_READ, autoRead));
            SocketChannel client = (SocketChannel) client(server, new ChannelInboundHandlerAdapter());
            byte[] data = random(100_000, 3);
            client.writeAndFlush(Unpooled.wrappedBuffer(data)).sync();
            client.shutdownOutput().sync();
            Channel child = serverSide.active.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            if (!autoRead) {
                child.read();
            }
            assertEquals(ChannelInputShutdownEvent.INSTANCE, serverSide.events.poll(TIMEOUT_SECONDS, TimeUnit.SECONDS));
            assertEquals(ChannelInputShutdownReadComplete.INSTANCE,
                    serverSide.events.poll(TIMEOUT_SECONDS, TimeUnit.SECONDS));
            assertArrayEquals(data, serverSide.bytes(), "every byte before the read-complete event");
            // Nothing more: no second event, no busy polling of the shut input.
            child.read();
            Object extra = serverSide.events.poll(200, TimeUnit.MILLISECONDS);
            assertEquals(null, extra, "unexpected event " + extra);
            assertTrue(child.isOpen(), "half-closed, not closed");
            client.close().sync();
            server.close().sync();
            group.shutdownGracefully(0, 5, TimeUnit.SECONDS).sync();
            group = null;
        }
    }

    /**
     * With maxMessagesPerRead 1 on a single loop, a peer that floods one connection must not starve another: its
     * reads are re-queued behind the other channels' work (ready queue in edge-triggered mode, the level-triggered
     * report otherwise).
     */
    @ParameterizedTest
    @EnumSource(ReadinessMode.class)
    void floodingChannelDoesNotStarveOthersWithMaxMessagesPerReadOne(ReadinessMode mode) throws Exception {
        AtomicLong flooded = new AtomicLong();
        FloodCountingEcho serverHandler = new FloodCountingEcho(flooded);
        Channel server = server(mode, 1, serverHandler, sb -> sb
                .childOption(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(1024).maxMessagesPerRead(1)));
        AtomicBoolean flooding = new AtomicBoolean(true);
        Channel flooder = client(server, new ChannelInboundHandlerAdapter());
        byte[] chunk = new byte[64 * 1024];
        java.util.Arrays.fill(chunk, (byte) 'F');
        Thread floodThread = new Thread(() -> {
            while (flooding.get() && flooder.isActive()) {
                flooder.writeAndFlush(Unpooled.wrappedBuffer(chunk)).syncUninterruptibly();
            }
        });
        floodThread.start();
        try {
            while (flooded.get() < 1024 * 1024) {
                Thread.sleep(1);
            }
            BlockingQueue<ByteBuf> echoes = new LinkedBlockingQueue<>();
            Channel pinger = client(server, new ChannelInboundHandlerAdapter() {
                @Override
                public void channelRead(ChannelHandlerContext ctx, Object msg) {
                    echoes.add((ByteBuf) msg);
                }
            });
            for (int i = 0; i < 50; i++) {
                pinger.writeAndFlush(Unpooled.wrappedBuffer(new byte[] {'P', (byte) i})).sync();
                int got = 0;
                while (got < 2) {
                    ByteBuf echo = echoes.poll(TIMEOUT_SECONDS, TimeUnit.SECONDS);
                    assertNotNull(echo, "ping " + i + " starved while another channel floods");
                    got += echo.readableBytes();
                    echo.release();
                }
            }
            assertTrue(flooder.isActive());
            pinger.close().sync();
        } finally {
            flooding.set(false);
            floodThread.join();
            flooder.close().sync();
        }
    }

    /** Counts bytes that start with 'F' and echoes everything else; shared by the children of one server. */
    @ChannelHandler.Sharable
    static final class FloodCountingEcho extends ChannelInboundHandlerAdapter {
        private final AtomicLong flooded;

        FloodCountingEcho(AtomicLong flooded) {
            this.flooded = flooded;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf buf = (ByteBuf) msg;
            if (buf.readableBytes() > 0 && buf.getByte(buf.readerIndex()) == 'F') {
                flooded.addAndGet(buf.readableBytes());
                buf.release();
            } else {
                ctx.writeAndFlush(msg);
            }
        }
    }

    /** read() from a thread other than the loop, while an input edge is pending, delivers the data. */
    @ParameterizedTest
    @EnumSource(ReadinessMode.class)
    void readFromAnotherThreadWhileAnEdgeIsPending(ReadinessMode mode) throws Exception {
        Collector serverSide = new Collector();
        Channel server = server(mode, 1, serverSide, sb -> sb.childOption(ChannelOption.AUTO_READ, false));
        Channel client = client(server, new ChannelInboundHandlerAdapter());
        Channel child = serverSide.active.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        byte[] data = random(1000, 5);
        client.writeAndFlush(Unpooled.wrappedBuffer(data)).sync();
        Thread.sleep(100);
        for (int i = 0; serverSide.size() < data.length; i++) {
            assertTrue(i < 1000, "no data after " + i + " reads from another thread");
            assertFalse(child.eventLoop().inEventLoop());
            child.read();
            Thread.sleep(5);
        }
        assertArrayEquals(data, serverSide.bytes());
        client.close().sync();
    }

    /**
     * netty/netty#7788: a read that returns less than asked must not leave data stranded. Buffers of 37 bytes
     * make reads alternately fill and fall short, and the peer sends in uneven pieces with pauses.
     */
    @ParameterizedTest
    @EnumSource(ReadinessMode.class)
    void issue7788_noStallAfterShortReads(ReadinessMode mode) throws Exception {
        ChannelInboundHandlerAdapter echo = new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                ctx.writeAndFlush(msg);
            }
        };
        Channel server = server(mode, 2, echo, sb -> sb
                .childOption(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(37)));
        Collector clientSide = new Collector();
        Channel client = client(server, clientSide);
        Random r = new Random(6);
        byte[] all = random(200_000, 7);
        int off = 0;
        while (off < all.length) {
            int n = Math.min(all.length - off, 1 + r.nextInt(3000));
            client.writeAndFlush(Unpooled.wrappedBuffer(all, off, n));
            off += n;
            if (r.nextInt(10) == 0) {
                Thread.sleep(1);
            }
        }
        clientSide.awaitSize(all.length);
        assertArrayEquals(all, clientSide.bytes());
        client.close().sync();
    }

    /**
     * 10,000 echo round trips on an established connection: in edge-triggered mode neither loop calls epoll_ctl
     * at all. The level-triggered figure is printed for comparison (reading stays armed with autoRead on, so it
     * is zero as well unless a socket buffer fills).
     */
    @ParameterizedTest
    @EnumSource(ReadinessMode.class)
    void noEpollCtlInSteadyStateEcho(ReadinessMode mode) throws Exception {
        ChannelInboundHandlerAdapter echo = new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                ctx.writeAndFlush(msg);
            }
        };
        Channel server = server(mode, 2, echo, sb -> { });
        BlockingQueue<ByteBuf> echoes = new LinkedBlockingQueue<>();
        Channel client = client(server, new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                echoes.add((ByteBuf) msg);
            }
        });
        roundTrips(client, echoes, 100);
        List<CustomEventLoop> loops = new CopyOnWriteArrayList<>();
        group.forEach(e -> loops.add((CustomEventLoop) e));
        long before = controlCalls(loops);
        roundTrips(client, echoes, 10_000);
        long delta = controlCalls(loops) - before;
        System.out.println("[" + mode + "] epoll_ctl calls during 10000 echo round trips: " + delta);
        if (mode == ReadinessMode.EDGE_TRIGGERED) {
            assertEquals(0, delta);
        }
        client.close().sync();
    }

    private static long controlCalls(List<CustomEventLoop> loops) throws Exception {
        long sum = 0;
        for (CustomEventLoop loop : loops) {
            sum += loop.submit(() -> loop.counters().controlCalls()).get();
        }
        return sum;
    }

    private static void roundTrips(Channel client, BlockingQueue<ByteBuf> echoes, int n) throws Exception {
        byte[] msg = new byte[64];
        for (int i = 0; i < n; i++) {
            msg[0] = (byte) i;
            client.writeAndFlush(Unpooled.wrappedBuffer(msg.clone()));
            int got = 0;
            while (got < msg.length) {
                ByteBuf b = echoes.poll(TIMEOUT_SECONDS, TimeUnit.SECONDS);
                assertNotNull(b, "round trip " + i);
                got += b.readableBytes();
                b.release();
            }
        }
    }
}
