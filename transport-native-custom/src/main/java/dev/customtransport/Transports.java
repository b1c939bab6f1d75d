package dev.customtransport;

import dev.customtransport.internal.NativeLibrary;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFactory;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoEventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.ServerChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.DuplexChannel;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.SocketProtocolFamily;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioDomainSocketChannel;
import io.netty.channel.socket.nio.NioServerDomainSocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;

import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.util.Objects;

/**
 * The best transport this JVM has: this one when {@link Custom#isAvailable()}, otherwise Netty's NIO. The choice
 * is made once, when this class is first used, and logged once: at INFO which transport was chosen, and at WARN
 * why this one could not be used (at INFO when {@code -Ddev.customtransport.disabled=true} turned it off).
 *
 * <p>An application (or a framework adapter) that takes everything from here runs on this transport where it can
 * and on NIO elsewhere, without a second code path:
 * <pre>{@code
 * EventLoopGroup group = new MultiThreadIoEventLoopGroup(Transports.ioHandlerFactory(ReadinessMode.EDGE_TRIGGERED));
 * Channel server = new ServerBootstrap().group(group)
 *     .channel(Transports.serverSocketChannelClass())
 *     .childHandler(new MyInitializer())
 *     .bind(8080).sync().channel();
 * Channel client = new Bootstrap().group(group)
 *     .channelFactory(Transports.socketChannelFactory())
 *     .handler(new MyClientInitializer())
 *     .connect("localhost", 8080).sync().channel();
 *
 * // Unix domain sockets: the two transports take different address classes
 * new ServerBootstrap().group(group)
 *     .channel(Transports.serverDomainSocketChannelClass())
 *     .childHandler(new MyInitializer())
 *     .bind(Transports.domainSocketAddress("/run/app.sock")).sync();
 * }</pre>
 *
 * <p>What the NIO fallback lacks, so that code which may run on it can check first:
 * <ul>
 *   <li>Unix domain <em>datagram</em> sockets: NIO has none ({@link #supportsDomainDatagrams()} is false and
 *   {@link #domainDatagramChannelClass()} throws {@link UnsupportedOperationException}).</li>
 *   <li>Unix domain stream sockets are NIO's {@link NioDomainSocketChannel} / {@link NioServerDomainSocketChannel}
 *   (JDK 16+): they take a {@link UnixDomainSocketAddress} instead of Netty's {@link DomainSocketAddress} (use
 *   {@link #domainSocketAddress(String)}), have no abstract names, no descriptor passing and no peer
 *   credentials, and are not {@code io.netty.channel.unix.DomainSocketChannel}s.</li>
 *   <li>Readiness modes and idle strategies: NIO's loop has neither, so {@link #ioHandlerFactory(ReadinessMode,
 *   IdleStrategy)} ignores them there (they are still checked for null).</li>
 *   <li>{@link CustomChannelOption}s beyond Netty's own {@code ChannelOption}s (TCP_CORK, TCP_KEEPIDLE,
 *   TCP_USER_TIMEOUT, SO_REUSEPORT, ...): a NIO channel does not know them, and Netty's bootstraps then log
 *   "Unknown channel option" and go on.</li>
 * </ul>
 */
public final class Transports {
    private static final InternalLogger logger = InternalLoggerFactory.getInstance(Transports.class);

    /** The name {@link #name()} returns when this transport is in use. */
    public static final String CUSTOM = "transport-native-custom";
    /** The name {@link #name()} returns when NIO is in use. */
    public static final String NIO = "nio";

    private static final boolean IS_CUSTOM = Custom.isAvailable();

    static {
        Throwable cause = Custom.unavailabilityCause();
        if (IS_CUSTOM) {
            logger.info("Netty transport: {}", CUSTOM);
        } else if (Boolean.getBoolean(NativeLibrary.DISABLED_PROPERTY)) {
            logger.info("Netty transport: NIO ({})", cause.getMessage());
        } else {
            logger.warn("Netty transport: NIO, because {} is unavailable: {}", CUSTOM, cause.toString());
            logger.debug("{} unavailable", CUSTOM, cause);
        }
    }

    private Transports() { }

    /** True if the channels and loops handed out here are this transport's, false if they are NIO's. */
    public static boolean isCustom() {
        return IS_CUSTOM;
    }

    /** {@value #CUSTOM} or {@value #NIO}. */
    public static String name() {
        return IS_CUSTOM ? CUSTOM : NIO;
    }

    /** True if {@code group} runs this transport's loops, so that it takes our channel classes. */
    public static boolean isCustom(EventLoopGroup group) {
        return group instanceof IoEventLoopGroup && ((IoEventLoopGroup) group).isIoType(CustomIoHandler.class);
    }

    /** Level-triggered loops that block when idle (or NIO's). */
    public static IoHandlerFactory ioHandlerFactory() {
        return ioHandlerFactory(ReadinessMode.LEVEL_TRIGGERED, IdleStrategy.park());
    }

    /** Loops with readiness {@code mode} that block when idle (or NIO's, which have no mode). */
    public static IoHandlerFactory ioHandlerFactory(ReadinessMode mode) {
        return ioHandlerFactory(mode, IdleStrategy.park());
    }

    /** Loops with readiness {@code mode} that spend idle time as {@code idle} says (or NIO's, which do neither). */
    public static IoHandlerFactory ioHandlerFactory(ReadinessMode mode, IdleStrategy idle) {
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(idle, "idle");
        return IS_CUSTOM ? CustomIoHandler.newFactory(mode, idle) : NioIoHandler.newFactory();
    }

