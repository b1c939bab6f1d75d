package dev.customtransport.microbench.server;

import io.netty.channel.IoHandle;
import io.netty.channel.IoHandler;
import io.netty.channel.IoHandlerContext;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.IoRegistration;
import io.netty.util.concurrent.ThreadAwareExecutor;

/**
 * A prototype, in the microbench only, of the opt-in idle strategy the transport does not have yet: after an
 * iteration that handled I/O, the loop keeps polling without blocking for {@code -Dbench.spinMicros} (default 100)
 * microseconds before it blocks in the poller again. The next message is then picked up by a running thread
 * instead of one the scheduler has to wake, which is what a spin-then-park strategy buys; the price is the CPU
 * burnt while spinning, which the comparison shows beside the latency. It only wraps the public
 * {@link IoHandler} of the transport, so it measures what such an option would give before it is built in.
 */
final class SpinThenParkIoHandler implements IoHandler {
    static final long SPIN_NANOS = Long.getLong("bench.spinMicros", 100) * 1000L;

    private final IoHandler delegate;
    private final NonBlockingContext nonBlocking = new NonBlockingContext();
    private long lastWork;

    private SpinThenParkIoHandler(IoHandler delegate) {
        this.delegate = delegate;
    }

    static IoHandlerFactory newFactory(IoHandlerFactory inner) {
        return new IoHandlerFactory() {
            @Override
            public IoHandler newHandler(ThreadAwareExecutor executor) {
                return new SpinThenParkIoHandler(inner.newHandler(executor));
            }

            @Override
            public boolean isChangingThreadSupported() {
                return inner.isChangingThreadSupported();
            }
        };
    }

    IoHandler delegate() {
        return delegate;
    }

    @Override
    public int run(IoHandlerContext context) {
        int handled;
        if (context.canBlock() && System.nanoTime() - lastWork < SPIN_NANOS) {
            nonBlocking.outer = context;
            handled = delegate.run(nonBlocking);
        } else {
            handled = delegate.run(context);
        }
        if (handled > 0) {
            lastWork = System.nanoTime();
        }
        return handled;
    }

    @Override
    public void initialize() {
        delegate.initialize();
    }

    @Override
    public void prepareToDestroy() {
        delegate.prepareToDestroy();
    }

    @Override
    public void destroy() {
        delegate.destroy();
    }

    @Override
    public IoRegistration register(IoHandle handle) throws Exception {
        return delegate.register(handle);
    }

    @Override
    public void wakeup() {
        delegate.wakeup();
    }

    @Override
    public boolean isCompatible(Class<? extends IoHandle> handleType) {
        return delegate.isCompatible(handleType);
    }

    /** The loop's context, except that it never lets the handler block. */
    private static final class NonBlockingContext implements IoHandlerContext {
        IoHandlerContext outer;

        @Override
        public boolean canBlock() {
            return false;
        }

        @Override
        public long delayNanos(long currentTimeNanos) {
            return outer.delayNanos(currentTimeNanos);
        }

        @Override
        public long deadlineNanos() {
            return outer.deadlineNanos();
        }

        @Override
        public void reportActiveIoTime(long activeNanos) {
            outer.reportActiveIoTime(activeNanos);
        }

        @Override
        public boolean shouldReportActiveIoTime() {
            return outer.shouldReportActiveIoTime();
        }
    }
}
