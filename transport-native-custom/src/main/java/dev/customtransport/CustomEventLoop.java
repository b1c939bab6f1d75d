package dev.customtransport;

import io.netty.channel.Channel;
import io.netty.channel.IoEventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.SingleThreadIoEventLoop;

import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.Executor;

/**
 * The loop {@link CustomEventLoopGroup} creates: a {@link SingleThreadIoEventLoop} that can also list the channels
 * registered with it and hand out its {@link LoopCounters}.
 */
public final class CustomEventLoop extends SingleThreadIoEventLoop {

    /**
     * The last task queue made for this loop (Netty makes two: tasks and tail tasks; each links to the one
     * before). Assigned from the super constructors, so it must have no initializer of its own.
     */
    private CountingTaskQueue taskQueue;

    CustomEventLoop(IoEventLoopGroup parent, Executor executor, IoHandlerFactory factory) {
        super(parent, executor, factory);
        if (!(ioHandler() instanceof CustomIoHandler)) {
            throw new IllegalArgumentException("not a CustomIoHandler factory: " + factory);
        }
        CountingTaskQueue q = taskQueue;
        handler().tasksRun = q::taken;
    }

    @Override
    protected Queue<Runnable> newTaskQueue(int maxPendingTasks) {
        taskQueue = new CountingTaskQueue(newTaskQueue0(maxPendingTasks), taskQueue);
        return taskQueue;
    }

    /** The loop's handler (package-private: tests reach its hooks through it). */
    CustomIoHandler handler() {
        return (CustomIoHandler) ioHandler();
    }

    /** This loop's counters (exact when read on the loop thread). */
    public LoopCounters counters() {
        return handler().counters();
    }

    @Override
    public int registeredChannels() {
        return handler().registeredChannels();
    }

    @Override
    public Iterator<Channel> registeredChannelsIterator() {
        if (!inEventLoop()) {
            throw new IllegalStateException("registeredChannelsIterator() must be called from the event loop");
        }
        List<Channel> channels = handler().channels();
        return Collections.unmodifiableList(channels).iterator();
    }
}
