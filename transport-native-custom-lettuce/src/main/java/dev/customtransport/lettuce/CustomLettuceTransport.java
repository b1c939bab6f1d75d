package dev.customtransport.lettuce;

import dev.customtransport.CustomChannelOption;
import dev.customtransport.CustomDomainSocketChannel;
import dev.customtransport.CustomEventLoopGroup;
import dev.customtransport.CustomSocketChannel;
import dev.customtransport.IdleStrategy;
import dev.customtransport.ReadinessMode;
import dev.customtransport.Transports;
import io.lettuce.core.ConnectionBuilder;
import io.lettuce.core.ConnectionEvents;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.lettuce.core.resource.DefaultEventLoopGroupProvider;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.BootstrapConfig;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.nio.NioChannelOption;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.util.AttributeKey;
import io.netty.util.concurrent.DefaultEventExecutorChooserFactory;
import io.netty.util.concurrent.EventExecutorGroup;
import io.netty.util.concurrent.ThreadPerTaskExecutor;
import reactor.core.publisher.Mono;

import java.net.SocketAddress;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * Lettuce 7 on transport-native-custom. Lettuce has no transport SPI: its {@code Transports} picks epoll, kqueue,
 * io_uring or NIO by class, and a {@code NettyCustomizer} cannot change the channel class (Netty's bootstrap refuses
 * a second channel factory). So this takes two hooks: an event loop group provider that makes our loops where Lettuce
 * asks for its I/O group, and a {@link RedisClient} whose connections get a bootstrap with our channel class (the
 * same group, options and attributes Lettuce chose), over TCP and over Unix domain sockets:
 *
 * <pre>{@code
 * CustomLettuceTransport transport = CustomLettuceTransport.create();
 * ClientResources resources = transport.configure(ClientResources.builder()).build();
 * RedisClient client = transport.newClient(resources, RedisURI.create("redis://localhost:6379"));
 * // or RedisURI.Builder.socket("/run/redis/redis.sock").build()
 * ...
 * client.shutdown();
 * resources.shutdown();
 *
 * // edge-triggered, with TCP_USER_TIMEOUT (Lettuce's own SocketOptions.tcpUserTimeout needs Netty's epoll):
 * CustomLettuceTransport.create(ReadinessMode.EDGE_TRIGGERED).withTcpUserTimeout(Duration.ofSeconds(20));
 * }</pre>
 *
 * <p>Socket options: Lettuce sets SO_KEEPALIVE, TCP_NODELAY and the connect timeout itself. Its extended keep-alive
 * (idle, interval, count; on by default where the JDK has {@code jdk.net.ExtendedSocketOptions}) it sets as NIO
 * channel options, which become TCP_KEEPIDLE, TCP_KEEPINTVL and TCP_KEEPCNT here. Lettuce refuses
 * {@code SocketOptions.tcpUserTimeout(...)} unless Netty's epoll or io_uring is available: set it with
 * {@link #withTcpUserTimeout(Duration)}. Unix domain sockets need no Netty native transport (Lettuce's own path
 * does). Not covered: {@code RedisClusterClient} (its connections keep Lettuce's channel).
 *
 * <p>Where this transport is unavailable, the loops and channels stay Lettuce's own choice, as {@link Transports}
 * logs once.
 */
public final class CustomLettuceTransport {
    private final ReadinessMode mode;
    private final IdleStrategy idle;
    private final Duration tcpUserTimeout;

    private CustomLettuceTransport(ReadinessMode mode, IdleStrategy idle, Duration tcpUserTimeout) {
        this.mode = Objects.requireNonNull(mode, "mode");
        this.idle = Objects.requireNonNull(idle, "idle");
        this.tcpUserTimeout = tcpUserTimeout;
    }

    /** Level-triggered loops that block when idle. */
    public static CustomLettuceTransport create() {
        return create(ReadinessMode.LEVEL_TRIGGERED, IdleStrategy.park());
    }

    public static CustomLettuceTransport create(ReadinessMode mode) {
        return create(mode, IdleStrategy.park());
    }

    public static CustomLettuceTransport create(ReadinessMode mode, IdleStrategy idle) {
        return new CustomLettuceTransport(mode, idle, null);
    }

    /**
     * The same, with TCP_USER_TIMEOUT on every TCP connection.
     *
     * @throws IllegalArgumentException if {@code timeout} is negative or longer than {@code Integer.MAX_VALUE} ms
     */
    public CustomLettuceTransport withTcpUserTimeout(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.toMillis() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("tcpUserTimeout: " + timeout + " (expected 0 to "
                    + Integer.MAX_VALUE + " ms)");
        }
        return new CustomLettuceTransport(mode, idle, timeout);
    }

    /** Sets the event loop group provider, with Lettuce's default I/O thread count. */
    public ClientResources.Builder configure(ClientResources.Builder builder) {
        return configure(builder, DefaultClientResources.DEFAULT_IO_THREADS);
    }

    /** Sets the event loop group provider, with {@code ioThreads} loop threads. */
    public ClientResources.Builder configure(ClientResources.Builder builder, int ioThreads) {
        return builder.ioThreadPoolSize(ioThreads).eventLoopGroupProvider(eventLoopGroupProvider(ioThreads));
    }

    /** Lettuce's provider, making our loops where Lettuce asks for an I/O event loop group. */
    public DefaultEventLoopGroupProvider eventLoopGroupProvider(int ioThreads) {
        return new DefaultEventLoopGroupProvider(ioThreads) {
            // (qualified: the superclass declares a ThreadFactoryProvider of its own)
            @Override
            protected <T extends EventLoopGroup> EventExecutorGroup doCreateEventLoopGroup(Class<T> type,
                    int threads, io.lettuce.core.resource.ThreadFactoryProvider threadFactoryProvider) {
                if (Transports.isCustom() && type.isAssignableFrom(CustomEventLoopGroup.class)) {
                    return new CustomEventLoopGroup(threads, new ThreadPerTaskExecutor(
                            threadFactoryProvider.getThreadFactory("lettuce-customEventLoop")),
                            DefaultEventExecutorChooserFactory.INSTANCE, Transports.ioHandlerFactory(mode, idle));
                }
                return super.doCreateEventLoopGroup(type, threads, threadFactoryProvider);
            }
        };
    }

    /**
     * A client whose connections use this transport's channels when {@code resources} has its loops (see
     * {@link #configure}); otherwise a plain Lettuce client.
     */
    public RedisClient newClient(ClientResources resources, RedisURI uri) {
        return new Client(resources, uri);
    }

    @Override
    public String toString() {
        return "CustomLettuceTransport(" + mode + ", " + idle + ", tcpUserTimeout=" + tcpUserTimeout + ')';
    }

    private final class Client extends RedisClient {
        Client(ClientResources resources, RedisURI uri) {
            super(Objects.requireNonNull(resources, "resources"), Objects.requireNonNull(uri, "uri"));
        }

        /** A socket URI resolves to Netty's address itself: Lettuce would ask Netty's epoll or kqueue for it. */
        @Override
        protected Mono<SocketAddress> getSocketAddress(RedisURI uri) {
            if (uri.getSocket() != null && Transports.isCustom()) {
                return Mono.just(new DomainSocketAddress(uri.getSocket()));
            }
            return super.getSocketAddress(uri);
        }

        @Override
        protected void connectionBuilder(Mono<SocketAddress> address, ConnectionBuilder builder,
                ConnectionEvents events, RedisURI uri) {
            boolean domainSocket = uri.getSocket() != null;
            // Lettuce refuses a socket URI without Netty's epoll or kqueue: it configures a TCP connection, which
            // becomes a Unix socket one below (the address comes from getSocketAddress)
            super.connectionBuilder(address, builder, events, domainSocket ? withoutSocket(uri) : uri);
            Bootstrap lettuces = builder.bootstrap();
            if (Transports.isCustom(lettuces.config().group())) {
                builder.bootstrap(ours(lettuces.config(), domainSocket));
            }
        }

        private RedisURI withoutSocket(RedisURI uri) {
            RedisURI tcp = RedisURI.builder(uri).build();
            tcp.setSocket(null);
            tcp.setHost("localhost");
            return tcp;
        }

        /** Lettuce's bootstrap with our channel class; TCP options only for TCP. */
        @SuppressWarnings("unchecked")
        private Bootstrap ours(BootstrapConfig lettuces, boolean domainSocket) {
            Bootstrap b = new Bootstrap().group(lettuces.group())
                    .channel(domainSocket ? CustomDomainSocketChannel.class : CustomSocketChannel.class);
            if (!domainSocket) {
                b.resolver(lettuces.resolver());
            }
            for (Map.Entry<ChannelOption<?>, Object> e : lettuces.options().entrySet()) {
                ChannelOption<Object> option = (ChannelOption<Object>) e.getKey();
                ChannelOption<Integer> keepAlive = e.getKey() instanceof NioChannelOption
                        ? keepAliveOption(e.getKey().name()) : null;
                if (keepAlive != null) {
                    if (!domainSocket) {
                        b.option(keepAlive, (Integer) e.getValue());
                    }
                } else if (!domainSocket || !isTcpOnly(option)) {
                    b.option(option, e.getValue());
                }
            }
            if (tcpUserTimeout != null && !domainSocket) {
                b.option(CustomChannelOption.TCP_USER_TIMEOUT, (int) tcpUserTimeout.toMillis());
            }
            for (Map.Entry<AttributeKey<?>, Object> e : lettuces.attrs().entrySet()) {
                b.attr((AttributeKey<Object>) e.getKey(), e.getValue());
            }
            return b;
        }
    }

    private static boolean isTcpOnly(ChannelOption<?> option) {
        return option == ChannelOption.SO_KEEPALIVE || option == ChannelOption.TCP_NODELAY;
    }

    /** Ours for the JDK's extended keep-alive options (jdk.net.ExtendedSocketOptions names) that Lettuce sets. */
    private static ChannelOption<Integer> keepAliveOption(String jdkName) {
        switch (jdkName) {
            case "TCP_KEEPIDLE":
                return CustomChannelOption.TCP_KEEPIDLE;
            case "TCP_KEEPINTERVAL":
                return CustomChannelOption.TCP_KEEPINTVL;
            case "TCP_KEEPCOUNT":
                return CustomChannelOption.TCP_KEEPCNT;
            default:
                return null;
        }
    }
}
