package dev.customtransport;

import dev.customtransport.internal.NativeLibrary;
import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.socket.SocketProtocolFamily;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioDomainSocketChannel;
import io.netty.channel.socket.nio.NioServerDomainSocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link Transports} falling back to NIO. Runs only in the surefire execution {@code transports-fallback}, a JVM
 * started with {@code -Ddev.customtransport.disabled=true}: the transport is then unavailable, as on a platform we
 * have no library for, and everything handed out must be NIO's and work.
 */
class TransportsFallbackTest {
    @TempDir
    Path dir;

    @Test
    void runsInAJvmWithTheTransportDisabled() {
        assertTrue(Boolean.getBoolean(NativeLibrary.DISABLED_PROPERTY),
                "run me in the transports-fallback execution (-D" + NativeLibrary.DISABLED_PROPERTY + "=true)");
        assertFalse(Custom.isAvailable());
    }

    @Test
    void choosesNio() {
        assertFalse(Transports.isCustom());
        assertEquals(Transports.NIO, Transports.name());
        assertSame(NioSocketChannel.class, Transports.socketChannelClass());
        assertSame(NioServerSocketChannel.class, Transports.serverSocketChannelClass());
        assertSame(NioDatagramChannel.class, Transports.datagramChannelClass());
        assertSame(NioDomainSocketChannel.class, Transports.domainSocketChannelClass());
        assertSame(NioServerDomainSocketChannel.class, Transports.serverDomainSocketChannelClass());
        assertTrue(Transports.supportsDomainSockets());
        assertFalse(Transports.supportsDomainDatagrams());
        assertEquals(UnixDomainSocketAddress.of("/run/x.sock"), Transports.domainSocketAddress("/run/x.sock"));
    }

    @Test
    void whatNioLacksIsRefusedWithTheReason() {
        UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
                Transports::domainDatagramChannelClass);
        assertTrue(e.getMessage().contains(NativeLibrary.DISABLED_PROPERTY), e.getMessage());
        assertThrows(UnsupportedOperationException.class, Transports::domainDatagramChannelFactory);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Transports.domainSocketAddress("\0abstract"))
                .getMessage().contains("abstract"));
        // NIO has no readiness modes, but a null is still a mistake
        assertEquals("mode", assertThrows(NullPointerException.class,
                () -> Transports.ioHandlerFactory(null)).getMessage());
    }

    @Test
    void echoesOverNio() throws Exception {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1,
                Transports.ioHandlerFactory(ReadinessMode.EDGE_TRIGGERED, IdleStrategy.park()));
        try {
            assertFalse(Transports.isCustom(group));
            Channel[] tcp = TransportsEcho.stream(group, Transports.serverSocketChannelClass(),
                    Transports.socketChannelFactory(), new InetSocketAddress("127.0.0.1", 0));
            assertInstanceOf(NioServerSocketChannel.class, tcp[0]);
            assertInstanceOf(NioSocketChannel.class, tcp[1]);
            assertInstanceOf(NioSocketChannel.class, tcp[2]);

            Channel[] udp = TransportsEcho.datagram(group, Transports.datagramChannelFactory(SocketProtocolFamily.INET));
            assertInstanceOf(NioDatagramChannel.class, udp[0]);

            Channel[] uds = TransportsEcho.stream(group, Transports.serverDomainSocketChannelClass(),
                    Transports.domainSocketChannelFactory(),
                    Transports.domainSocketAddress(dir.resolve("s.sock").toString()));
            assertInstanceOf(NioServerDomainSocketChannel.class, uds[0]);
            assertInstanceOf(NioDomainSocketChannel.class, uds[1]);
        } finally {
            group.shutdownGracefully(0, 5, TimeUnit.SECONDS).sync();
        }
    }
}
