package dev.customtransport.microbench.jmh;

import dev.customtransport.Custom;
import dev.customtransport.CustomIoHandler;
import dev.customtransport.CustomServerSocketChannel;
import dev.customtransport.CustomSocketChannel;
import dev.customtransport.ReadinessMode;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringServerSocketChannel;
import io.netty.channel.uring.IoUringSocketChannel;

import java.util.function.Supplier;

/** The transports the JMH benchmarks compare, by the names their {@code @Param}s use. */
enum BenchTransport {
    CUSTOM_LT(() -> CustomIoHandler.newFactory(ReadinessMode.LEVEL_TRIGGERED), CustomServerSocketChannel.class,
            CustomSocketChannel.class),
    CUSTOM_ET(() -> CustomIoHandler.newFactory(ReadinessMode.EDGE_TRIGGERED), CustomServerSocketChannel.class,
            CustomSocketChannel.class),
    EPOLL(EpollIoHandler::newFactory, EpollServerSocketChannel.class, EpollSocketChannel.class),
    IO_URING(IoUringIoHandler::newFactory, IoUringServerSocketChannel.class, IoUringSocketChannel.class),
    NIO(NioIoHandler::newFactory, NioServerSocketChannel.class, NioSocketChannel.class);

    private final Supplier<IoHandlerFactory> factory;
    final Class<? extends ServerChannel> serverChannel;
    final Class<? extends SocketChannel> channel;

    BenchTransport(Supplier<IoHandlerFactory> factory, Class<? extends ServerChannel> serverChannel,
                   Class<? extends SocketChannel> channel) {
        this.factory = factory;
        this.serverChannel = serverChannel;
        this.channel = channel;
    }

    /** A one-thread group; fails (so that JMH reports it) when the transport cannot run here. */
    EventLoopGroup newGroup() {
        switch (this) {
            case EPOLL:
                Epoll.ensureAvailability();
                break;
            case IO_URING:
                IoUring.ensureAvailability();
                break;
            case NIO:
                break;
            default:
                Custom.ensureAvailability();
        }
        return new MultiThreadIoEventLoopGroup(1, factory.get());
    }

    /** {@code custom-lt} and the like, as the comparison runner names them. */
    static BenchTransport of(String param) {
        return valueOf(param.toUpperCase(java.util.Locale.ROOT).replace('-', '_'));
    }
}
