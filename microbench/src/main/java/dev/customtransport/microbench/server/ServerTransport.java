package dev.customtransport.microbench.server;

import dev.customtransport.Custom;
import dev.customtransport.CustomIoHandler;
import dev.customtransport.CustomServerSocketChannel;
import dev.customtransport.IdleStrategy;
import dev.customtransport.ReadinessMode;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringServerSocketChannel;

import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * The JVM transports the comparison runs, each as an echo + HTTP server in its own JVM. The ids are what the
 * runner's {@code --servers} option and the result files use.
 */
public enum ServerTransport {
    CUSTOM_LT("custom-lt", "ours, level-triggered",
            () -> CustomIoHandler.newFactory(ReadinessMode.LEVEL_TRIGGERED), CustomServerSocketChannel.class),
    CUSTOM_ET("custom-et", "ours, edge-triggered",
            () -> CustomIoHandler.newFactory(ReadinessMode.EDGE_TRIGGERED), CustomServerSocketChannel.class),
    /**
     * Ours, level-triggered, with the opt-in idle strategy: spin for {@code -Dbench.spinMicros} (default 100) after
     * the last work, yield for {@code -Dbench.yieldMicros} (default 0), then block.
     */
    CUSTOM_LT_SPIN("custom-lt-spin", "ours, LT + IdleStrategy.backoff(spin, yield)",
            () -> CustomIoHandler.newFactory(ReadinessMode.LEVEL_TRIGGERED, benchIdleStrategy()),
            CustomServerSocketChannel.class),
    EPOLL("epoll", "Netty epoll", EpollIoHandler::newFactory, EpollServerSocketChannel.class),
    IO_URING("io_uring", "Netty io_uring", IoUringIoHandler::newFactory, IoUringServerSocketChannel.class),
    NIO("nio", "Netty NIO", NioIoHandler::newFactory, NioServerSocketChannel.class);

    private final String id;
    private final String label;
    private final Supplier<IoHandlerFactory> factory;
    private final Class<? extends ServerChannel> serverChannel;

    ServerTransport(String id, String label, Supplier<IoHandlerFactory> factory,
                    Class<? extends ServerChannel> serverChannel) {
        this.id = id;
        this.label = label;
        this.factory = factory;
        this.serverChannel = serverChannel;
    }

    public String id() {
        return id;
    }

    public String label() {
        return label;
    }

    /** The idle strategy of {@link #CUSTOM_LT_SPIN}. */
    public static IdleStrategy benchIdleStrategy() {
        return IdleStrategy.backoff(Duration.of(Long.getLong("bench.spinMicros", 100), ChronoUnit.MICROS),
                Duration.of(Long.getLong("bench.yieldMicros", 0), ChronoUnit.MICROS));
    }

    IoHandlerFactory newFactory() {
        return factory.get();
    }

    Class<? extends ServerChannel> serverChannel() {
        return serverChannel;
    }

    /** Why this transport cannot run in this JVM, or null if it can. */
    public Throwable unavailabilityCause() {
        switch (this) {
            case EPOLL:
                return Epoll.isAvailable() ? null : Epoll.unavailabilityCause();
            case IO_URING:
                return IoUring.isAvailable() ? null : IoUring.unavailabilityCause();
            case NIO:
                return null;
            default:
                return Custom.isAvailable() ? null : Custom.unavailabilityCause();
        }
    }

    public static ServerTransport byId(String id) {
        for (ServerTransport t : values()) {
            if (t.id.equals(id.toLowerCase(Locale.ROOT))) {
                return t;
            }
        }
        throw new IllegalArgumentException("unknown transport: " + id);
    }
}
