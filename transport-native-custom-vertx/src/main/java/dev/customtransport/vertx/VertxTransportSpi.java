package dev.customtransport.vertx;

import dev.customtransport.Custom;
import dev.customtransport.CustomChannelOption;
import dev.customtransport.CustomDatagramChannel;
import dev.customtransport.CustomDomainSocketChannel;
import dev.customtransport.CustomEventLoopGroup;
import dev.customtransport.CustomIoHandler;
import dev.customtransport.CustomServerDomainSocketChannel;
import dev.customtransport.CustomServerSocketChannel;
import dev.customtransport.CustomSocketChannel;
import dev.customtransport.IdleStrategy;
import dev.customtransport.ReadinessMode;
import io.netty.bootstrap.AbstractBootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFactory;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.ServerChannel;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.DatagramChannelConfig;
import io.netty.channel.socket.InternetProtocolFamily;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.util.concurrent.DefaultEventExecutorChooserFactory;
import io.netty.util.concurrent.ThreadPerTaskExecutor;
import io.vertx.core.datagram.DatagramSocketOptions;
import io.vertx.core.spi.transport.Transport;

import java.net.NetworkInterface;
import java.net.SocketAddress;
import java.net.SocketException;
import java.util.concurrent.ThreadFactory;

/**
 * What the Vert.x transport SPI asks of this transport on every Vert.x 5 line; {@link Vertx50Spi} and
 * {@link Vertx51Spi} add what differs.
 */
abstract class VertxTransportSpi implements Transport {
    /** The fast-open queue a server gets for {@code tcpFastOpen=true} on 5.0, as Vert.x's EpollTransport's default. */
    static final int FAST_OPEN_QUEUE = 256;

    private final ReadinessMode mode;
    private final IdleStrategy idle;

    VertxTransportSpi(ReadinessMode mode, IdleStrategy idle) {
        this.mode = mode;
        this.idle = idle;
    }

    /** The SPI of the Vert.x on the class path: 5.1 added datagramChannelFactory() (and TcpConfig). */
    static Transport forRunningVertx(ReadinessMode mode, IdleStrategy idle) {
        try {
            Transport.class.getMethod("datagramChannelFactory");
            return new Vertx51Spi(mode, idle);
        } catch (NoSuchMethodException e) {
            return new Vertx50Spi(mode, idle);
        }
    }

    @Override
    public boolean isAvailable() {
        return Custom.isAvailable();
    }

    @Override
    public Throwable unavailabilityCause() {
        return Custom.unavailabilityCause();
    }

    @Override
    public boolean supportsDomainSockets() {
        return true;
    }

    @Override
    public SocketAddress convert(io.vertx.core.net.SocketAddress address) {
        if (address.isDomainSocket()) {
            return new DomainSocketAddress(address.path());
        }
        return Transport.super.convert(address);
    }

    @Override
    public io.vertx.core.net.SocketAddress convert(SocketAddress address) {
        if (address instanceof DomainSocketAddress) {
            return io.vertx.core.net.SocketAddress.domainSocketAddress(((DomainSocketAddress) address).path());
        }
        return Transport.super.convert(address);
    }

    @Override
    public IoHandlerFactory ioHandlerFactory() {
        return CustomIoHandler.newFactory(mode, idle);
    }

    /**
     * Our group class rather than the SPI default's plain {@code MultiThreadIoEventLoopGroup}: its loops count
     * their work ({@code CustomEventLoop.counters()}) and list their channels. Netty 4.2 loops have no I/O ratio.
     */
    @Override
    public EventLoopGroup eventLoopGroup(int type, int nThreads, ThreadFactory threadFactory, int ioRatio) {
        return new CustomEventLoopGroup(nThreads, new ThreadPerTaskExecutor(threadFactory),
                DefaultEventExecutorChooserFactory.INSTANCE, ioHandlerFactory());
    }

    /** A socket of the family asked for, as NIO's (epoll's ignores it and makes an IPv6 one). */
    @Override
    @SuppressWarnings("deprecation")
    public DatagramChannel datagramChannel(InternetProtocolFamily family) {
        return new CustomDatagramChannel(family);
    }

    @Override
    public ChannelFactory<? extends Channel> channelFactory(boolean domainSocket) {
        return domainSocket ? CustomDomainSocketChannel::new : CustomSocketChannel::new;
    }

    @Override
    public ChannelFactory<? extends ServerChannel> serverChannelFactory(boolean domainSocket) {
        return domainSocket ? CustomServerDomainSocketChannel::new : CustomServerSocketChannel::new;
    }

    @Override
    public void configure(DatagramChannel channel, DatagramSocketOptions options) {
        DatagramChannelConfig config = channel.config();
        config.setOption(CustomChannelOption.SO_REUSEPORT, options.isReusePort());
        Transport.super.configure(channel, options);
        // Vert.x's default applies the multicast options to NIO channels only; ours have them as well.
        config.setLoopbackModeDisabled(options.isLoopbackModeDisabled());
        if (options.getMulticastTimeToLive() != -1) {
            config.setTimeToLive(options.getMulticastTimeToLive());
        }
        String name = options.getMulticastNetworkInterface();
        if (name != null) {
            NetworkInterface networkInterface;
            try {
                networkInterface = NetworkInterface.getByName(name);
            } catch (SocketException e) {
                throw new IllegalArgumentException("multicastNetworkInterface: " + name + " (" + e + ')', e);
            }
            if (networkInterface == null) {
                throw new IllegalArgumentException("multicastNetworkInterface: " + name + " (no such interface)");
            }
            config.setNetworkInterface(networkInterface);
        }
    }

    /** Sets {@code option} on the bootstrap's channel if {@code value} is not null. */
    static <T> void option(AbstractBootstrap<?, ?> bootstrap, ChannelOption<T> option, T value) {
        if (value != null) {
            bootstrap.option(option, value);
        }
    }

    /** Sets {@code option} on each accepted channel if {@code value} is not null. */
    static <T> void childOption(ServerBootstrap bootstrap, ChannelOption<T> option, T value) {
        if (value != null) {
            bootstrap.childOption(option, value);
        }
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + '(' + mode + ", " + idle + ')';
    }
}
