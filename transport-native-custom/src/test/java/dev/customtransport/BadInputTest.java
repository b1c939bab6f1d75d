package dev.customtransport;

import io.netty.channel.Channel;
import io.netty.channel.ChannelConfig;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.channel.unix.UnixChannelOption;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Bad input: out-of-range option values are rejected with an exception naming the option and the value; an option
 * the channel type cannot take is refused (Netty's contract: {@code setOption} returns false, which Bootstrap
 * logs as an unknown option, and {@code getOption} returns null); channels and loops of other transports are
 * refused at registration with a clear message.
 */
class BadInputTest {

    private static void assertRejected(ChannelConfig config, ChannelOption<?> option, Object value) {
        @SuppressWarnings("unchecked")
        ChannelOption<Object> o = (ChannelOption<Object>) option;
        RuntimeException e = assertThrows(RuntimeException.class, () -> config.setOption(o, value),
                option + " = " + value + " was accepted");
        String text = String.valueOf(e.getMessage());
        System.out.println("[bad-input] " + option + " = " + value + ": " + e);
        assertTrue(text.contains(String.valueOf(value)), "message of " + option + " = " + value + ": " + text);
        // Ours say SO_RCVBUF; Netty's DefaultChannelConfig names the setter's parameter (connectTimeoutMillis).
        assertTrue(squash(text).contains(squash(option.name())), "message of " + option + " = " + value + ": " + text);
    }

    private static String squash(String s) {
        return s.replace("_", "").toLowerCase(java.util.Locale.ROOT);
    }

    @Test
    void outOfRangeValuesAreRejectedNamingOptionAndValue() throws Exception {
        EventLoopGroup group = new CustomEventLoopGroup(1);
        try {
            CustomSocketChannel ch = new CustomSocketChannel();
            group.register(ch).sync();
            java.util.List<Map.Entry<ChannelOption<?>, Object>> bad = new java.util.ArrayList<>();
            bad.add(Map.entry(ChannelOption.SO_RCVBUF, -1));
            bad.add(Map.entry(ChannelOption.SO_SNDBUF, -2));
            bad.add(Map.entry(ChannelOption.IP_TOS, 256));
            bad.add(Map.entry(ChannelOption.IP_TOS, -3));
            bad.add(Map.entry(ChannelOption.CONNECT_TIMEOUT_MILLIS, -4));
            bad.add(Map.entry(ChannelOption.WRITE_SPIN_COUNT, 0));
            bad.add(Map.entry(ChannelOption.MAX_MESSAGES_PER_READ, -5));
            StringBuilder failures = new StringBuilder();
            for (Map.Entry<ChannelOption<?>, Object> e : bad) {
                try {
                    assertRejected(ch.config(), e.getKey(), e.getValue());
                } catch (AssertionError a) {
                    failures.append(a.getMessage()).append('\n');
                }
            }
            assertTrue(failures.length() == 0, failures.toString());
            ch.close().sync();
        } finally {
            group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS).sync();
        }
    }

    @Test
    void optionsTheChannelTypeCannotTakeAreRefused() throws Exception {
        EventLoopGroup group = new CustomEventLoopGroup(1);
        try {
            CustomSocketChannel tcp = new CustomSocketChannel();
            CustomDatagramChannel udp = new CustomDatagramChannel();
            group.register(tcp).sync();
            group.register(udp).sync();
            // Datagram-only on TCP, TCP-only on UDP, a listener's on a connection.
            assertFalse(tcp.config().setOption(ChannelOption.IP_MULTICAST_TTL, 3));
            assertNull(tcp.config().getOption(ChannelOption.IP_MULTICAST_TTL));
            assertFalse(udp.config().setOption(ChannelOption.TCP_NODELAY, true));
            assertNull(udp.config().getOption(ChannelOption.TCP_NODELAY));
            assertFalse(tcp.config().setOption(ChannelOption.SO_BACKLOG, 10));
            assertFalse(udp.config().setOption(UnixChannelOption.DOMAIN_SOCKET_READ_MODE,
                    io.netty.channel.unix.DomainSocketReadMode.BYTES));
            tcp.close().sync();
            udp.close().sync();
        } finally {
            group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS).sync();
        }
    }

    @Test
    void ourChannelOnANioLoopFailsAtRegistration() throws Exception {
        EventLoopGroup nio = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        try {
            CustomSocketChannel ch = new CustomSocketChannel();
            ChannelFuture f = nio.register(ch).await();
            assertFalse(f.isSuccess());
            System.out.println("[bad-input] ours on NIO: " + f.cause());
            assertTrue(String.valueOf(f.cause().getMessage()).contains("incompatible"), f.cause().toString());
            assertFalse(ch.isOpen() && ch.isRegistered());
            ch.unsafe().closeForcibly();
        } finally {
            nio.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS).sync();
        }
    }

    @Test
    void nioChannelOnOurLoopFailsAtRegistration() throws Exception {
        EventLoopGroup group = new CustomEventLoopGroup(1);
        try {
            Channel ch = new NioSocketChannel();
            ChannelFuture f = group.register(ch).await();
            assertFalse(f.isSuccess());
            System.out.println("[bad-input] NIO on ours: " + f.cause());
            assertTrue(String.valueOf(f.cause().getMessage()).contains("incompatible"), f.cause().toString());
            ch.unsafe().closeForcibly();
        } finally {
            group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS).sync();
        }
    }
}
