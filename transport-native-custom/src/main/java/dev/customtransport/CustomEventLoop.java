package dev.customtransport;

import io.netty.channel.Channel;
import io.netty.channel.IoEventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.SingleThreadIoEventLoop;

import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.Executor;

/**
 * The loop {@link CustomEventLoopGroup} creates: a {@link SingleThreadIoEventLoop} that can also list the channels
 * registered with it and hand out its {@link LoopCounters}.
 */
public final class CustomEventLoop extends SingleThreadIoEventLoop {

    CustomEventLoop(IoEventLoopGroup parent, Executor executor, IoHandlerFactory factory) {
        super(parent, executor, factory);
        if (!(ioHandler() instanceof CustomIoHandler)) {
            throw new IllegalArgumentException("not a CustomIoHandler factory: " + factory);
        }
    }

    private CustomIoHandler handler() {
        return (CustomIoHandler) ioHandler();
    }

    /** This loop's counters (exact when read on the loop thread). */
    public LoopCounters counters() {
        return handler().counters();
    }

    @Override
    public int registeredChannels() {
        return handler().registeredCount();
    }

    @Override
    public Iterator<Channel> registeredChannelsIterator() {
        if (!inEventLoop()) {
            throw new IllegalStateException("registeredChannelsIterator() must be called from the event loop");
        }
        List<Channel> channels = handler().registeredChannels();
        return Collections.unmodifiableList(channels).iterator();
    }
}