    /** TCP client: {@link CustomSocketChannel} or {@link NioSocketChannel}. */
    public static Class<? extends SocketChannel> socketChannelClass() {
        return IS_CUSTOM ? CustomSocketChannel.class : NioSocketChannel.class;
    }

    /** TCP server: {@link CustomServerSocketChannel} or {@link NioServerSocketChannel}. */
    public static Class<? extends ServerSocketChannel> serverSocketChannelClass() {
        return IS_CUSTOM ? CustomServerSocketChannel.class : NioServerSocketChannel.class;
    }

    /** UDP: {@link CustomDatagramChannel} or {@link NioDatagramChannel}. */
    public static Class<? extends DatagramChannel> datagramChannelClass() {
        return IS_CUSTOM ? CustomDatagramChannel.class : NioDatagramChannel.class;
    }

    /** Unix domain stream client: {@link CustomDomainSocketChannel} or {@link NioDomainSocketChannel}. */
    public static Class<? extends DuplexChannel> domainSocketChannelClass() {
        return IS_CUSTOM ? CustomDomainSocketChannel.class : NioDomainSocketChannel.class;
    }

    /** Unix domain stream server: {@link CustomServerDomainSocketChannel} or {@link NioServerDomainSocketChannel}. */
    public static Class<? extends ServerChannel> serverDomainSocketChannelClass() {
        return IS_CUSTOM ? CustomServerDomainSocketChannel.class : NioServerDomainSocketChannel.class;
    }

    /**
     * Unix domain datagrams: {@link CustomDomainDatagramChannel}.
     *
     * @throws UnsupportedOperationException on NIO, which has no Unix datagram channel
     */
    public static Class<? extends Channel> domainDatagramChannelClass() {
        requireDomainDatagrams();
        return CustomDomainDatagramChannel.class;
    }

    public static ChannelFactory<? extends SocketChannel> socketChannelFactory() {
        return IS_CUSTOM ? CustomSocketChannel::new : NioSocketChannel::new;
    }

    public static ChannelFactory<? extends ServerSocketChannel> serverSocketChannelFactory() {
        return IS_CUSTOM ? CustomServerSocketChannel::new : NioServerSocketChannel::new;
    }

    /** UDP sockets that take IPv4 and IPv6 addresses (IPv6 sockets where the host has IPv6). */
    public static ChannelFactory<? extends DatagramChannel> datagramChannelFactory() {
        return IS_CUSTOM ? CustomDatagramChannel::new : NioDatagramChannel::new;
    }

    /**
     * UDP sockets of one address family.
     *
     * @param family {@link SocketProtocolFamily#INET} or {@link SocketProtocolFamily#INET6}
     * @throws IllegalArgumentException for {@link SocketProtocolFamily#UNIX} (see {@link #domainDatagramChannelFactory()})
     */
    public static ChannelFactory<? extends DatagramChannel> datagramChannelFactory(SocketProtocolFamily family) {
        Objects.requireNonNull(family, "family");
        if (family == SocketProtocolFamily.UNIX) {
            throw new IllegalArgumentException("family: " + family
                    + " (expected INET or INET6; Unix datagrams are domainDatagramChannelFactory())");
        }
        return IS_CUSTOM ? () -> new CustomDatagramChannel(family) : () -> new NioDatagramChannel(family);
    }

    public static ChannelFactory<? extends DuplexChannel> domainSocketChannelFactory() {
        return IS_CUSTOM ? CustomDomainSocketChannel::new : NioDomainSocketChannel::new;
    }

    public static ChannelFactory<? extends ServerChannel> serverDomainSocketChannelFactory() {
        return IS_CUSTOM ? CustomServerDomainSocketChannel::new : NioServerDomainSocketChannel::new;
    }

    /** @throws UnsupportedOperationException on NIO, which has no Unix datagram channel */
    public static ChannelFactory<? extends Channel> domainDatagramChannelFactory() {
        requireDomainDatagrams();
        return CustomDomainDatagramChannel::new;
    }

    /** True on both transports (NIO's Unix stream channels need JDK 16+, below our JDK 17 floor). */
    public static boolean supportsDomainSockets() {
        return true;
    }

    /** True only on this transport: NIO has no Unix datagram channel. */
    public static boolean supportsDomainDatagrams() {
        return IS_CUSTOM;
    }

    /**
     * The address of the Unix domain socket at {@code path}, in the class the chosen transport takes: Netty's
     * {@link DomainSocketAddress} here, {@link UnixDomainSocketAddress} on NIO.
     *
     * @throws IllegalArgumentException if {@code path} is empty, or on NIO names an abstract socket ({@code '\0'}
     *                                  first), which NIO cannot reach
     */
    public static SocketAddress domainSocketAddress(String path) {
        Objects.requireNonNull(path, "path");
        if (path.isEmpty()) {
            throw new IllegalArgumentException("path: \"\" (expected a file name or, here, an abstract name)");
        }
        if (IS_CUSTOM) {
            return new DomainSocketAddress(path);
        }
        if (path.charAt(0) == '\0') {
            throw new IllegalArgumentException("path: an abstract name (leading NUL), which NIO cannot use");
        }
        return UnixDomainSocketAddress.of(path);
    }

    private static void requireDomainDatagrams() {
        if (!IS_CUSTOM) {
            throw new UnsupportedOperationException("Unix domain datagram sockets need " + CUSTOM
                    + ", which is unavailable here (" + Custom.unavailabilityCause().getMessage()
                    + "), and NIO has none");
        }
    }
}
