package dev.customtransport;

import dev.customtransport.internal.Emulator;
import dev.customtransport.internal.NativeFeatures;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelException;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketProtocolFamily;
import io.netty.channel.unix.IntegerUnixChannelOption;
import io.netty.channel.unix.RawUnixChannelOption;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every Linux option: set, read back, and observed where loopback shows the effect; a refused value names the
 * option, the value and the errno. Options that need privileges accept either outcome, but a refusal must be
 * an EPERM-style exception with that text.
 */
class KernelOptionsTest {
    private EventLoopGroup group;
    private final List<Channel> channels = new ArrayList<>();

    @AfterEach
    void tearDown() throws Exception {
        for (Channel ch : channels) {
            if (ch.isRegistered()) {
                ch.close().sync();
            } else {
                ch.unsafe().closeForcibly();
            }
        }
        if (group != null) {
            group.shutdownGracefully(0, 5, TimeUnit.SECONDS).sync();
        }
    }

    private Channel server(ReadinessMode mode) throws Exception {
        group = new CustomEventLoopGroup(1, mode);
        Channel s = new ServerBootstrap().group(group).channel(CustomServerSocketChannel.class)
                .childHandler(new ChannelInboundHandlerAdapter()).bind(new InetSocketAddress("127.0.0.1", 0))
                .sync().channel();
        channels.add(s);
        return s;
    }

    private CustomSocketChannel client(Channel server) throws Exception {
        CustomSocketChannel c = (CustomSocketChannel) new Bootstrap().group(group).channel(CustomSocketChannel.class)
                .handler(new ChannelInboundHandlerAdapter()).connect(server.localAddress()).sync().channel();
        channels.add(c);
        return c;
    }

    private static <T> void roundTrip(Channel ch, ChannelOption<T> option, T value) {
        String simple = option.name().substring(option.name().indexOf('#') + 1);
        if (!Emulator.reachesKernel(simple)) {
            // what the emulator answers, reported as the kernel's refusal would be
            ChannelException e = assertThrows(ChannelException.class, () -> ch.config().setOption(option, value));
            assertTrue(e.getMessage().contains(simple) && e.getMessage().contains("ENOPROTOOPT"), e.getMessage());
            return;
        }
        assertTrue(ch.config().setOption(option, value), option + " not taken");
        assertEquals(value, ch.config().getOption(option), option.name());
    }

    private static void refused(Channel ch, ChannelOption<Integer> option, int value, String errno) {
        ChannelException e = assertThrows(ChannelException.class, () -> ch.config().setOption(option, value));
        String simple = option.name().substring(option.name().indexOf('#') + 1);
        assertTrue(e.getMessage().contains(simple) && e.getMessage().contains(String.valueOf(value))
                && e.getMessage().contains(errno), e.getMessage());
    }

    /** An option this build's natives lack (NativeFeatures): refused, naming the option and the platform. */
    private static <T> void unsupported(Channel ch, ChannelOption<T> option, T value) {
        ChannelException e = assertThrows(ChannelException.class, () -> ch.config().setOption(option, value));
        String simple = option.name().substring(option.name().indexOf('#') + 1);
        assertTrue(e.getMessage().contains(simple) && e.getMessage().contains("not supported on this platform")
                && e.getMessage().contains(NativeFeatures.platform()), e.getMessage());
    }

    /** Privileged options: either it works and reads back, or the refusal says why. */
    private static void privileged(Channel ch, ChannelOption<Boolean> option) {
        try {
            roundTrip(ch, option, true);
        } catch (ChannelException e) {
            assertTrue(e.getMessage().contains("EPERM") || e.getMessage().contains("EACCES"), e.getMessage());
        }
    }

