package dev.customtransport;

import io.netty.channel.IoEventLoop;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.util.concurrent.EventExecutorChooserFactory;

import java.util.concurrent.Executor;
import java.util.concurrent.ThreadFactory;

/**
 * A {@link MultiThreadIoEventLoopGroup} of {@link CustomEventLoop}s. Using it is optional: a plain
 * {@code new MultiThreadIoEventLoopGroup(CustomIoHandler.newFactory())} works the same; this class adds
 * {@code registeredChannels()} and per-loop {@link LoopCounters}.
 *
 * <pre>{@code
 * EventLoopGroup boss = new CustomEventLoopGroup(1);
 * EventLoopGroup workers = new CustomEventLoopGroup(0, ReadinessMode.EDGE_TRIGGERED); // 0: Netty's default count
 * new ServerBootstrap().group(boss, workers).channel(CustomServerSocketChannel.class) ...
 * }</pre>
 */
public class CustomEventLoopGroup extends MultiThreadIoEventLoopGroup {

    public CustomEventLoopGroup() {
        this(0);
    }

    public CustomEventLoopGroup(int nThreads) {
        this(nThreads, ReadinessMode.LEVEL_TRIGGERED);
    }

    public CustomEventLoopGroup(int nThreads, ReadinessMode mode) {
        super(nThreads, (Executor) null, CustomIoHandler.newFactory(mode));
    }

    /**
     * Loops that spend idle time as {@code idle} says, for example spinning briefly before they block:
     * <pre>{@code
     * IdleStrategy idle = IdleStrategy.spinThenPark(Duration.of(100, ChronoUnit.MICROS));
     * EventLoopGroup group = new CustomEventLoopGroup(1, ReadinessMode.LEVEL_TRIGGERED, idle);
     * }</pre>
     */
    public CustomEventLoopGroup(int nThreads, ReadinessMode mode, IdleStrategy idle) {
        super(nThreads, (Executor) null, CustomIoHandler.newFactory(mode, idle));
    }

    public CustomEventLoopGroup(int nThreads, ThreadFactory threadFactory) {
        this(nThreads, threadFactory, ReadinessMode.LEVEL_TRIGGERED);
    }

    public CustomEventLoopGroup(int nThreads, ThreadFactory threadFactory, ReadinessMode mode) {
        super(nThreads, threadFactory, CustomIoHandler.newFactory(mode));
    }

    /** For custom choosers (for example Netty's auto-scaling one) and executors. */
    public CustomEventLoopGroup(int nThreads, Executor executor, EventExecutorChooserFactory chooserFactory,
                                IoHandlerFactory factory) {
        super(nThreads, executor, chooserFactory, factory);
    }

    @Override
    protected IoEventLoop newChild(Executor executor, IoHandlerFactory ioHandlerFactory, Object... args) {
        return new CustomEventLoop(this, executor, ioHandlerFactory);
    }
}
