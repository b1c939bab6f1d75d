package dev.customtransport.reactor;

import dev.customtransport.CustomDatagramChannel;
import dev.customtransport.CustomDomainDatagramChannel;
import dev.customtransport.CustomDomainSocketChannel;
import dev.customtransport.CustomEventLoopGroup;
import dev.customtransport.CustomServerDomainSocketChannel;
import dev.customtransport.CustomServerSocketChannel;
import dev.customtransport.CustomSocketChannel;
import dev.customtransport.IdleStrategy;
import dev.customtransport.ReadinessMode;
import dev.customtransport.Transports;
import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.unix.DomainDatagramChannel;
import io.netty.channel.unix.DomainSocketChannel;
import io.netty.channel.unix.ServerDomainSocketChannel;
import io.netty.util.concurrent.DefaultEventExecutorChooserFactory;
import io.netty.util.concurrent.FastThreadLocalThread;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ThreadPerTaskExecutor;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.NonBlocking;
import reactor.netty.resources.LoopResources;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * reactor-netty's {@link LoopResources} on transport-native-custom: the server, select and client groups are this
 * transport's loops, and every channel type reactor-netty asks for ({@code SocketChannel},
 * {@code ServerSocketChannel}, {@code DatagramChannel}, {@code DomainSocketChannel},
 * {@code ServerDomainSocketChannel}, {@code DomainDatagramChannel}) is ours, so TCP, HTTP/1.1, HTTP/2, WebSocket,
 * UDP and Unix domain sockets all run on it:
 *
 * <pre>{@code
 * LoopResources loops = CustomLoopResources.create("http");
 * DisposableServer server = HttpServer.create().runOn(loops).handle(...).bindNow();
 * HttpClient client = HttpClient.create().runOn(loops);
 * ...
 * loops.disposeLater().block();
 *
 * // edge-triggered loops, 4 workers and a separate acceptor thread:
 * CustomLoopResources.builder("http").workerCount(4).selectCount(1)
 *     .readinessMode(ReadinessMode.EDGE_TRIGGERED).build();
 * }</pre>
 *
 * <p>As reactor-netty's own loop resources do: the worker count defaults to {@link #DEFAULT_IO_WORKER_COUNT}
 * ({@code reactor.netty.ioWorkerCount}), servers accept on the workers unless a select count is given, clients
 * share the workers and stay on the loop they are created from ({@link LoopResources#colocate}), the threads are
 * daemons that reactor-core sees as non-blocking ({@code block()} on them fails fast), and
 * {@code runOn(loops, false)} (or {@code -Dreactor.netty.native=false}) gets NIO loops. Where this transport is not
 * available the loops are NIO's, as {@link Transports} decides (logged once). A group this instance did not make
 * is handed to reactor-netty's own channel selection.
 */
public final class CustomLoopResources implements LoopResources {
    private final String prefix;
    private final int workerCount;
    private final int selectCount;
    private final boolean daemon;
    private final boolean colocate;
    private final ReadinessMode mode;
    private final IdleStrategy idle;
    private final AtomicInteger threadCount = new AtomicInteger();
    private final AtomicBoolean running = new AtomicBoolean(true);

    private final Groups custom = new Groups();
    private final Groups nio = new Groups();

    private CustomLoopResources(Builder b) {
        this.prefix = b.prefix;
        this.workerCount = b.workerCount;
        this.selectCount = b.selectCount;
        this.daemon = b.daemon;
        this.colocate = b.colocate;
        this.mode = b.mode;
        this.idle = b.idle;
    }

    /** Level-triggered loops with reactor-netty's defaults, threads named {@code prefix-custom-N}. */
    public static CustomLoopResources create(String prefix) {
        return builder(prefix).build();
    }

    /** Loops with readiness {@code mode} and reactor-netty's defaults otherwise. */
    public static CustomLoopResources create(String prefix, ReadinessMode mode) {
        return builder(prefix).readinessMode(mode).build();
    }

    public static Builder builder(String prefix) {
        return new Builder(prefix);
    }

    @Override
    public EventLoopGroup onServer(boolean useNative) {
        Groups groups = groups(useNative);
        return groups.server.updateAndGet(g -> g != null ? g : newGroup(useNative, workerCount, ""));
    }

    @Override
    public EventLoopGroup onServerSelect(boolean useNative) {
        if (selectCount == -1) {
            return onServer(useNative);
        }
        Groups groups = groups(useNative);
        return groups.select.updateAndGet(g -> g != null ? g : newGroup(useNative, selectCount, "select-"));
    }

    @Override
    public EventLoopGroup onClient(boolean useNative) {
        EventLoopGroup server = onServer(useNative);
        // the colocated wrapper owns nothing: disposing the server group is enough
        return groups(useNative).client.updateAndGet(g -> g != null ? g
                : colocate ? LoopResources.colocate(server) : server);
    }

    /** Ours for a group of this transport; otherwise reactor-netty's choice for that group. */
    @Override
    public <C extends Channel> C onChannel(Class<C> channelType, EventLoopGroup group) {
        if (!isCustom(group)) {
            return LoopResources.super.onChannel(channelType, group);
        }
        Supplier<? extends Channel> factory;
        if (channelType == SocketChannel.class) {
            factory = CustomSocketChannel::new;
        } else if (channelType == ServerSocketChannel.class) {
            factory = CustomServerSocketChannel::new;
        } else if (channelType == DatagramChannel.class) {
            factory = CustomDatagramChannel::new;
        } else if (channelType == DomainSocketChannel.class) {
            factory = CustomDomainSocketChannel::new;
        } else if (channelType == ServerDomainSocketChannel.class) {
            factory = CustomServerDomainSocketChannel::new;
        } else if (channelType == DomainDatagramChannel.class) {
            factory = CustomDomainDatagramChannel::new;
        } else {
            throw unsupported(channelType);
        }
        return channelType.cast(factory.get());
    }

    @Override
    public <C extends Channel> Class<? extends C> onChannelClass(Class<C> channelType, EventLoopGroup group) {
        if (!isCustom(group)) {
            return LoopResources.super.onChannelClass(channelType, group);
        }
        Class<?> type;
        if (channelType == SocketChannel.class) {
            type = CustomSocketChannel.class;
        } else if (channelType == ServerSocketChannel.class) {
            type = CustomServerSocketChannel.class;
        } else if (channelType == DatagramChannel.class) {
            type = CustomDatagramChannel.class;
        } else if (channelType == DomainSocketChannel.class) {
            type = CustomDomainSocketChannel.class;
        } else if (channelType == ServerDomainSocketChannel.class) {
            type = CustomServerDomainSocketChannel.class;
        } else if (channelType == DomainDatagramChannel.class) {
            type = CustomDomainDatagramChannel.class;
        } else {
            throw unsupported(channelType);
        }
        return type.asSubclass(channelType);
    }

    /**
     * By an event loop of the group: reactor-netty's colocated wrapper (a client group) hands out the loops of the
     * group it wraps.
     */
    private static boolean isCustom(EventLoopGroup group) {
        Objects.requireNonNull(group, "group");
        return Transports.isCustom(group.next());
    }

    private static IllegalArgumentException unsupported(Class<?> channelType) {
        return new IllegalArgumentException("channelType: " + channelType.getName() + " (expected SocketChannel, "
                + "ServerSocketChannel, DatagramChannel, DomainSocketChannel, ServerDomainSocketChannel or "
                + "DomainDatagramChannel)");
    }

    @Override
    public boolean daemon() {
        return daemon;
    }

    public ReadinessMode readinessMode() {
        return mode;
    }

    public IdleStrategy idleStrategy() {
        return idle;
    }

    @Override
    public boolean isDisposed() {
        return !running.get();
    }

    @Override
    public Mono<Void> disposeLater(Duration quietPeriod, Duration timeout) {
        return Mono.defer(() -> {
            if (!running.compareAndSet(true, false)) {
                return Mono.empty();
            }
            List<Mono<Void>> shutdowns = new ArrayList<>();
            for (Groups groups : new Groups[] {custom, nio}) {
                for (EventLoopGroup group : new EventLoopGroup[] {groups.select.get(), groups.server.get()}) {
                    if (group != null) {
                        Future<?> f = group.shutdownGracefully(quietPeriod.toMillis(), timeout.toMillis(),
                                TimeUnit.MILLISECONDS);
                        shutdowns.add(Mono.create(sink -> f.addListener(done -> {
                            if (done.isSuccess()) {
                                sink.success();
                            } else {
                                sink.error(done.cause());
                            }
                        })));
                    }
                }
            }
            return Mono.when(shutdowns).timeout(timeout, Mono.error(new IllegalStateException(
                    "CustomLoopResources(" + prefix + ") not disposed within " + timeout.toMillis() + " ms")));
        });
    }

    private Groups groups(boolean useNative) {
        if (!running.get()) {
            throw new IllegalStateException("CustomLoopResources(" + prefix + ") is disposed");
        }
        return useNative && Transports.isCustom() ? custom : nio;
    }

    private EventLoopGroup newGroup(boolean useNative, int threads, String role) {
        if (useNative && Transports.isCustom()) {
            IoHandlerFactory factory = Transports.ioHandlerFactory(mode, idle);
            return new CustomEventLoopGroup(threads, new ThreadPerTaskExecutor(threads(role + "custom")),
                    DefaultEventExecutorChooserFactory.INSTANCE, factory);
        }
        return new MultiThreadIoEventLoopGroup(threads, threads(role + "nio"), NioIoHandler.newFactory());
    }

    private ThreadFactory threads(String kind) {
        String name = prefix + '-' + kind + '-';
        return runnable -> {
            Thread t = new LoopThread(runnable);
            t.setName(name + threadCount.incrementAndGet());
            t.setDaemon(daemon);
            return t;
        };
    }

    @Override
    public String toString() {
        return "CustomLoopResources{prefix=" + prefix + ", workerCount=" + workerCount + ", selectCount="
                + selectCount + ", daemon=" + daemon + ", colocate=" + colocate + ", mode=" + mode + ", idle=" + idle
                + ", transport=" + Transports.name() + '}';
    }

    /** A loop thread: Netty's fast thread locals, and reactor-core's "must not block" marker. */
    private static final class LoopThread extends FastThreadLocalThread implements NonBlocking {
        LoopThread(Runnable target) {
            super(target);
        }
    }

    /** The groups of one transport, each made on first use. */
    private static final class Groups {
        final AtomicReference<EventLoopGroup> server = new AtomicReference<>();
        final AtomicReference<EventLoopGroup> select = new AtomicReference<>();
        final AtomicReference<EventLoopGroup> client = new AtomicReference<>();
    }

    /** Settings of a {@link CustomLoopResources}; each defaults to reactor-netty's. */
    public static final class Builder {
        private final String prefix;
        private int workerCount = DEFAULT_IO_WORKER_COUNT;
        private int selectCount = DEFAULT_IO_SELECT_COUNT;
        private boolean daemon = true;
        private boolean colocate = true;
        private ReadinessMode mode = ReadinessMode.LEVEL_TRIGGERED;
        private IdleStrategy idle = IdleStrategy.park();

        private Builder(String prefix) {
            Objects.requireNonNull(prefix, "prefix");
            if (prefix.isEmpty()) {
                throw new IllegalArgumentException("prefix: \"\" (expected a thread name prefix)");
            }
            this.prefix = prefix;
        }

        /** Loop threads for I/O (and, without a select count, for accepting); at least 1. */
        public Builder workerCount(int count) {
            if (count < 1) {
                throw new IllegalArgumentException("workerCount: " + count + " (expected at least 1)");
            }
            this.workerCount = count;
            return this;
        }

        /** Threads that only accept server connections; -1 (the default) accepts on the workers. */
        public Builder selectCount(int count) {
            if (count < 1 && count != -1) {
                throw new IllegalArgumentException("selectCount: " + count + " (expected at least 1, or -1)");
            }
            this.selectCount = count;
            return this;
        }

        public Builder daemon(boolean daemon) {
            this.daemon = daemon;
            return this;
        }

        /** Whether a client created on a loop thread stays on that loop (the default, as reactor-netty's). */
        public Builder colocate(boolean colocate) {
            this.colocate = colocate;
            return this;
        }

        public Builder readinessMode(ReadinessMode mode) {
            this.mode = Objects.requireNonNull(mode, "mode");
            return this;
        }

        public Builder idleStrategy(IdleStrategy idle) {
            this.idle = Objects.requireNonNull(idle, "idle");
            return this;
        }

        public CustomLoopResources build() {
            return new CustomLoopResources(this);
        }
    }
}