    @ParameterizedTest
    @EnumSource(ReadinessMode.class)
    void tcpClientOptions(ReadinessMode mode) throws Exception {
        CustomSocketChannel c = client(server(mode));
        roundTrip(c, CustomChannelOption.TCP_CORK, true);
        roundTrip(c, CustomChannelOption.TCP_CORK, false);
        c.config().setOption(CustomChannelOption.TCP_QUICKACK, true); // the kernel may clear it again at once
        roundTrip(c, CustomChannelOption.TCP_KEEPIDLE, 77);
        roundTrip(c, CustomChannelOption.TCP_KEEPINTVL, 9);
        roundTrip(c, CustomChannelOption.TCP_KEEPCNT, 4);
        roundTrip(c, CustomChannelOption.TCP_USER_TIMEOUT, 12345);
        roundTrip(c, CustomChannelOption.TCP_NOTSENT_LOWAT, 65536L);
        roundTrip(c, CustomChannelOption.IP_BIND_ADDRESS_NO_PORT, true);
        roundTrip(c, CustomChannelOption.SO_REUSEPORT, true);
        privileged(c, CustomChannelOption.IP_TRANSPARENT);
        try {
            roundTrip(c, CustomChannelOption.SO_BUSY_POLL, 50);
        } catch (ChannelException e) {
            assertTrue(e.getMessage().contains("SO_BUSY_POLL") && e.getMessage().contains("EPERM"), e.getMessage());
        }
        if (Emulator.reachesKernel("IP_TRANSPARENT")) { // getOptions() reads every option, IP_TRANSPARENT too
            assertTrue(c.config().getOptions().containsKey(CustomChannelOption.TCP_CORK));
        }
        refused(c, CustomChannelOption.TCP_KEEPIDLE, 0, "EINVAL");
        refused(c, CustomChannelOption.TCP_KEEPCNT, 1000, "EINVAL");
        // TCP_INFO of a live loopback connection.
        if (!NativeFeatures.TCP_INFO) {
            UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class, c::tcpInfo);
            assertTrue(e.getMessage().contains("TCP_INFO") && e.getMessage().contains(NativeFeatures.platform()),
                    e.getMessage());
        } else {
            CustomTcpInfo info = c.tcpInfo();
            assertEquals(1, info.state(), "TCP_ESTABLISHED");
            if (Emulator.reachesKernel("TCP_INFO")) {
                assertTrue(info.sndMss() > 0 && info.rcvSpace() > 0);
            }
        }
        // TCP_MD5SIG: install, replace, remove.
        InetAddress peer = InetAddress.getByName("127.0.0.1");
        if (!NativeFeatures.TCP_MD5SIG) {
            unsupported(c, CustomChannelOption.TCP_MD5SIG, Collections.singletonMap(peer, new byte[] { 1, 2, 3 }));
            assertTrue(c.config().getOption(CustomChannelOption.TCP_MD5SIG).isEmpty(), "nothing was installed");
            return;
        }
        if (Emulator.reachesKernel("TCP_MD5SIG")) {
            c.config().setOption(CustomChannelOption.TCP_MD5SIG, Collections.singletonMap(peer, new byte[] { 1, 2, 3 }));
            assertEquals(1, c.config().getOption(CustomChannelOption.TCP_MD5SIG).size());
            c.config().setOption(CustomChannelOption.TCP_MD5SIG, Collections.emptyMap());
            assertTrue(c.config().getOption(CustomChannelOption.TCP_MD5SIG).isEmpty());
        }
        assertThrows(IllegalArgumentException.class, () -> c.config().setOption(CustomChannelOption.TCP_MD5SIG,
                Collections.singletonMap(peer, new byte[81])));
    }

    /** IP_BIND_ADDRESS_NO_PORT is observable: bind leaves the port 0 until connect picks it. */
    @ParameterizedTest
    @EnumSource(ReadinessMode.class)
    void bindAddressNoPortDefersThePort(ReadinessMode mode) throws Exception {
        Emulator.assumeReachesKernel("IP_BIND_ADDRESS_NO_PORT");
        Channel s = server(mode);
        CustomSocketChannel c = new CustomSocketChannel();
        c.config().setOption(CustomChannelOption.IP_BIND_ADDRESS_NO_PORT, true);
        group.next().register(c).sync();
        channels.add(c);
        c.bind(new InetSocketAddress("127.0.0.1", 0)).sync();
        assertEquals(0, c.localAddress().getPort(), "no port at bind");
        c.connect(s.localAddress()).sync();
        // Channel.localAddress() keeps what bind reported; ask the socket.
        assertTrue(((InetSocketAddress) c.unsafe().localAddress()).getPort() > 0, "a port at connect");
    }

    @ParameterizedTest
    @EnumSource(ReadinessMode.class)
    void tcpServerOptions(ReadinessMode mode) throws Exception {
        group = new CustomEventLoopGroup(1, mode);
        CustomServerSocketChannel s = new CustomServerSocketChannel();
        // The kernel rounds TCP_DEFER_ACCEPT up to a whole number of SYN-ACK retransmissions.
        assertTrue(s.config().setOption(CustomChannelOption.TCP_DEFER_ACCEPT, 5));
        assertTrue(s.config().getOption(CustomChannelOption.TCP_DEFER_ACCEPT) >= 5);
        roundTrip(s, CustomChannelOption.TCP_FASTOPEN, 16);
        roundTrip(s, CustomChannelOption.IP_FREEBIND, true);
        privileged(s, CustomChannelOption.IP_TRANSPARENT);
        // IP_FREEBIND is observable: a listener on an address this machine does not have.
        group.next().register(s).sync();
        channels.add(s);
        s.bind(new InetSocketAddress("198.51.100.7", 0)).sync();
        assertEquals("198.51.100.7", s.localAddress().getAddress().getHostAddress());
        if (Emulator.reachesKernel("IP_TRANSPARENT")) { // getOptions() reads every option, IP_TRANSPARENT too
            assertTrue(s.config().getOptions().containsKey(CustomChannelOption.TCP_DEFER_ACCEPT));
        }
    }

    @ParameterizedTest
    @EnumSource(ReadinessMode.class)
    void datagramOptions(ReadinessMode mode) throws Exception {
        group = new CustomEventLoopGroup(1, mode);
        CustomDatagramChannel d = new CustomDatagramChannel(SocketProtocolFamily.INET);
        channels.add(d);
        if (Emulator.reachesKernel("IP_MULTICAST_ALL")) {
            assertFalse(d.config().getOption(CustomChannelOption.IP_MULTICAST_ALL), "off by default, as in NIO");
        }
        roundTrip(d, CustomChannelOption.IP_MULTICAST_ALL, true);
        if (NativeFeatures.UDP_GRO) {
            roundTrip(d, CustomChannelOption.UDP_GRO, true);
        } else {
            // The kernel may know UDP_GRO, but these natives could not split what it coalesced.
            unsupported(d, CustomChannelOption.UDP_GRO, true);
            assertFalse(d.config().getOption(CustomChannelOption.UDP_GRO));
            roundTrip(d, CustomChannelOption.UDP_GRO, false);
        }
        roundTrip(d, CustomChannelOption.IP_RECVORIGDSTADDR, true);
        roundTrip(d, CustomChannelOption.IP_FREEBIND, true);
        roundTrip(d, CustomChannelOption.MAX_DATAGRAM_PAYLOAD_SIZE, 1500);
        roundTrip(d, CustomChannelOption.SO_REUSEPORT, true);
        roundTrip(d, ChannelOption.IP_MULTICAST_TTL, 7);
        roundTrip(d, ChannelOption.IP_MULTICAST_LOOP_DISABLED, true);
        roundTrip(d, ChannelOption.SO_BROADCAST, true);
        privileged(d, CustomChannelOption.IP_TRANSPARENT);
        assertThrows(IllegalArgumentException.class,
                () -> d.config().setOption(CustomChannelOption.MAX_DATAGRAM_PAYLOAD_SIZE, -1));
        // SO_REUSEPORT is observable: a second socket binds the same port.
        group.next().register(d).sync();
        d.bind(new InetSocketAddress("127.0.0.1", 0)).sync();
        CustomDatagramChannel twin = new CustomDatagramChannel(SocketProtocolFamily.INET);
        channels.add(twin);
        twin.config().setOption(CustomChannelOption.SO_REUSEPORT, true);
        group.next().register(twin).sync();
        twin.bind(d.localAddress()).sync();
        assertEquals(d.localAddress(), twin.localAddress());
        // A dual-stack socket sets both families.
        CustomDatagramChannel d6 = new CustomDatagramChannel(SocketProtocolFamily.INET6);
        channels.add(d6);
        roundTrip(d6, CustomChannelOption.IP_MULTICAST_ALL, true);
        roundTrip(d6, ChannelOption.IP_MULTICAST_TTL, 3);
    }

    @ParameterizedTest
    @EnumSource(ReadinessMode.class)
    void genericUnixOptions(ReadinessMode mode) throws Exception {
        CustomSocketChannel c = client(server(mode));
        // SOL_SOCKET = 1, SO_KEEPALIVE = 9 on Linux.
        IntegerUnixChannelOption keepalive = new IntegerUnixChannelOption("KEEPALIVE", 1, 9);
        roundTrip(c, keepalive, 1);
        assertTrue(c.config().isKeepAlive());
        // SO_LINGER (13) as raw bytes: struct linger { int l_onoff; int l_linger; }.
        RawUnixChannelOption linger = new RawUnixChannelOption("LINGER", 1, 13, 8);
        ByteBuffer value = ByteBuffer.allocateDirect(8).order(ByteOrder.nativeOrder()).putInt(1).putInt(7).flip();
        assertTrue(c.config().setOption(linger, value));
        assertEquals(7, c.config().getSoLinger());
        ByteBuffer back = c.config().getOption(linger).order(ByteOrder.nativeOrder());
        assertEquals(1, back.getInt(0));
        assertEquals(7, back.getInt(4));
        ChannelException e = assertThrows(ChannelException.class,
                () -> c.config().setOption(new IntegerUnixChannelOption("BOGUS", 1, 9999), 1));
        assertTrue(e.getMessage().contains("9999") && e.getMessage().contains("ENOPROTOOPT"), e.getMessage());
    }
}
