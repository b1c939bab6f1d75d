package dev.customtransport;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketProtocolFamily;
import io.netty.channel.unix.DomainDatagramPacket;
import io.netty.channel.unix.DomainSocketAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link Transports} where this transport is available: every channel type it hands out is ours, its loops run our
 * handler in the mode asked for, and echoes pass over TCP, UDP, Unix stream and Unix datagram sockets. The NIO
 * side is {@code TransportsFallbackTest}, in a JVM of its own with the transport disabled.
 */
class TransportsTest {
    @TempDir
    Path dir;

    @Test
    void choosesThisTransport() {
        assertTrue(Transports.isCustom());
        assertEquals(Transports.CUSTOM, Transports.name());
        assertSame(CustomSocketChannel.class, Transports.socketChannelClass());
        assertSame(CustomServerSocketChannel.class, Transports.serverSocketChannelClass());
        assertSame(CustomDatagramChannel.class, Transports.datagramChannelClass());
        assertSame(CustomDomainSocketChannel.class, Transports.domainSocketChannelClass());
        assertSame(CustomServerDomainSocketChannel.class, Transports.serverDomainSocketChannelClass());
        assertSame(CustomDomainDatagramChannel.class, Transports.domainDatagramChannelClass());
        assertTrue(Transports.supportsDomainSockets());
        assertTrue(Transports.supportsDomainDatagrams());
        assertEquals(new DomainSocketAddress("/run/x.sock"), Transports.domainSocketAddress("/run/x.sock"));
        assertEquals(new DomainSocketAddress("\0abstract"), Transports.domainSocketAddress("\0abstract"));
    }

    @Test
    void factoriesMakeOurChannels() {
        assertChannel(CustomSocketChannel.class, Transports.socketChannelFactory().newChannel());
        assertChannel(CustomServerSocketChannel.class, Transports.serverSocketChannelFactory().newChannel());
        assertChannel(CustomDatagramChannel.class, Transports.datagramChannelFactory().newChannel());
        assertChannel(CustomDatagramChannel.class,
                Transports.datagramChannelFactory(SocketProtocolFamily.INET).newChannel());
        assertChannel(CustomDomainSocketChannel.class, Transports.domainSocketChannelFactory().newChannel());
        assertChannel(CustomServerDomainSocketChannel.class,
                Transports.serverDomainSocketChannelFactory().newChannel());
        assertChannel(CustomDomainDatagramChannel.class, Transports.domainDatagramChannelFactory().newChannel());
    }

    private static void assertChannel(Class<?> expected, Channel ch) {
        try {
            assertInstanceOf(expected, ch);
        } finally {
            ch.unsafe().closeForcibly();
        }
    }

    @ParameterizedTest
    @EnumSource(ReadinessMode.class)
    void loopsRunOurHandlerInTheModeAskedFor(ReadinessMode mode) throws Exception {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, Transports.ioHandlerFactory(mode));
        EventLoopGroup nio = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        try {
            assertTrue(Transports.isCustom(group));
            assertFalse(Transports.isCustom(nio));
            assertFalse(Transports.isCustom(null));
            assertTrue(Transports.ioHandlerFactory(mode).toString().contains(mode.name()),
                    Transports.ioHandlerFactory(mode).toString());
            Channel[] used = TransportsEcho.stream(group, Transports.serverSocketChannelClass(),
                    Transports.socketChannelFactory(), new InetSocketAddress("127.0.0.1", 0));
            assertInstanceOf(CustomServerSocketChannel.class, used[0]);
            assertInstanceOf(CustomSocketChannel.class, used[1]);
            assertInstanceOf(CustomSocketChannel.class, used[2]);
        } finally {
            group.shutdownGracefully(0, 5, TimeUnit.SECONDS).sync();
            nio.shutdownGracefully(0, 5, TimeUnit.SECONDS).sync();
        }
    }

    @Test
    void echoesOverUdpAndUnixSockets() throws Exception {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, Transports.ioHandlerFactory());
        try {
            Channel[] udp = TransportsEcho.datagram(group, Transports.datagramChannelFactory());
            assertInstanceOf(CustomDatagramChannel.class, udp[0]);

            Channel[] uds = TransportsEcho.stream(group, Transports.serverDomainSocketChannelClass(),
                    Transports.domainSocketChannelFactory(),
                    Transports.domainSocketAddress(dir.resolve("s.sock").toString()));
            assertInstanceOf(CustomServerDomainSocketChannel.class, uds[0]);
            assertInstanceOf(CustomDomainSocketChannel.class, uds[1]);

            BlockingQueue<String> received = new LinkedBlockingQueue<>();
            DomainSocketAddress address = (DomainSocketAddress) Transports.domainSocketAddress(
                    dir.resolve("d.sock").toString());
            Channel receiver = new Bootstrap().group(group).channelFactory(Transports.domainDatagramChannelFactory())
                    .handler(new SimpleChannelInboundHandler<DomainDatagramPacket>() {
                        @Override
                        protected void channelRead0(ChannelHandlerContext ctx, DomainDatagramPacket packet) {
                            received.add(packet.content().toString(StandardCharsets.US_ASCII));
                        }
                    })
                    .bind(address).sync().channel();
            Channel sender = new Bootstrap().group(group).channel(Transports.domainDatagramChannelClass())
                    .handler(new SimpleChannelInboundHandler<Object>() {
                        @Override
                        protected void channelRead0(ChannelHandlerContext ctx, Object msg) { }
                    })
                    .bind(Transports.domainSocketAddress(dir.resolve("c.sock").toString())).sync().channel();
            try {
                sender.writeAndFlush(new DomainDatagramPacket(
                        Unpooled.copiedBuffer("ping", StandardCharsets.US_ASCII), address)).sync();
                assertEquals("ping", received.poll(10, TimeUnit.SECONDS));
            } finally {
                sender.close().sync();
                receiver.close().sync();
            }
        } finally {
            group.shutdownGracefully(0, 5, TimeUnit.SECONDS).sync();
        }
    }

    @Test
    void badInputIsRefusedWithTheArgumentNamed() {
        assertEquals("mode", assertThrows(NullPointerException.class,
                () -> Transports.ioHandlerFactory(null)).getMessage());
        assertEquals("idle", assertThrows(NullPointerException.class,
                () -> Transports.ioHandlerFactory(ReadinessMode.LEVEL_TRIGGERED, null)).getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> Transports.datagramChannelFactory(SocketProtocolFamily.UNIX)).getMessage()
                .startsWith("family: UNIX"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> Transports.domainSocketAddress("")).getMessage().startsWith("path: \"\""));
        assertEquals("path", assertThrows(NullPointerException.class,
                () -> Transports.domainSocketAddress(null)).getMessage());
    }
}
