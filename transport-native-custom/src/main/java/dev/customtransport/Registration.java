package dev.customtransport;

import dev.customtransport.internal.LoopScratch;
import io.netty.channel.IoOps;
import io.netty.channel.IoRegistration;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * One handle's registration with a {@link CustomIoHandler}. Interest submitted here is not applied at once: it
 * is recorded and applied just before the loop next waits, so a flag switched off and on during one iteration
 * costs nothing. What is submitted is the channel's {@link Readiness} decision; the loop applies it as it is.
 */
final class Registration implements IoRegistration {
    private static final VarHandle READY_WORK;
    private static final VarHandle CANCELLED;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            READY_WORK = l.findVarHandle(Registration.class, "readyWork", int.class);
            CANCELLED = l.findVarHandle(Registration.class, "cancelled", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    final CustomIoHandler loop;
    final CustomIoHandle handle;
    /** The channel's own readiness mode, else the loop's. */
    final ReadinessMode mode;
    /** The loop's scratch memory: loop thread only, one call at a time. */
    final LoopScratch scratch;
    long token;
    /** Interest wanted by the channel (loop thread). */
    int desired;
    /** Interest the kernel has; 0 = not added (loop thread). */
    int applied;
    /** On the loop's change list (loop thread). */
    boolean changeQueued;
    /** Slot freed; no more events or changes (loop thread). */
    boolean removed;
    /** Work bits waiting on the ready queue; non-zero iff queued (any thread). */
    @SuppressWarnings("unused")
    private volatile int readyWork;
    @SuppressWarnings("unused")
    private volatile int cancelled;

    Registration(CustomIoHandler loop, CustomIoHandle handle, ReadinessMode mode, LoopScratch scratch) {
        this.loop = loop;
        this.handle = handle;
        this.mode = mode;
        this.scratch = scratch;
    }

    /** This object: channels reach the loop's scratch memory and ready queue through it. */
    @Override
    @SuppressWarnings("unchecked")
    public <T> T attachment() {
        return (T) this;
    }

    @Override
    public long submit(IoOps ops) {
        int bits = ((CustomIoOps) ops).bits;
        if (loop.inLoop()) {
            loop.changeInterest(this, bits);
        } else {
            loop.execute(() -> loop.changeInterest(this, bits));
        }
        return bits;
    }

    @Override
    public boolean isValid() {
        return (int) CANCELLED.getVolatile(this) == 0;
    }

    @Override
    public boolean cancel() {
        if (!CANCELLED.compareAndSet(this, 0, 1)) {
            return false;
        }
        if (loop.inLoop()) {
            loop.deregister(this);
        } else {
            loop.execute(() -> loop.deregister(this));
        }
        return true;
    }

    /**
     * Any thread: puts this registration on the loop's ready queue with {@code work} ({@link CustomIoEvent} bits),
     * unless it is there already (then the bits are merged). Never allocates.
     */
    void markReady(int work) {
        int prev;
        do {
            prev = (int) READY_WORK.getVolatile(this);
            if ((prev & work) == work) {
                return;
            }
        } while (!READY_WORK.compareAndSet(this, prev, prev | work));
        if (prev == 0) {
            loop.enqueueReady(this);
        }
    }

    /** The work bits waiting on the ready queue (0: not queued), without taking them. Any thread. */
    int readyWork() {
        return (int) READY_WORK.getVolatile(this);
    }

    /** Loop thread: takes the queued work; the registration may be queued again from now on. */
    int takeReadyWork() {
        return (int) READY_WORK.getAndSet(this, 0);
    }
}
