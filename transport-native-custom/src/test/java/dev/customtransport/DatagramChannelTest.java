package dev.customtransport;

import dev.customtransport.internal.Emulator;
import dev.customtransport.internal.NativeFeatures;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.SocketProtocolFamily;
import io.netty.channel.unix.SegmentedDatagramPacket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.nio.channels.NotYetConnectedException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** UDP behaviour of our own that Netty's testsuite does not check, in both readiness modes. */
class DatagramChannelTest {
    private static final long TIMEOUT = 10;
    private EventLoopGroup group;
    private final List<Channel> channels = new ArrayList<>();

    @AfterEach
    void tearDown() throws Exception {
        for (Channel ch : channels) {
            ch.close().sync();
        }
        if (group != null) {
            group.shutdownGracefully(0, 5, TimeUnit.SECONDS).sync();
        }
    }

    /** Collects datagrams and exceptions. */
    static final class Inbox extends ChannelInboundHandlerAdapter {
        final BlockingQueue<DatagramPacket> packets = new LinkedBlockingQueue<>();
        final BlockingQueue<Throwable> errors = new LinkedBlockingQueue<>();

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            packets.add((DatagramPacket) msg);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            errors.add(cause);
        }

        DatagramPacket take() throws InterruptedException {
            DatagramPacket p = packets.poll(TIMEOUT, TimeUnit.SECONDS);
            assertNotNull(p, "no datagram within " + TIMEOUT + " s");
            return p;
        }
    }

    private DatagramChannel bind(ReadinessMode mode, SocketProtocolFamily family, String host, Inbox inbox,
                                 java.util.function.Consumer<Bootstrap> options) throws Exception {
        if (group == null) {
            group = new CustomEventLoopGroup(2, mode);
        }
        Bootstrap b = new Bootstrap().group(group)
                .channelFactory(() -> new CustomDatagramChannel(family))
                .handler(inbox);
        options.accept(b);
        DatagramChannel ch = (DatagramChannel) b.bind(new InetSocketAddress(host, 0)).sync().channel();
        channels.add(ch);
        return ch;
    }

    private static String text(DatagramPacket p) {
        try {
            return p.content().toString(java.nio.charset.StandardCharsets.US_ASCII);
        } finally {
            p.release();
        }
    }

    private static ByteBuf ascii(String s) {
        return Unpooled.copiedBuffer(s, java.nio.charset.StandardCharsets.US_ASCII);
    }

    @ParameterizedTest
    @EnumSource(ReadinessMode.class)
    void unicastOverIpv4Ipv6AndMapped(ReadinessMode mode) throws Exception {
        Inbox a = new Inbox();
        Inbox b = new Inbox();
        DatagramChannel v6 = bind(mode, null, "::", a, x -> { });
        DatagramChannel v4 = bind(mode, SocketProtocolFamily.INET, "127.0.0.1", b, x -> { });
        int port6 = v6.localAddress().getPort();
        // IPv4 socket -> dual-stack socket (arrives as IPv4, reported as IPv4).
        v4.writeAndFlush(new DatagramPacket(ascii("to-v6"), new InetSocketAddress("127.0.0.1", port6))).sync();
        DatagramPacket p = a.take();
        assertEquals(v4.localAddress(), p.sender());
        assertEquals("to-v6", text(p));
        // Dual-stack socket -> IPv4 socket, the recipient given as IPv4 (mapped inside).
        v6.writeAndFlush(new DatagramPacket(ascii("to-v4"), v4.localAddress())).sync();
        p = b.take();
        assertEquals(port6, p.sender().getPort());
        assertEquals("to-v4", text(p));
        // IPv6 loopback.
        v6.writeAndFlush(new DatagramPacket(ascii("self"), new InetSocketAddress("::1", port6))).sync();
        assertEquals("self", text(a.take()));
    }

    @ParameterizedTest
    @EnumSource(ReadinessMode.class)
    void batchedWritesAndScatteredReads(ReadinessMode mode) throws Exception {
        Inbox rx = new Inbox();
        Inbox tx = new Inbox();
        DatagramChannel server = bind(mode, SocketProtocolFamily.INET, "127.0.0.1", rx, b -> b
                .option(CustomChannelOption.MAX_DATAGRAM_PAYLOAD_SIZE, 100)
                .option(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(100 * 16))
                .option(ChannelOption.SO_RCVBUF, 1 << 20));
        DatagramChannel client = bind(mode, SocketProtocolFamily.INET, "127.0.0.1", tx, b -> { });
        int n = 500;
        List<ChannelFuture> writes = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            writes.add(client.write(new DatagramPacket(ascii("m" + i), server.localAddress())));
        }
        client.flush();
        for (ChannelFuture f : writes) {
            assertTrue(f.sync().isSuccess());
        }
        boolean[] seen = new boolean[n];
        for (int i = 0; i < n; i++) {
            DatagramPacket p = rx.take();
            assertEquals(client.localAddress(), p.sender());
            assertEquals(server.localAddress(), p.recipient());
            seen[Integer.parseInt(text(p).substring(1))] = true;
        }
        for (boolean s : seen) {
            assertTrue(s);
        }
    }

    @ParameterizedTest
    @EnumSource(ReadinessMode.class)
    void connectedSocketReportsPortUnreachable(ReadinessMode mode) throws Exception {
        Inbox inbox = new Inbox();
        DatagramChannel ch = bind(mode, SocketProtocolFamily.INET, "127.0.0.1", inbox, b -> { });
        // A port nobody listens on: bind and close a socket to get one.
        DatagramChannel gone = bind(mode, SocketProtocolFamily.INET, "127.0.0.1", new Inbox(), b -> { });
        InetSocketAddress dead = gone.localAddress();
        gone.close().sync();
        ch.connect(dead).sync();
        assertTrue(ch.isConnected());
        assertEquals(dead, ch.remoteAddress());
        ch.writeAndFlush(ascii("ping")).sync();
        // The ICMP error surfaces on the next read (or write): either way as PortUnreachableException.
        Throwable error = inbox.errors.poll(TIMEOUT, TimeUnit.SECONDS);
        if (error == null) {
            ChannelFuture f = ch.writeAndFlush(ascii("ping")).await();
            error = f.cause();
        }
        assertInstanceOf(PortUnreachableException.class, error);
        assertTrue(ch.isOpen(), "the channel survives a failed datagram");
        ch.disconnect().sync();
        assertFalse(ch.isConnected());
    }

    @ParameterizedTest
    @EnumSource(ReadinessMode.class)
    void aFailedWriteFailsThatMessageOnly(ReadinessMode mode) throws Exception {
        Inbox rx = new Inbox();
        DatagramChannel server = bind(mode, SocketProtocolFamily.INET, "127.0.0.1", rx, b -> { });
        DatagramChannel client = bind(mode, SocketProtocolFamily.INET, "127.0.0.1", new Inbox(), b -> { });
        ChannelFuture bad1 = client.write(ascii("no peer")); // not connected: no recipient
        ChannelFuture bad2 = client.write(new DatagramPacket(ascii("v6 on v4"), new InetSocketAddress("::1", 9)));
        ChannelFuture good = client.write(new DatagramPacket(ascii("fine"), server.localAddress()));
        client.flush();
        assertInstanceOf(NotYetConnectedException.class, bad1.await().cause());
        assertNotNull(bad2.await().cause());
        assertTrue(good.sync().isSuccess());
        assertEquals("fine", text(rx.take()));
        assertTrue(client.isOpen());
    }

    @ParameterizedTest
    @EnumSource(ReadinessMode.class)
    void recvOrigDstAddrGivesTheRecipient(ReadinessMode mode) throws Exception {
        Emulator.assumeReachesKernel("IP_RECVORIGDSTADDR");
        Inbox rx = new Inbox();
        DatagramChannel server = bind(mode, SocketProtocolFamily.INET, "0.0.0.0", rx, b -> b
                .option(CustomChannelOption.IP_RECVORIGDSTADDR, true));
        assertTrue(server.config().getOption(CustomChannelOption.IP_RECVORIGDSTADDR));
        DatagramChannel client = bind(mode, SocketProtocolFamily.INET, "127.0.0.1", new Inbox(), b -> { });
        InetSocketAddress to = new InetSocketAddress("127.0.0.2", server.localAddress().getPort());
        client.writeAndFlush(new DatagramPacket(ascii("x"), to)).sync();
        DatagramPacket p = rx.take();
        assertEquals(to, p.recipient(), "the original destination, not the wildcard");
        p.release();
    }

    @ParameterizedTest
    @EnumSource(ReadinessMode.class)
    void gsoSendAndGroReceiveDeliverEverySegment(ReadinessMode mode) throws Exception {
        assumeTrue(NativeFeatures.UDP_SEGMENT && NativeFeatures.UDP_GRO,
                "this build's datagram natives have no UDP GSO/GRO (" + NativeFeatures.platform() + ")");
        assumeTrue(CustomDatagramChannel.isSegmentedDatagramPacketSupported(), "no UDP_SEGMENT in this kernel");
        for (int payloadSize : new int[] { 0, 4096 }) { // 0: recvmsg; 4096: the recvmmsg path (netty#17492)
            Inbox rx = new Inbox();
            DatagramChannel server = bind(mode, SocketProtocolFamily.INET, "127.0.0.1", rx, b -> b
                    .option(CustomChannelOption.UDP_GRO, true)
                    .option(CustomChannelOption.MAX_DATAGRAM_PAYLOAD_SIZE, payloadSize)
                    .option(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(64 * 1024)));
            assertTrue(server.config().getOption(CustomChannelOption.UDP_GRO));
            DatagramChannel client = bind(mode, SocketProtocolFamily.INET, "127.0.0.1", new Inbox(), b -> { });
            int segment = 100;
            int segments = 10;
            ByteBuf data = Unpooled.directBuffer(segment * segments);
            for (int i = 0; i < segments; i++) {
                for (int k = 0; k < segment; k++) {
                    data.writeByte(i);
                }
            }
            client.writeAndFlush(new SegmentedDatagramPacket(data, segment, server.localAddress())).sync();
            for (int i = 0; i < segments; i++) {
                DatagramPacket p = rx.take();
                assertEquals(segment, p.content().readableBytes(), "segment " + i);
                assertEquals(i, p.content().getByte(0));
                assertEquals(client.localAddress(), p.sender());
                p.release();
            }
            assertNull(rx.packets.poll(100, TimeUnit.MILLISECONDS));
        }
    }

    /** Without UDP GSO in the natives (the BSD build), a SegmentedDatagramPacket fails its write, naming why. */
    @ParameterizedTest
    @EnumSource(ReadinessMode.class)
    void segmentedPacketWithoutGsoFailsNamingThePlatform(ReadinessMode mode) throws Exception {
        assumeTrue(!NativeFeatures.UDP_SEGMENT, "this build sends UDP_SEGMENT");
        assertFalse(CustomDatagramChannel.isSegmentedDatagramPacketSupported());
        Inbox rx = new Inbox();
        DatagramChannel server = bind(mode, SocketProtocolFamily.INET, "127.0.0.1", rx, b -> { });
        DatagramChannel client = bind(mode, SocketProtocolFamily.INET, "127.0.0.1", new Inbox(), b -> { });
        ChannelFuture f = client.writeAndFlush(new SegmentedDatagramPacket(Unpooled.directBuffer(200).writeZero(200),
                100, server.localAddress())).await();
        UnsupportedOperationException e = assertInstanceOf(UnsupportedOperationException.class, f.cause());
        assertTrue(e.getMessage().contains("UDP_SEGMENT") && e.getMessage().contains(NativeFeatures.platform()),
                e.getMessage());
        client.writeAndFlush(new DatagramPacket(ascii("after"), server.localAddress())).sync();
        DatagramPacket p = rx.take();
        assertEquals("after", p.content().toString(java.nio.charset.StandardCharsets.US_ASCII), "the channel still works");
        p.release();
    }

    @ParameterizedTest
    @EnumSource(ReadinessMode.class)
    void autoReadOffReadsOnlyOnRequest(ReadinessMode mode) throws Exception {
        Inbox rx = new Inbox();
        DatagramChannel server = bind(mode, SocketProtocolFamily.INET, "127.0.0.1", rx, b -> b
                .option(ChannelOption.AUTO_READ, false));
        DatagramChannel client = bind(mode, SocketProtocolFamily.INET, "127.0.0.1", new Inbox(), b -> { });
        for (int i = 0; i < 3; i++) {
            client.writeAndFlush(new DatagramPacket(ascii("d" + i), server.localAddress())).sync();
        }
        assertNull(rx.packets.poll(200, TimeUnit.MILLISECONDS), "read while autoRead was off");
        server.config().setMaxMessagesPerRead(1);
        for (int i = 0; i < 3; i++) {
            server.read();
            assertEquals("d" + i, text(rx.take()));
        }
        assertNull(rx.packets.poll(100, TimeUnit.MILLISECONDS));
    }
}
